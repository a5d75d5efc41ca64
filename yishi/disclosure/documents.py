"""Printed documents: notices, minutes and memos as A4 PDF (WeasyPrint) and DOCX (python-docx).

The page follows GB/T 9704-2012 (党政机关公文格式), the layout officials recognise: A4,
type area 156 × 225 mm with the top margin 37 mm and the left 28 mm, title 22 pt (二号)
bold serif centred, body 16 pt (三号) at 22 lines a page, the issuing body and the date
bottom right with the seal area over them.

Chinese needs a CJK font the install provides: Debian's ``fonts-noto-cjk`` (``make
system-deps``), found by fontconfig under the family name, and embedded by WeasyPrint.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from .models import Notice
from .rules import mask_personal_numbers

# fontconfig names, first match wins; Noto Serif CJK SC is what fonts-noto-cjk installs.
PDF_FONT_FAMILY = '"Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif CJK", "WenQuanYi Zen Hei"'
# Word on officials' machines: 仿宋 for the body, 宋体 for the title (GB/T 9704 uses
# 仿宋_GB2312 and 小标宋, which are not free; these are on every Chinese Windows).
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"
DOCX_LATIN_FONT = "Times New Roman"

Sections = Sequence[tuple[str, str]]


def format_date(d: date) -> str:
    """2026年11月25日 in Chinese, the locale's long date otherwise."""
    return formats.date_format(d, "DATE_FORMAT")


def qr_data_uri(url: str) -> str:
    """A QR code for ``url`` as an SVG data URI (vector: sharp at any print size)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    qr = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(image_factory=SvgPathImage).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def document_html(
    *, title: str, sections: Sections, issuer: str, date: date, url: str = "",
    extra_lines: Sequence[str] = (),
) -> str:
    """The HTML WeasyPrint lays out; also handy to look at in a browser."""
    return render_to_string("disclosure/document_print.html", {
        "title": title,
        "sections": [(heading, _paragraphs(text)) for heading, text in sections],
        "extra_lines": list(extra_lines),
        "issuer": issuer,
        "date_text": format_date(date),
        "url": url,
        "qr": qr_data_uri(url) if url else "",
        "font_family": PDF_FONT_FAMILY,
    })


def render_document_pdf(
    *, title: str, sections: Sections, issuer: str, date: date, url: str = "",
    extra_lines: Sequence[str] = (),
) -> bytes:
    """A4 PDF of a document (notice, minutes, consensus memo) in the GB/T 9704 page.

    ``sections`` are (heading, text) pairs; an empty heading runs the text on as body.
    Paragraphs are the text's lines. ``url`` adds a QR code linking to the online page.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = document_html(title=title, sections=sections, issuer=issuer, date=date, url=url,
                         extra_lines=extra_lines)
    # Documents embed their images (the QR code) as data URIs and fetch nothing else: a
    # link typed into a notice must not make the server fetch it.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    return pdf




def _set_run_font(run, *, east_asia: str, size_pt: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = DOCX_LATIN_FONT
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)


def render_document_docx(
    *, title: str, sections: Sections, issuer: str, date: date, url: str = "",
    extra_lines: Sequence[str] = (),
) -> bytes:
    """The same document as DOCX for officials who edit and file Word documents."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def para(text: str, *, size: float = 16, bold: bool = False, font: str = DOCX_BODY_FONT,
             align: Any = None, indent: bool = True) -> None:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28.9)  # 22 lines in the 225 mm type area
        fmt.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        elif indent:
            fmt.first_line_indent = Pt(size * 2)  # 首行缩进两字
        _set_run_font(p.add_run(text), east_asia=font, size_pt=size, bold=bold)

    para(title, size=22, bold=True, font=DOCX_TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("", indent=False)
    for heading, text in sections:
        if heading:
            para(heading, bold=True, indent=False, font=DOCX_TITLE_FONT)
        for line in _paragraphs(text):
            para(line)
    for line in extra_lines:
        para(line)
    para("", indent=False)
    para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(format_date(date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    if url:
        para(_("Online: %(url)s") % {"url": url}, size=10.5, indent=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_notice_pdf(notice: Notice, *, url: str = "") -> bytes:
    """A posted notice for the paper board, personal numbers masked as on the web."""
    period = _("Posted from %(start)s to %(end)s.") % {
        "start": format_date(notice.starts_on), "end": format_date(notice.ends_on),
    }
    return render_document_pdf(
        title=mask_personal_numbers(notice.title),
        sections=[("", mask_personal_numbers(notice.body))],
        extra_lines=[period],
        issuer=mask_personal_numbers(notice.issuer),
        date=notice.issued_on,
        url=url,
    )
