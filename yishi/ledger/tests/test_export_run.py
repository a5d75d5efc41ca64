"""The export task's body, run directly: formats, and running it twice."""

from __future__ import annotations

from typing import Any

import pytest

from yishi.ledger.models import ExportJob
from yishi.ledger.tasks import run_export

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_pdf_export_is_built_by_the_same_task(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any], media: Any) -> None:
    job = ExportJob.objects.create(requested_by=users["township"].user, place=city["street"],
                                   year=YEAR, format="pdf")
    assert run_export(job.pk) == "done"
    job.refresh_from_db()
    assert job.file.read().startswith(b"%PDF")


def test_running_the_export_twice_rebuilds_the_same_file(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any], media: Any) -> None:
    job = ExportJob.objects.create(requested_by=users["township"].user, place=city["street"],
                                   year=YEAR)
    assert run_export(job.pk) == "done"
    assert run_export(job.pk) == "done"  # a re-queued run after a crash finds it done
    assert run_export(999999) == "missing"
