"""Loading places and export jobs for a user: 404 alike for "does not exist" and "not yours".

Ledgers and dashboards are for staff of the place or of a place above it (a township
official reads its communities, the city bureau the whole city); nobody else learns that
the place exists.
"""

from __future__ import annotations

from django.http import Http404

from yishi.core import clock
from yishi.places.models import Place
from yishi.places.permissions import is_staff_at

from . import rules
from .models import ExportJob


def get_place_for_staff(user: object, pk: int) -> Place:
    place = Place.objects.select_related("parent").filter(pk=pk).first()
    if place is None or not is_staff_at(user, place):
        raise Http404
    return place


def get_community_for_staff(user: object, pk: int) -> Place:
    place = get_place_for_staff(user, pk)
    if place.kind != "community":
        raise Http404
    return place


def get_job_for_user(user: object, pk: int) -> ExportJob:
    """An export job, for the person who asked for it while they may still see the place."""
    job = ExportJob.objects.select_related("place").filter(pk=pk).first()
    if job is None or job.requested_by_id != getattr(user, "pk", None):
        raise Http404
    if not is_staff_at(user, job.place):
        raise Http404
    return job


def year_or_404(value: object, default: int | None = None) -> int:
    """A year from a URL or a query string; anything odd is a 404, never a server error."""
    today = clock.localdate()
    if value in (None, ""):
        return default or today.year
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise Http404
    year = int(text)
    if not rules.valid_year(year, today):
        raise Http404
    return year
