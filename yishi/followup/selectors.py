"""Reads for the follow-up pages, the public topic page and the ledgers and dashboards."""

from __future__ import annotations

from datetime import date

from yishi.places.models import Place

from .models import EntrustedAnswer, ImplementationTask


def overdue_answers_count(place: Place, today: date) -> int:
    """Entrusted topics under ``place`` whose written answer is past due and still missing."""
    return EntrustedAnswer.objects.within(place).overdue(today).count()


def overdue_tasks_count(place: Place, today: date) -> int:
    """Implementation tasks under ``place`` not done by their deadline."""
    return ImplementationTask.objects.within(place).overdue(today).count()
