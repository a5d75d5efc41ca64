"""Publishing (公示) asks first, showing the notice exactly as the public will see it.

Whoever publishes a notice (the staff desk, consultation's outcome) builds the notice it
would post with ``services.draft_notice`` (checked like the real one, never saved) and asks
with ``with_preview``: the confirmation page (``core.confirm``) shows the notice through
the board's own templates (``_notice_preview.html``), rendered from the unsaved notice and
outside any cached fragment, so the public pages' cache never holds a preview.

A page cannot send a file again: the attachments of the first POST are held for the
session (``core.held_uploads``) under tokens the confirmation page sends back (``KEPT``);
the confirmed POST takes them back and releases them once the notice is posted. Files
nobody confirmed are swept after a day with the other held uploads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from yishi.core import clock
from yishi.core.confirm import Confirm, ask_first, is_confirmed
from yishi.core.exceptions import RuleViolation
from yishi.core.held_uploads import HeldUploads
from yishi.core.refusals import attempt

from .models import Notice

PREVIEW_TEMPLATE = "disclosure/_notice_preview.html"
KEPT = "attachments_kept"  # the field the confirmation page sends the held files' tokens in


def with_preview(confirm: Confirm, notice: Notice,
                 files: Sequence[UploadedFile] = ()) -> Confirm:
    """``confirm`` showing ``notice`` (unsaved) above its question, as the board shows it."""
    today = clock.localdate()
    attachments = [{"name": (f.name or "")[-120:], "size": f.size or 0} for f in files]
    # Files the notice posts besides the form's (a disclosure's contents lines).
    attachments += list(getattr(notice, "posted_files", []))
    return replace(confirm, preview=PREVIEW_TEMPLATE, preview_context={
        "notice": notice, "attachments": attachments, "today": today,
        # As it reads while posted: the preview never says "period ended".
        "current": True,
    })


def publish_confirmed(
    request: HttpRequest, confirm: Confirm, *, form: forms.BaseForm, back: str,
    publish: Callable[[dict[str, Any], list[UploadedFile], bool], Notice], done: str,
) -> HttpResponse | None:
    """A staff form that posts a notice, asking first.

    ``publish(cleaned_data, attachments, draft)`` builds the notice unsaved when ``draft``
    (``services.draft_notice``) and posts it otherwise. A POST without ``confirmed=1`` gets
    the confirmation page showing the draft; a confirmed one posts the notice with the
    attachments kept since then, and is sent to the notice's page. ``None`` when the form,
    the draft or the posting is refused: the errors are on the form, nothing is written.
    """
    if not is_confirmed(request):
        drafted = attempt(request, lambda d: publish(d, list(d["attachments"]), True),
                          form=form, show="form")
        if drafted.result is None:
            return None
        files = list(form.cleaned_data["attachments"])
        carry = [(KEPT, h.token) for h in HeldUploads(request.session).hold(files)]
        return ask_first(request, with_preview(confirm, drafted.result, files), back=back,
                         carry=carry)
    holder = HeldUploads(request.session)
    tokens = request.POST.getlist(KEPT)
    held = holder.find(tokens)
    kept: list[UploadedFile] = []

    def post(d: dict[str, Any]) -> Notice:
        if len(held) != len(tokens):  # expired, or not this session's
            raise RuleViolation(_("The attached files are no longer kept: please post the "
                                  "notice again with its attachments."), rule="attachment")
        kept.extend(HeldUploads.open(h) for h in held)
        return publish(d, list(d["attachments"]) + kept, False)

    posted = attempt(request, post, form=form, show="form", done=done)
    for f in kept:
        f.close()
    if posted.result is None:
        return None
    holder.release(held)
    return redirect(posted.result)
