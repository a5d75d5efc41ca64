"""The ledger's tasks: a ledger file built in the background with its progress, and the
upper dashboard sums (districts, the city) kept by the worker."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from yishi.core import clock
from yishi.core.tasks import retryable

from . import exports, figures, selectors
from .models import ExportFormat, ExportJob, ExportStatus

log = logging.getLogger(__name__)


def run_export(job_id: int) -> str:
    """Build the job's file from scratch (so running it twice is harmless); returns the status."""
    job = ExportJob.objects.select_related("place").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.status == ExportStatus.DONE:
        return str(job.status)
    job_pk = job.pk
    p = selectors.period(job.year)
    total = sum(selectors.record_counts(job.place, p).values())
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=0, total=total,
                                               error="")

    def progress(n: int) -> None:
        ExportJob.objects.filter(pk=job_pk).update(done=min(n, total) if total else n)

    try:
        if job.format == ExportFormat.PDF:
            data = exports.ledger_pdf(job.place, p, progress=progress)
        else:
            data = exports.ledger_xlsx(job.place, p, progress=progress)
    except Exception as exc:  # recorded on the job, shown on its page
        log.exception("ledger export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=clock.now())
        return str(ExportStatus.FAILED)
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.file:
            job.file.delete(save=False)
        job.file.save(exports.filename(job.place, job.year, job.format), ContentFile(data),
                      save=False)
        job.status = ExportStatus.DONE
        job.done = job.total
        job.finished_at = clock.now()
        job.save(update_fields=["file", "status", "done", "finished_at"])
    return str(ExportStatus.DONE)


@retryable
@task()
def build_export(job_id: int) -> str:
    return run_export(job_id)


@retryable
@task()
def refresh_figures() -> int:
    """The districts' and the city's dashboard sums, from the notes their streets left
    (``figures.note_upper``); any other note left behind is counted too."""
    return figures.refresh_all_pending()
