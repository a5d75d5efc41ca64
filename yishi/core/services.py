"""Core's own actions: granting and ending the administrator duties (三员分立).

One function per action, one transaction, one audit event (DESIGN "Architecture").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, clock, rules
from .audit import Actor, SystemActor
from .exceptions import PermissionDenied, RuleViolation
from .models import AdminDuty, Duty

INSTALLER = SystemActor("system:installer")  # `manage.py admin_duty` on the server


def _is_installer(actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return actor == INSTALLER
    return bool(getattr(actor, "is_superuser", False))


def _refusal(reason: str, account: Any) -> RuleViolation:
    clause = rules.SEPARATION_CLAUSE
    if reason == "installer":
        return PermissionDenied(_(
            "Administrator duties are granted at installation only: by the superuser, or "
            "with manage.py admin_duty on the server."), rule="installer", clause=clause)
    messages = {
        "inactive": _("%(account)s is deactivated; activate the account first."),
        "superuser": _("%(account)s is a superuser, which is kept for installation and "
                       "holds no administrator duty; grant the duty to a personal account."),
        "one_duty": _("%(account)s already holds an administrator duty. The system, "
                      "security and audit administrators are three different people "
                      "(GB/T 22239-2019, separation of duties)."),
    }
    return RuleViolation(messages[reason] % {"account": account}, rule=reason, clause=clause)


def check_grant_duty(*, actor: Actor, user: Any, duty: str) -> None:
    """Raise the refusal ``grant_duty`` would give, writing nothing (the admin's form)."""
    if duty not in Duty.values:
        raise RuleViolation(_("Choose the system, security or audit administrator."),
                            rule="input")
    held = (AdminDuty.objects.filter(user=user, ended_at__isnull=True)
            .values_list("duty", flat=True).first())
    reason = rules.duty_grant_refusal(
        holds_duty=held, is_superuser=user.is_superuser, is_active=user.is_active,
        actor_is_installer=_is_installer(actor))
    if reason is not None:
        raise _refusal(reason, user)


def grant_duty(*, actor: Actor, user: Any, duty: str) -> AdminDuty:
    """Make ``user`` the system, security or audit administrator."""
    with transaction.atomic():
        # Lock the account: two grants at once must not give it two duties.
        account = type(user).objects.select_for_update().get(pk=user.pk)
        check_grant_duty(actor=actor, user=account, duty=duty)
        row = AdminDuty.objects.create(user=account, duty=duty, granted_at=clock.now())
        audit.record(actor=actor, action="account.duty_granted", obj=row,
                     after={"user": account.pk, "duty": duty})
    return row


def end_duty(*, actor: Actor, row: AdminDuty) -> AdminDuty:
    """The account is no longer that administrator (it stays, as does its record)."""
    if not _is_installer(actor):
        raise _refusal("installer", row.user)
    with transaction.atomic():
        locked = AdminDuty.objects.select_for_update().get(pk=row.pk)
        if locked.ended_at is not None:
            raise RuleViolation(_("This duty has already ended."), rule="ended")
        locked.ended_at = clock.now()
        locked.save(update_fields=["ended_at"])
        audit.record(actor=actor, action="account.duty_ended", obj=locked,
                     before={"duty": locked.duty}, after={"ended_at": locked.ended_at})
    return locked


def duty_of(user: Any) -> str | None:
    """The duty the account holds now, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__
    if "_yishi_duty" not in cache:
        cache["_yishi_duty"] = (AdminDuty.objects.filter(user_id=user.pk, ended_at__isnull=True)
                                .values_list("duty", flat=True).first())
    return cache["_yishi_duty"]  # type: ignore[no-any-return]
