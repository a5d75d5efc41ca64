"""Failed sign-ins lock the account (GB/T 22239-2019 L2 身份鉴别: 登录失败处理).

After ``YISHI_LOGIN_MAX_FAILURES`` (5) wrong passwords for an account within the lock
period, the account is locked for ``YISHI_LOGIN_LOCK_MINUTES`` (15); the right password
does not open it early. One address is throttled likewise after
``YISHI_LOGIN_MAX_FAILURES_PER_ADDRESS`` (20) failures over any accounts, so one machine
cannot try five passwords on every account. The lock and its end are audit events
(``account.locked``, ``account.unlocked``). The counters are rows (``SignInGuard``)
updated under a row lock, so parallel attempts are each counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, clock
from .models import SignInGuard
from .signins import account_named

GUARD = audit.SystemActor("system:sign-in-guard")


def _limits() -> tuple[int, int, timedelta]:
    return (int(getattr(settings, "YISHI_LOGIN_MAX_FAILURES", 5)),
            int(getattr(settings, "YISHI_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)),
            timedelta(minutes=int(getattr(settings, "YISHI_LOGIN_LOCK_MINUTES", 15))))


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"account:{username.strip().lower()}"[:200], f"address:{address}"[:200]


def locked_until(username: str, address: str) -> datetime | None:
    """When the account or the address may try again; None when it may now."""
    now = clock.now()
    until = (SignInGuard.objects.filter(key__in=_keys(username, address),
                                        locked_until__gt=now)
             .order_by("-locked_until").values_list("locked_until", flat=True).first())
    return until


def record_failure(username: str, address: str) -> None:
    """Count one wrong password; lock what reached its limit (one audit event each)."""
    per_account, per_address, period = _limits()
    now = clock.now()
    with transaction.atomic():
        for key, limit in zip(_keys(username, address), (per_account, per_address),
                              strict=True):
            if key == "address:":
                continue
            guard, _created = SignInGuard.objects.select_for_update().get_or_create(
                key=key, defaults={"window_start": now})
            if guard.window_start < now - period and not guard.is_locked(now):
                guard.failures, guard.window_start = 0, now  # an old failure is forgotten
            guard.failures += 1
            if guard.failures >= limit and not guard.is_locked(now):
                guard.locked_until = now + period
                account = account_named(username) if key.startswith("account:") else None
                audit.record(actor=GUARD, action="account.locked",
                             obj=account, object_type="" if account else "core.signinguard",
                             object_id="" if account else guard.pk,
                             after={"until": guard.locked_until.isoformat(),
                                    "failures": guard.failures,
                                    "by": "account" if account else "address"})
            guard.save()


def record_success(username: str, address: str) -> None:
    """The right password, outside any lock: the account's count starts again."""
    key, _address_key = _keys(username, address)
    with transaction.atomic():
        guard = SignInGuard.objects.select_for_update().filter(key=key).first()
        if guard is None:
            return
        if guard.locked_until is not None:
            account = account_named(username)
            audit.record(actor=GUARD, action="account.unlocked", obj=account,
                         after={"locked_until": guard.locked_until.isoformat(),
                                "how": "the lock period ended"})
        guard.delete()


class LockingAuthenticationForm(AuthenticationForm):
    """The sign-in form: refuses a locked account or address before checking the password.

    ``shared_device`` (a phone the family or the community office shares) makes the session
    end when the browser closes (``portal.views.SignInView``).
    """

    shared_device = forms.BooleanField(
        required=False, label=gettext_lazy("Shared phone or computer: sign me out when the "
                                           "browser closes"))

    def clean(self) -> dict[str, Any]:
        # The account the form's field found (a subclass may read a phone number as one).
        username = str(self.cleaned_data.get("username") or self.data.get("username", ""))
        address = str(self.request.META.get("REMOTE_ADDR", "")) if self.request else ""
        until = locked_until(username, address)
        if until is not None:
            at = timezone.localtime(until).strftime("%H:%M")
            raise ValidationError(
                _("Too many wrong passwords: signing in is locked until %(at)s. Wait, or "
                  "ask the community office to check your account.") % {"at": at},
                code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        record_success(username, address)
        return cleaned
