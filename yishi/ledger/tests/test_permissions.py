"""Who sees which ledger: staff of the place or above; everyone else gets a 404, and an
export of a place one cannot see is refused with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yishi.core.models import AuditEvent
from yishi.ledger.models import ExportJob

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def test_a_township_official_sees_their_communities_only(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    c = client_for("township")
    r = c.get(f"/ledger/places/{city['street'].pk}/?year={YEAR}")
    assert r.status_code == 200
    rows = {row.place.name for row in r.context["d"].rows}
    assert rows == {"幸福社区", "桃园村"}
    assert "远方社区" not in r.content.decode()
    for place in ("other_street", "far", "district", "city"):
        assert c.get(f"/ledger/places/{city[place].pk}/").status_code == 404
    assert c.get(f"/ledger/communities/{city['far'].pk}/{YEAR}/").status_code == 404
    assert c.get(f"/ledger/communities/{city['b'].pk}/{YEAR}/").status_code == 200


def test_a_community_worker_reads_their_own_ledger_and_no_other(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    c = client_for("staff_a")
    assert c.get(f"/ledger/communities/{city['a'].pk}/{YEAR}/").status_code == 200
    for url in (f"/ledger/communities/{city['b'].pk}/{YEAR}/",
                f"/ledger/communities/{city['b'].pk}/{YEAR}/ledger.xlsx",
                f"/ledger/places/{city['street'].pk}/",
                f"/ledger/places/{city['street'].pk}/dashboard.csv"):
        assert c.get(url).status_code == 404, url


def test_a_community_worker_cannot_export_another_community_and_nothing_is_written(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    c = client_for("staff_a")
    for place in ("b", "street", "far"):
        r = c.post(f"/ledger/places/{city[place].pk}/export/", {"year": YEAR, "format": "xlsx"})
        assert r.status_code == 404
    assert not ExportJob.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_refusal_comes_from_the_service_too(
        city: dict[str, Any], users: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from yishi.core.exceptions import PermissionDenied
    from yishi.ledger import services

    user = get_user_model().objects.get(username="staff_a")
    with pytest.raises(PermissionDenied):
        services.request_export(actor=user, place=city["b"], year=YEAR, fmt="xlsx")
    assert not ExportJob.objects.exists()


def test_residents_and_visitors_see_no_ledger(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    url = f"/ledger/communities/{city['a'].pk}/{YEAR}/"
    assert client_for("resident_a").get(url).status_code == 404
    assert client_for("resident_a").get("/ledger/").status_code == 404
    r = Client().get(url)
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_an_export_job_is_only_for_whoever_asked_for_it(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("township").post(f"/ledger/places/{city['street'].pk}/export/",
                                    {"year": YEAR, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ledger/exports/{job.pk}/"
    assert client_for("city_official").get(f"/ledger/exports/{job.pk}/").status_code == 404
    assert client_for("staff_a").get(f"/ledger/exports/{job.pk}/download/").status_code == 404
