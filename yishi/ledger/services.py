"""Actions of the ledger app: requesting a long export (built by the background worker)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.places.models import Place
from yishi.places.permissions import is_staff_at

from . import rules
from .models import ExportFormat, ExportJob


def request_export(*, actor: Any, place: Place, year: int, fmt: str) -> ExportJob:
    """Queue the ledger of every community under ``place`` for ``year``.

    Refused, with nothing written, for a place the actor cannot see, an impossible year or
    an unknown format.
    """
    if not is_staff_at(actor, place):
        raise PermissionDenied(_("You cannot export the ledger of this place."),
                               rule="permission")
    if not rules.valid_year(year, clock.localdate()):
        raise RuleViolation(_("There is no ledger for that year."), rule="input")
    if fmt not in ExportFormat.values:
        raise RuleViolation(_("Unknown export format."), rule="input")
    from .tasks import build_export

    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=actor, place=place, year=year, format=fmt)
        audit.record(actor=actor, action="ledger.export", obj=job,
                     after={"place": place.pk, "year": year, "format": fmt})
        transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job
