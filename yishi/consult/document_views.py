"""Downloads of minutes and consensus memos (PDF for printing, DOCX for filing)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from yishi.places.permissions import is_staff_at

from . import access, documents
from .models import Minutes, Outcome


def _download(request: HttpRequest, document: documents.Document, fmt: str,
              page: str) -> HttpResponse:
    if fmt not in documents.FORMATS:
        raise Http404
    body = documents.render(document, fmt, url=request.build_absolute_uri(page))
    response = HttpResponse(body, content_type=documents.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{document.filename}.{fmt}"'
    return response


@login_required
def minutes_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The minutes as a document: for staff and the convener and recorder, like the page."""
    meeting = access.get_meeting_for_signatory(request.user, pk)
    minutes = (Minutes.objects.select_related("meeting__topic__community",
                                              "convener_signed_by__person",
                                              "recorder_signed_by__person")
               .filter(meeting=meeting).first())
    if minutes is None:
        raise Http404
    return _download(request, documents.minutes_document(minutes), fmt,
                     reverse("consult:minutes", args=[meeting.pk]))


def memo_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The consensus memo: staff at any time; anyone once it is on the public notice board."""
    outcome = (Outcome.objects.select_related("topic__community", "meeting__vote")
               .filter(topic_id=pk, kind="consensus").first())
    if outcome is None:
        raise Http404
    if not (outcome.published_from or is_staff_at(request.user, outcome.topic.community)):
        raise Http404
    return _download(request, documents.memo_document(outcome), fmt,
                     reverse("consult:topic", args=[pk]))


