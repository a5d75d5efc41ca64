"""Domain errors shared by every app."""

from __future__ import annotations


class RuleViolation(Exception):
    """A procedural rule refused an action.

    ``rule`` is a short code (``"quorum"``), ``clause`` the seed clause the rule comes
    from (``"000 §(二)(4)2"``), ``message`` the translated text shown to the user.
    Services raise it before writing anything, so a refusal never leaves a trace.
    """

    def __init__(self, message: str, *, rule: str = "", clause: str = "") -> None:
        super().__init__(message)
        self.message = str(message)
        self.rule = rule
        self.clause = clause

    def __str__(self) -> str:
        if self.clause:
            return f"{self.message} ({self.clause})"
        return self.message


class PermissionDenied(RuleViolation):
    """The actor holds no role that allows the action here."""
