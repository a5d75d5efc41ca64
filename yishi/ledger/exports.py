"""The ledger as files: an XLSX workbook (a sheet per record kind and a summary) and a PDF.

Both are produced from the records (``sheets``), never typed. Headers are the Chinese
filing format; labels inside cells follow the Chinese catalogue.

The PDF uses the same Chinese font as the printed notices (``disclosure.documents``:
Noto Serif CJK SC from Debian's fonts-noto-cjk, found by fontconfig and embedded by
WeasyPrint) and fetches nothing from the network.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yishi.core import audit
from yishi.core.text import safe_cell
from yishi.places.models import Place

from . import rules, selectors
from .sheets import Column, Sheet, Value, ledger_sheets

Progress = Callable[[int], None]
PROGRESS_EVERY = 500


def header_lines(place: Place, p: selectors.Period, minimum_text: str = "") -> list[str]:
    """The ledger's heading: whose ledger, which year, what counts as a consultation."""
    now = timezone.localtime()
    return [
        f"{selectors.place_name_path(place)} {p.year}年 城乡社区协商台账",
        "依据：每个村（社区）全年开展协商活动不少于"
        f"{minimum_text or rules.DEFAULT_MINIMUM_CONSULTATIONS}次（含本数），并建立台账。",
        "协商活动的计法：本村（社区）议题的协商会议在本年度内召开（已开会或已散会）的，每召开一次"
        "计一次；同一议题的二次协商另计一次；未召开或已取消的会议不计。",
        f"逾期以 {p.today:%Y-%m-%d} 为准；本台账由系统根据协商、民情和落实记录自动生成，"
        f"生成时间 {now:%Y-%m-%d %H:%M}。",
    ]


def _minimum_text(summary: list[selectors.Row]) -> str:
    minimums = sorted({r.minimum for r in summary})
    return "、".join(str(m) for m in minimums) if minimums else ""


def _width(c: Column) -> float:
    if c.kind == "date":
        return 12
    if c.kind == "datetime":
        return 17
    return c.width * 1.6


def _number_format(c: Column) -> str | None:
    return {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}.get(c.kind)


def ledger_xlsx(place: Place, p: selectors.Period, *, progress: Progress | None = None,
                sheets: list[Sheet] | None = None) -> bytes:
    """The workbook; ``progress`` is called with the number of rows written so far."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with translation.override("zh-hans"):
        summary = selectors.row_figures(place, p, rows="community")
        sheets = sheets or ledger_sheets(place, p, summary=summary, stream=True)
        wb = Workbook(write_only=True)
        bold = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        written = 0
        for sheet in sheets:
            ws = wb.create_sheet(title=sheet.zh)
            for i, c in enumerate(sheet.columns, start=1):
                ws.column_dimensions[get_column_letter(i)].width = _width(c)
            first_row = 1
            if sheet.key == "summary":
                for line in header_lines(place, p, _minimum_text(summary)):
                    cell = WriteOnlyCell(ws, value=safe_cell(line))
                    cell.font = bold if first_row == 1 else Font()
                    ws.append([cell])
                    first_row += 1
                ws.append([])
                first_row += 1
            ws.freeze_panes = f"A{first_row + 1}"
            head = []
            for c in sheet.columns:
                cell = WriteOnlyCell(ws, value=safe_cell(c.zh))
                cell.font = bold
                cell.alignment = wrap
                head.append(cell)
            ws.append(head)
            formats = [_number_format(c) for c in sheet.columns]
            for row in sheet.rows():
                out: list[Any] = []
                for raw, fmt in zip(row, formats, strict=True):
                    value = safe_cell(raw)  # text typed by residents is never a formula
                    if fmt and value is not None:
                        cell = WriteOnlyCell(ws, value=value)
                        cell.number_format = fmt
                        out.append(cell)
                    else:
                        out.append(value)
                ws.append(out)
                written += 1
                if progress and written % PROGRESS_EVERY == 0:
                    progress(written)
        buffer = io.BytesIO()
        wb.save(buffer)
    if progress:
        progress(written)
    return buffer.getvalue()


def cell_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def ledger_html(place: Place, p: selectors.Period, *, progress: Progress | None = None) -> str:
    """The HTML WeasyPrint lays out (landscape A4 tables, the CJK font named explicitly)."""
    from yishi.disclosure.documents import PDF_FONT_FAMILY

    with translation.override("zh-hans"):
        summary = selectors.row_figures(place, p, rows="community")
        tables = []
        written = 0
        for sheet in ledger_sheets(place, p, summary=summary, stream=True):
            rows = []
            for row in sheet.rows():
                rows.append([cell_text(v) for v in row])
                written += 1
                if progress and written % PROGRESS_EVERY == 0:
                    progress(written)
            tables.append({"title": sheet.zh, "headers": [c.zh for c in sheet.columns],
                           "rows": rows})
        lines = [*header_lines(place, p, _minimum_text(summary)), checkpoint_line()]
        return render_to_string("ledger/ledger_print.html", {
            "title": lines[0], "lines": lines[1:], "tables": tables,
            "font_family": PDF_FONT_FAMILY,
        })


def checkpoint_line() -> str:
    """The latest signed checkpoint of the audit chain, so a printed ledger can be held
    against the log later (docs/security.md, "Audit")."""
    checkpoint = audit.latest_checkpoint()
    if checkpoint is None:
        return _("Audit chain checkpoint: none written yet.")
    at = timezone.localtime(audit.checkpoint_time(checkpoint)).strftime("%Y-%m-%d %H:%M")
    return _("Audit chain checkpoint: after event %(count)d, %(at)s, digest %(digest)s.") % {
        "count": checkpoint.count, "at": at, "digest": checkpoint.short_hash}


def ledger_pdf(place: Place, p: selectors.Period, *, progress: Progress | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = ledger_html(place, p, progress=progress)
    # Ledger text comes from residents and staff: it must not make the server fetch anything.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    return pdf


def filename(place: Place, year: int, fmt: str) -> str:
    """An ASCII file name (the Chinese name goes in the header's filename*)."""
    return f"ledger-{place.pk}-{year}.{fmt}"


def display_filename(place: Place, year: int, fmt: str) -> str:
    return f"{place.name}{year}年协商台账.{fmt}"
