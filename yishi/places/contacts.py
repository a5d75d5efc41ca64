"""Contact details of the people on the register, for core's channels (``yishi.core.contacts``)."""

from __future__ import annotations

from typing import Any


def phone_for_user(user: Any) -> str:
    """The mobile number in the user's ``PersonalData`` (stored apart, PIPL), or ``""``.

    A user with no person on the register, or a person without personal data, has none.
    """
    person = getattr(user, "person", None)
    personal = getattr(person, "personal", None) if person is not None else None
    return str(getattr(personal, "phone", "") or "")
