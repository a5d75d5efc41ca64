"""No internal code reaches a file (issue 13, item 2): the minutes, the consensus memo, the
notice PDF, the ledger (XLSX and PDF) and the dashboard CSV, downloaded as staff would
with the demo's data and opened back, read in words with Chinese punctuation."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from yishi.testing.phone import half_width_punctuation, internal_codes

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: run `make system-deps` (poppler-utils)")
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    return subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def _text(kind: str, content: bytes, tmp_path: Path) -> str:
    if kind == "pdf":
        return _pdf_text(content, tmp_path)
    if kind == "docx":
        return _docx_text(content)
    if kind == "xlsx":
        return _xlsx_text(content)
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return "\n".join("\t".join(row) for row in rows)  # cells apart, not joined by commas


def _files() -> dict[str, str]:
    from yishi.consult.models import Minutes, Outcome
    from yishi.disclosure.models import Notice
    from yishi.places.models import Place

    minutes = Minutes.objects.order_by("-pk").first()
    memo = Outcome.objects.filter(kind="consensus").order_by("-pk").first()
    notice = Notice.objects.order_by("-pk").first()
    street = Place.objects.get(name="和平街道")
    community = minutes.meeting.topic.community
    return {
        "minutes.pdf": reverse("consult:minutes_file", args=[minutes.meeting_id, "pdf"]),
        "minutes.docx": reverse("consult:minutes_file", args=[minutes.meeting_id, "docx"]),
        "memo.pdf": reverse("consult:memo_file", args=[memo.topic_id, "pdf"]),
        "memo.docx": reverse("consult:memo_file", args=[memo.topic_id, "docx"]),
        "notice.pdf": reverse("disclosure:notice_pdf", args=[notice.pk]),
        "ledger.xlsx": reverse("ledger:ledger_file", args=[community.pk, 2026, "xlsx"]),
        "ledger.pdf": reverse("ledger:ledger_file", args=[community.pk, 2026, "pdf"]),
        "dashboard.csv": reverse("ledger:dashboard_csv", args=[street.pk]) + "?year=2026",
    }


def test_every_file_reads_in_words_with_chinese_punctuation(tmp_path: Path) -> None:
    call_command("demo_data", stdout=io.StringIO())
    staff, township = Client(), Client()
    assert staff.login(username="chair", password="yishi2026")
    assert township.login(username="township", password="yishi2026")
    problems: dict[str, list[str]] = {}
    for name, url in _files().items():
        client = township if name.startswith(("ledger", "dashboard")) else staff
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = _text(name.rsplit(".", 1)[1], content, tmp_path)
        assert len(text) > 50, (name, text)
        found = internal_codes(text, chinese=True) + [
            f"half-width punctuation: {s!r}" for s in half_width_punctuation(text)]
        if found:
            problems[name] = found
    assert problems == {}, problems
