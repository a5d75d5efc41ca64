"""The load test (issue 12, item 5) drives a real server and checks every write it was told
about; here on a small generated city against the test's live server."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from yishi.intake.models import Opinion, Signature
from yishi.ledger import loadtest


def test_the_bare_view_costs_one_query_and_no_session(db, django_assert_num_queries) -> None:
    client = Client()
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"ok": False}
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_an_acknowledged_write_missing_from_the_database_is_reported_lost() -> None:
    call_command("generate_city", "--small", stdout=io.StringIO())
    plan = loadtest.prepare(users=8, communities=2)
    resident = next(a for a in plan.accounts if a.kind == "resident" and a.proposal)
    assert loadtest.lost_writes([("opinion", "LT-neverwritten"),
                                 ("sign", (resident.person, resident.proposal))]) == [
        ("opinion", "LT-neverwritten"), ("sign", (resident.person, resident.proposal))]
    opinion = Opinion.objects.filter(raised_by_id=resident.person).first()
    assert opinion is not None
    Opinion.objects.filter(pk=opinion.pk).update(title="垃圾桶满了 LT-written")
    assert loadtest.lost_writes([("opinion", "LT-written")]) == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_short_mixed_load_answers_every_request_and_loses_no_write(live_server) -> None:
    call_command("generate_city", "--small", stdout=io.StringIO())
    plan = loadtest.prepare(users=40, communities=4)
    assert {a.kind for a in plan.accounts} == {"resident", "staff", "township", "city"}

    result = loadtest.drive(live_server.url, plan, rate=20, seconds=3, write_share=0.4,
                            threads=8)

    assert result.errors == [], result.errors[:5]
    assert result.sent == 60 and len(result.latencies) == 60
    assert result.acknowledged and result.lost == []
    signs = [m for kind, m in result.acknowledged if kind == "sign"]
    assert Signature.objects.filter(person_id__in=[p for p, _q in signs]).count() == len(signs)
    lines = loadtest.summary(result)
    assert lines[0].startswith("sent 60 requests") and "lost 0" in lines[2]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent readers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_each_page_is_measured_beside_the_bare_view(live_server) -> None:
    call_command("generate_city", "--small", stdout=io.StringIO())
    plan = loadtest.prepare(users=12, communities=2)
    figures = loadtest.measure_pages(live_server.url, plan, seconds=0.3, clients=2)
    # Every page answered 200 throughout (measure_pages raises otherwise), the city's too.
    assert set(figures) == {"bare", "board", "notice", "opinion", "queue", "topic",
                            "dashboard", "city"}
    assert all(value > 0 for value in figures.values()), figures
