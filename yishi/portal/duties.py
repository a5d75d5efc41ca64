"""What each of the three administrators may do (三员分立, GB/T 22239-2019 8.1.4.2 c).

The table is the whole of it: a holder of a duty has these permissions and no others,
whatever groups or permissions the account was given (``DutyBackend`` ignores both), so
no one can widen a duty in the admin. Nothing here reads personal data in bulk: the
security administrator sees people by name and community only, one search at a time
(``yishi.places.admin.PersonAdmin``), and nobody holds ``places.view_personaldata``.

- The **system administrator** keeps the configuration: the place tree, each
  community's settings, the calendar, the opinion subcategories, the consultation
  catalogue and the majority rules.
- The **security administrator** keeps the accounts and their roles: adds and
  deactivates accounts, sets a password for its holder to change, grants and ends
  roles, lifts sign-in locks, resets a lost second factor. Accounts holding a duty are
  not his to change (the installer's, on the server).
- The **audit administrator** reads the audit log, and nothing else.

Every change any of them makes is an audit event (``yishi.core.adminsite``), which the
auditor reads and the other two cannot touch. The superuser installs and then steps
back: once all three duties are held, the admin no longer opens for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from yishi.core.models import Duty
from yishi.core.services import duty_of

VIEW, EDIT = ("view",), ("view", "add", "change")

_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    Duty.SYSTEM: {
        "places.place": EDIT,
        "places.communitysettings": EDIT,
        "consult.consultsettings": EDIT,
        "consult.majorityrule": EDIT,
        "consult.catalogueitem": EDIT,
        "followup.followupsettings": EDIT,
        "ledger.ledgersettings": EDIT,
        "intake.subcategory": EDIT,
        "core.calendarday": EDIT,
        "core.calendaryear": EDIT,
    },
    Duty.SECURITY: {
        "auth.user": EDIT,  # deactivated, never deleted: the audit log names its actors
        "places.person": VIEW,  # name and community, to pick a role's holder
        "places.role": EDIT,  # granted and ended through the services
        "core.signinguard": ("view", "delete"),  # lifting a lock
        "otp_totp.totpdevice": ("view", "delete"),  # a lost phone: enrol again
        "core.adminduty": VIEW,
    },
    Duty.AUDIT: {
        "core.auditevent": VIEW,
    },
}


def _codenames(table: dict[str, tuple[str, ...]]) -> frozenset[str]:
    perms: set[str] = set()
    for label, actions in table.items():
        app, model = label.split(".")
        perms.update(f"{app}.{action}_{model}" for action in actions)
    return frozenset(perms)


PERMISSIONS: dict[str, frozenset[str]] = {duty: _codenames(t) for duty, t in _TABLE.items()}


class DutyBackend(ModelBackend):
    """Django's backend, except that an administrator's permissions are his duty's."""

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user with their person (every page reads it: roles, the header)
        in the same query."""
        User = get_user_model()
        try:
            user = User._default_manager.select_related("person").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        duty = duty_of(user_obj) if user_obj.is_active else None
        if duty is not None and not user_obj.is_superuser:
            return set(PERMISSIONS[duty])
        return super().get_all_permissions(user_obj, obj)

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if duty_of(user_obj) is not None and not user_obj.is_superuser:
            return set()
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if duty_of(user_obj) is not None and not user_obj.is_superuser:
            return set()
        return super().get_group_permissions(user_obj, obj)
