"""Signing in with a code sent by SMS (短信验证码登录) to the mobile number on the register.

A resident who never chose a password types the number the community registered for
them, receives a six-digit code and types it back. The rules:

- a code is valid ``CODE_MINUTES`` (5) and once; ``MAX_ATTEMPTS`` (5) wrong tries end it;
- one number gets a new code at most every ``RESEND_SECONDS`` (60) and ``PER_HOUR`` (5)
  times an hour; one address asks at most ``PER_ADDRESS_HOUR`` (20) times an hour;
- the answer is the same whether the number is on a register or not (no SMS goes to a
  number that is on none), so the page tells nobody who is registered;
- only a keyed digest of the code is stored, and the number only as its blind index;
- each code sent to a registered number, and each code worn out by wrong tries, is an
  audit event of the account (``account.code_sent``, ``account.code_failed``); the
  sign-in itself is ``account.sign_in``, as with a password.

The text goes through ``settings.YISHI_SMS_BACKEND`` (a ``yishi.core.channels.SmsBackend``;
the development outbox by default); without one, code sign-in is not offered.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from yishi.core import audit, clock, crypto
from yishi.core.channels import SmsBackend
from yishi.core.lockout import LockingAuthenticationForm
from yishi.core.models import SignInCode, SignInGuard
from yishi.core.signins import account_named
from yishi.places.models import PersonalData

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
PER_HOUR = 5
PER_ADDRESS_HOUR = 20
SENDER = audit.SystemActor("system:sign-in-code")


def sms_backend() -> SmsBackend | None:
    """The configured SMS gateway, or None: then the sign-in page offers no code."""
    path = str(getattr(settings, "YISHI_SMS_BACKEND", "") or "")
    if not path:
        return None
    backend = import_string(path)()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"YISHI_SMS_BACKEND {path} is not an SmsBackend")
    return backend


def normalised(phone: str) -> str | None:
    """The 11-digit mainland mobile number typed (spaces, dashes, +86 allowed), or None."""
    p = crypto.normalise_phone(phone)
    return p if len(p) == 11 and p.isdigit() and p.startswith("1") else None


def accounts_for(phone: str) -> list[Any]:
    """The active accounts of the people registered with this number (a couple may share
    one phone), in a fixed order."""
    User = get_user_model()
    persons = PersonalData.objects.with_phone(phone).filter(
        person__moved_out_on__isnull=True, person__user__isnull=False).values("person__user_id")
    return list(User._default_manager.filter(pk__in=persons, is_active=True)
                .select_related("person").order_by("pk"))


class PhoneOrAccountForm(LockingAuthenticationForm):
    """The password form's first field takes 手机号或账号: a mobile number on the register
    stands for its account, when it is one person's (a shared number needs the account)."""

    def clean_username(self) -> str:
        typed = str(self.cleaned_data.get("username") or "").strip()
        number = normalised(typed)
        if number is not None and account_named(typed) is None:
            accounts = accounts_for(number)
            if len(accounts) == 1:
                return str(accounts[0].get_username())
        return typed


def _digest(phone_index: str, code: str) -> str:
    key = hashlib.sha256(b"yishi-sign-in-code:" + crypto.data_key()).digest()
    return hmac.new(key, f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Sent:
    """What asking for a code came to: ``ok`` (sent, or silently not: on no register),
    else ``message`` says why not, in the user's words."""

    ok: bool
    message: str = ""
    wait_seconds: int = 0
    resend_gap: bool = False  # refused only because a code went out a moment ago
    accounts: list[Any] = field(default_factory=list)


def _throttle(key: str, *, limit: int, now: Any, min_gap: int = 0) -> tuple[int, bool]:
    """Count one request under ``key`` (a row lock): (0, _) when allowed, else the seconds
    to wait and whether it is only the gap between two codes (not the hour's limit)."""
    guard, _created = SignInGuard.objects.select_for_update().get_or_create(
        key=key, defaults={"window_start": now})
    if guard.window_start <= now - timedelta(hours=1):
        guard.failures, guard.window_start = 0, now
    if guard.failures >= limit:
        return _seconds(guard.window_start + timedelta(hours=1) - now), False
    if min_gap and guard.locked_until is not None and guard.locked_until > now:
        return _seconds(guard.locked_until - now), True
    guard.failures += 1
    if min_gap:
        guard.locked_until = now + timedelta(seconds=min_gap)  # the next code not before
    guard.save()
    return 0, False


def _seconds(left: timedelta) -> int:
    return max(1, math.ceil(left.total_seconds()))


def request_code(*, phone: str, address: str = "") -> Sent:
    """Make and send a code for ``phone``, within the limits; one transaction."""
    number = normalised(phone)
    if number is None:
        return Sent(False, _("Type the 11-digit mobile number the community registered for "
                             "you, e.g. 13812345678."))
    backend = sms_backend()
    if backend is None:
        return Sent(False, _("Sign-in by SMS code is not available here. Sign in with your "
                             "account and password."))
    index = crypto.blind_index("phone", number) or ""
    now = clock.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        wait, gap = _throttle(f"code-phone:{index}", limit=PER_HOUR, now=now,
                              min_gap=RESEND_SECONDS)
        if not wait and address:
            wait, gap = _throttle(f"code-address:{address}", limit=PER_ADDRESS_HOUR, now=now)
        if wait:
            transaction.set_rollback(True)  # nothing counted for a refused request
            if gap:
                message = _("A code was sent a moment ago. You can ask for another in "
                            "%(n)d seconds.") % {"n": wait}
            else:
                message = _("Too many codes were asked for. Try again in %(n)d minutes, or "
                            "sign in with your password.") % {"n": (wait + 59) // 60}
            return Sent(False, message, wait_seconds=wait, resend_gap=gap)
        accounts = accounts_for(number)
        if not accounts:
            return Sent(True)  # the same answer; no text goes to a number on no register
        row = SignInCode.objects.create(
            phone_index=index, digest=_digest(index, code), address=address[:45],
            created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES))
        for user in accounts:
            audit.record(actor=SENDER, action="account.code_sent", obj=user,
                         after={"address": address, "phone": "registered"})
    text = _("Your Yishi sign-in code is %(code)s, valid for %(minutes)d minutes. Do not "
             "tell it to anyone, not even community staff.") % {
                 "code": code, "minutes": CODE_MINUTES}
    try:
        backend.send_template(phone=number, template="sign_in_code",
                              params={"code": code, "minutes": str(CODE_MINUTES)},
                              text=backend.signed(text), key=f"sign-in-code-{row.pk}")
    except Exception:  # any gateway failure: the resident is told, the code never works
        SignInCode.objects.filter(pk=row.pk).update(expires_at=now)  # never usable
        return Sent(False, _("The text message could not be sent just now. Try again in a "
                             "minute, or sign in with your password."))
    return Sent(True, accounts=accounts)


@dataclass
class Checked:
    accounts: list[Any]
    message: str = ""


def check_code(*, phone: str, code: str) -> Checked:
    """The accounts ``code`` opens for ``phone``, spending the code; else why not."""
    number = normalised(phone)
    code = crypto.normalise_phone(code)  # full-width digits and spaces undone
    wrong = _("The code is wrong or no longer valid. Check the latest text message, or ask "
              "for a new code.")
    if number is None or len(code) != 6 or not code.isdigit():
        return Checked([], _("Type the six digits of the code in the text message."))
    index = crypto.blind_index("phone", number) or ""
    now = clock.now()
    with transaction.atomic():
        row = (SignInCode.objects.select_for_update()
               .filter(phone_index=index, used_at__isnull=True, expires_at__gt=now,
                       attempts__lt=MAX_ATTEMPTS)
               .order_by("-created_at").first())
        if row is None:
            return Checked([], wrong)
        if not hmac.compare_digest(row.digest, _digest(index, code)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if row.attempts >= MAX_ATTEMPTS:
                for user in accounts_for(number):
                    audit.record(actor=SENDER, action="account.code_failed", obj=user,
                                 after={"attempts": row.attempts})
                return Checked([], _("The code was typed wrong %(n)d times and no longer "
                                     "works. Ask for a new code.") % {"n": MAX_ATTEMPTS})
            return Checked([], wrong)
        row.used_at = now
        row.save(update_fields=["used_at"])
        accounts = accounts_for(number)
    if not accounts:
        return Checked([], wrong)
    return Checked(accounts)
