"""Printed notices and documents: a CJK font embedded, Chinese glyphs drawn (not tofu)."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from yishi.disclosure.documents import (
    DOCX_BODY_FONT,
    DOCX_TITLE_FONT,
    render_document_docx,
    render_document_pdf,
)
from yishi.disclosure.tests.factories import notice

TITLE = "关于小区垃圾分类点位调整的公示"
SECTIONS = [("", "经社区协商议事会议商议，拟将3栋旁垃圾分类点位调整至北门空地。\n"
                 "公示期内如有异议，请向社区居委会反映。"),
            ("二、实施安排", "十二月一日起启用新点位。")]


def _pdf(title: str = TITLE, **kw) -> bytes:
    values = dict(title=title, sections=SECTIONS, issuer="幸福社区居民委员会",
                  date=date(2026, 11, 25), url="http://testserver/public/notices/1/")
    values.update(kw)
    return render_document_pdf(**values)


def _fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


def _page_one(pdf: bytes, tmp_path) -> Image.Image:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    return Image.open(next(tmp_path.glob("page*.png"))).convert("L")


def _title_region(img: Image.Image) -> Image.Image:
    # A4 at 50 dpi is 413 × 585 px; the title sits under the 37 mm top margin (~73 px).
    return img.crop((50, 65, 365, 115))


def _dark(img: Image.Image) -> int:
    return sum(img.histogram()[:128])


def test_a_pdf_embeds_a_cjk_serif_font(tmp_path):
    pdf = _pdf()
    assert pdf.startswith(b"%PDF")
    fonts = _fonts(pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), "the CJK font must be embedded"


def test_the_title_is_drawn_in_chinese_glyphs_not_blank_and_not_tofu(tmp_path):
    region = _title_region(_page_one(_pdf(), tmp_path))
    assert _dark(region) > 150, "the title region is blank"
    # Tofu draws the same box for every character: two different titles of the same
    # length would look alike. Real glyphs differ.
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = _title_region(_page_one(_pdf(title="关于加装电梯费用分摊方案的公告"), other_dir))
    assert region.tobytes() != other.tobytes()
    # and a title of ideographic spaces leaves the region blank: the ink above is the title's
    blank_dir = tmp_path / "blank"
    blank_dir.mkdir()
    assert _dark(_title_region(_page_one(_pdf(title="\u3000" * len(TITLE)), blank_dir))) < 10


@pytest.mark.django_db
def test_a_notice_pdf_has_the_period_and_masks_numbers(tree, tmp_path):
    from yishi.disclosure.documents import document_html, render_notice_pdf

    n = notice(tree["a"], title=TITLE, body="联系电话13812345678。")
    pdf = render_notice_pdf(n, url="http://testserver/public/notices/1/")
    assert pdf.startswith(b"%PDF") and "CJK" in _fonts(pdf, tmp_path)
    html = document_html(title=n.title, sections=[("", n.body)], issuer=n.issuer,
                         date=n.issued_on, url="http://x/")
    assert 'lang="zh-CN"' in html and "Noto Serif CJK SC" in html and "data:image/svg+xml" in html


def test_the_page_follows_gb_t_9704(tmp_path):
    from yishi.disclosure.documents import document_html

    html = document_html(title=TITLE, sections=SECTIONS, issuer="社区", date=date(2026, 1, 2))
    assert "margin: 37mm 26mm 35mm 28mm" in html and "size: A4" in html
    assert "font-size: 22pt" in html and "font-size: 16pt" in html


def test_a_docx_keeps_the_text_and_sets_the_east_asian_font():
    data = render_document_docx(title=TITLE, sections=SECTIONS, issuer="幸福社区居民委员会",
                                date=date(2026, 11, 25), url="http://testserver/x/")
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == TITLE
    assert "十二月一日起启用新点位。" in texts and "幸福社区居民委员会" in texts
    east_asia = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs}
    assert east_asia == {DOCX_TITLE_FONT, DOCX_BODY_FONT}
    assert doc.paragraphs[0].runs[0].font.size.pt == 22
    assert round(doc.sections[0].top_margin.mm) == 37 and round(doc.sections[0].left_margin.mm) == 28


def test_the_qr_code_is_drawn_only_when_there_is_a_link(tmp_path):
    with_dir, without_dir = tmp_path / "with", tmp_path / "without"
    with_dir.mkdir()
    without_dir.mkdir()
    with_qr = _dark(_page_one(_pdf(), with_dir))
    without_qr = _dark(_page_one(_pdf(url=""), without_dir))
    assert with_qr - without_qr > 300  # a 26 mm code is ~50 × 50 px at 50 dpi, half of it ink
