"""The benchmark command runs and leaves the database as it found it (timings not checked)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yishi.disclosure.models import Notice
from yishi.places.models import Place

pytestmark = pytest.mark.django_db


def test_bench_board_prints_its_figures_and_rolls_back():
    out = io.StringIO()
    call_command("bench_board", notices=30, requests=3, stdout=out)
    text = out.getvalue()
    # One query a request: after the warm-up the notices come from the fragment cache.
    assert "median" in text and "p95" in text and "queries per request 1–1" in text
    assert not Notice.objects.exists() and not Place.objects.exists()
