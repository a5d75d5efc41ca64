"""Password rules of GB/T 22239-2019 L2 身份鉴别: at least 8 characters, of at least three of
the four classes (lower case, upper case, digits, symbols).

Listed in ``AUTH_PASSWORD_VALIDATORS``, so every path that sets a password through Django's
forms checks it: the change-password page, the admin's password forms, ``createsuperuser``
and ``changepassword``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and symbols ``password`` uses."""
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() and not c.isspace() for c in password),
    ))


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("Use at least %(n)d of these four: lower-case letters, capital letters, "
                 "digits, symbols (such as ! @ # %%).") % {"n": self.min_classes}


class MinimumLengthValidator:
    """Django's, with the message in our catalogue (Django's zh-hans lacks it)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self) -> str:
        return _("Use at least %(n)d characters.") % {"n": self.min_length}
