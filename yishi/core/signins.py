"""Sign-ins, sign-outs and failed sign-ins in the audit chain (GB/T 22239-2019 L2 安全审计).

Connected in ``CoreConfig.ready``. A failed attempt names the account when one has that
user name, and never the password; the address it came from is kept (REMOTE_ADDR, as the
proxy passes it).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from . import audit

SIGN_IN = audit.SystemActor("system:sign-in")


def _address(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", ""))[:45]


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="account.sign_in", obj=user,
                     after={"address": _address(request)})


def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    with transaction.atomic():
        audit.record(actor=user, action="account.sign_out", obj=user)


def account_named(username: str) -> Any:
    """The account with this user name, or None (a mistyped or made-up name)."""
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                   **kwargs: Any) -> None:
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD, "") or credentials.get("username", ""))
    account = account_named(username)
    with transaction.atomic():
        if account is not None:
            audit.record(actor=SIGN_IN, action="account.sign_in_failed", obj=account,
                         after={"address": _address(request)})
        else:
            audit.record(actor=SIGN_IN, action="account.sign_in_failed",
                         object_type="auth.user", object_id="",
                         after={"address": _address(request), "account": "unknown"})
