"""A street's ledger export runs through the real database task backend and its worker;
the progress page polls until it shows the download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from yishi.ledger.models import ExportJob, ExportStatus
from yishi.ledger.tasks import build_export

from .builders import run_worker
from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_worker_builds_the_export_and_the_progress_page_offers_the_download(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any], media: Any) -> None:
    c = client_for("township")
    r = c.post(f"/ledger/places/{city['street'].pk}/export/", {"year": YEAR, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert r["Location"] == f"/ledger/exports/{job.pk}/"
    task = DBTaskResult.objects.get(task_path=build_export.module_path)
    assert task.status == TaskResultStatus.READY

    page = c.get(f"/ledger/exports/{job.pk}/").content.decode()
    assert f'hx-get="/ledger/exports/{job.pk}/status/"' in page  # polling while pending
    assert 'data-status="pending"' in page

    run_worker()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.total > 0 and job.done == job.total
    fragment = c.get(f"/ledger/exports/{job.pk}/status/").content.decode()
    assert 'data-status="done"' in fragment and "hx-get" not in fragment  # polling stops
    assert f"/ledger/exports/{job.pk}/download/" in fragment

    r = c.get(f"/ledger/exports/{job.pk}/download/")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert "汇总" in wb.sheetnames and "协商会议" in wb.sheetnames
    meetings = list(wb["协商会议"].iter_rows(min_row=2, values_only=True))
    assert len(meetings) == 5 + 3  # 幸福社区 (4 held, 1 scheduled) and 桃园村 (3)
