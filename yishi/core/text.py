"""Free text a service accepts from a person: trimmed, required or not, within a limit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .exceptions import RuleViolation

TEXT_MAX = 4000


def clean_text(value: str | None, label: str, *, required: bool = True,
               limit: int = TEXT_MAX) -> str:
    """The text stripped; refused (``rule="input"``, naming ``label``) when it is missing
    but required, longer than ``limit``, or holds NUL, which PostgreSQL cannot store."""
    value = (value or "").strip()
    if "\x00" in value:
        raise RuleViolation(_("%(field)s contains characters that cannot be stored.")
                            % {"field": label}, rule="input")
    if required and not value:
        raise RuleViolation(_("Please fill in: %(field)s.") % {"field": label}, rule="input")
    if len(value) > limit:
        raise RuleViolation(_("%(field)s may have at most %(n)d characters.")
                            % {"field": label, "n": limit}, rule="input")
    return value
