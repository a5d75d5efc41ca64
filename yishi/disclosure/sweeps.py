"""三务公开 reminders run with the other periodic sweeps (found by ``yishi.core.sweeps``)."""

from __future__ import annotations

from datetime import date

from yishi.core.sweeps import register

from .services import remind_due_disclosures


@register("disclosure.due_soon")
def disclosures_due_soon(today: date) -> int:
    """Staff are reminded five days before a disclosure falls due; once per item."""
    return len(remind_due_disclosures(today=today))
