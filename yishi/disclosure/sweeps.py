"""三务公开 reminders and escalations run with the other periodic sweeps (found by
``yishi.core.sweeps``)."""

from __future__ import annotations

from datetime import date

from yishi.core.sweeps import register

from .services import escalate_overdue_disclosures, remind_due_disclosures


@register("disclosure.due_soon")
def disclosures_due_soon(today: date) -> int:
    """Staff are reminded five days before a disclosure falls due; once per item."""
    return len(remind_due_disclosures(today=today))


@register("disclosure.overdue_escalation")
def disclosures_overdue(today: date) -> int:
    """An item not published by its due date is reported to the township; once per item."""
    return len(escalate_overdue_disclosures(today=today))
