"""The ledger's sweeps: dashboard figures refreshed from their notes, and rebuilt daily."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from yishi.core.sweeps import register

from . import figures
from .models import FiguresRebuild


@register("ledger.refresh_figures")
def refresh_figures(today: date) -> int:
    """Cells whose notes outlived the refresh after their commit (a crash, a failed count)."""
    return figures.refresh_all_pending()


@register("ledger.rebuild_figures")
def rebuild_figures(today: date) -> int:
    """Once a day (the first sweep after midnight): every figure counted from the records."""
    if FiguresRebuild.objects.filter(day=today).exists():
        return 0
    report = figures.rebuild()
    try:
        with transaction.atomic():
            FiguresRebuild.objects.create(
                day=today, checked=report.checked, corrected=report.corrected,
                report="\n".join(str(c) for c in report.corrections)[:100_000])
    except IntegrityError:  # a second sweep rebuilt the same day at the same time
        return 0
    return report.corrected
