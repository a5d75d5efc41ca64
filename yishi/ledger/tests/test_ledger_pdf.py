"""The ledger PDF embeds a Chinese font and its pages are not blank boxes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from yishi.ledger import exports, selectors

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `make system-deps` (poppler-utils)")
    return path


def test_the_pdf_embeds_a_cjk_font_and_draws_the_ledger(
        city: dict[str, Any], records: dict[str, Any], tmp_path: Path) -> None:
    pdf = exports.ledger_pdf(city["a"], selectors.period(YEAR))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "ledger.pdf"
    path.write_bytes(pdf)

    fonts = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True,
                           check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line or "WenQuanYi" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # emb column: embedded

    subprocess.run([_tool("pdftoppm"), "-png", "-r", "40", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    gray = Image.open(png).convert("L")
    dark = sum(gray.histogram()[:128])
    assert dark > gray.width * gray.height * 0.005  # text drawn, not an empty page

    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "幸福社区" in text and "协商台账" in text
    assert "停车位划线" in text


def test_the_pdf_download_is_for_staff_of_the_community(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    url = f"/ledger/communities/{city['a'].pk}/{YEAR}/ledger.pdf"
    r = client_for("staff_a").get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert client_for("staff_b").get(url).status_code == 404


def test_the_pdf_prints_the_latest_audit_checkpoint(
        city: dict[str, Any], records: dict[str, Any], tmp_path: Path) -> None:
    from django.db import transaction

    from yishi.core import audit

    path = tmp_path / "ledger.pdf"
    path.write_bytes(exports.ledger_pdf(city["a"], selectors.period(YEAR)))
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "尚未" in text and "检查点" in text  # none written yet, and it says so

    with transaction.atomic():
        audit.record(actor=audit.SystemActor("system:test"), action="x", object_type="t",
                     object_id=1)
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None
    path.write_bytes(exports.ledger_pdf(city["a"], selectors.period(YEAR)))
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert checkpoint.short_hash in text.replace("\n", "")
    assert f"第 {checkpoint.count} 条" in text
