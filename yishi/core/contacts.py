"""Where a user is reached, answered by the app that holds the data.

Core sends messages but does not know where people's phone numbers live: the app that
stores them (``yishi.places``, ``PersonalData``, kept apart under PIPL) registers a
resolver in its ``AppConfig.ready()``::

    from yishi.core.contacts import register_phone_resolver

    register_phone_resolver(phone_for_user)

With none registered nobody has a phone, and the SMS channel skips everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PhoneResolver = Callable[[Any], str]

_phone_resolver: PhoneResolver | None = None


def register_phone_resolver(func: PhoneResolver) -> PhoneResolver:
    """Make ``func(user) -> str`` the answer to "which mobile number has this user"."""
    global _phone_resolver
    if _phone_resolver is not None and _phone_resolver is not func:
        raise ValueError(f"a phone resolver is already registered: {_phone_resolver!r}")
    _phone_resolver = func
    return func


def phone_of(user: Any) -> str:
    """The user's mobile number from the registered resolver, or ``""``."""
    if _phone_resolver is None:
        return ""
    return str(_phone_resolver(user) or "")
