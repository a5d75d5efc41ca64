"""Minutes and consensus memos download as PDF (Chinese font embedded) and DOCX."""

from __future__ import annotations

import io
import subprocess
import tempfile

import pytest
from django.urls import reverse
from docx import Document

from yishi.consult.models import Minutes

from .pages import as_user
from .test_pages_meeting import _act, _closed_with_consensus

pytestmark = pytest.mark.django_db


def _closed(client, cast, tree):  # type: ignore[no-untyped-def]
    meeting = _closed_with_consensus(cast, tree)
    as_user(client, cast["staff_a"]).post(
        _act(meeting, "close"), {"confirmed": "1", "result": "consensus",
                                 "conclusion": "同意在北门增设充电棚"})
    return meeting


def test_minutes_open_back_as_pdf_with_a_cjk_font_and_as_docx(client, tree, cast) -> None:
    meeting = _closed(client, cast, tree)
    c = as_user(client, cast["staff_a"])
    pdf = c.get(reverse("consult:minutes_file", args=[meeting.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert body.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(body)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True,
                               check=True).stdout
    assert "CJK" in fonts

    docx = c.get(reverse("consult:minutes_file", args=[meeting.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert Minutes.objects.get(meeting=meeting).body.splitlines()[0] in text
    assert "同意在北门增设充电棚" in text


def test_the_consensus_memo_is_public_only_once_published(client, tree, cast) -> None:
    meeting = _closed(client, cast, tree)
    url = reverse("consult:memo_file", args=[meeting.topic_id, "docx"])
    assert as_user(client, cast["neighbour"]).get(url).status_code == 404
    staff = as_user(client, cast["staff_a"]).get(url)
    assert staff.status_code == 200
    assert "同意在北门增设充电棚" in "\n".join(
        p.text for p in Document(io.BytesIO(staff.content)).paragraphs)


def test_minutes_files_are_not_for_other_communities_or_odd_formats(client, tree,
                                                                    cast) -> None:
    meeting = _closed(client, cast, tree)
    assert as_user(client, cast["staff_b"]).get(
        reverse("consult:minutes_file", args=[meeting.pk, "pdf"])).status_code == 404
    assert as_user(client, cast["staff_a"]).get(
        reverse("consult:minutes_file", args=[meeting.pk, "exe"])).status_code == 404
