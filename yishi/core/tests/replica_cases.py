"""The pages over a real second alias: run by ``test_replicas.py`` in a pytest of its own
with ``YISHI_REPLICA_URL`` naming the primary, so the settings make ``replica`` a test
mirror of ``default`` (the same test database through a second connection) and install
the router and the pin middleware. Not collected in the suite itself (no ``test_`` prefix).

The tests commit (``transaction=True``): the replica's connection sees only committed rows,
as a streaming replica does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yishi.core.replicas import PIN_COOKIE, replica_reads
from yishi.disclosure.models import Notice
from yishi.disclosure.tests.factories import notice

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES,
                       reason="run by test_replicas.py with YISHI_REPLICA_URL set"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def _tables(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_the_replica_is_a_test_mirror_and_the_router_is_installed() -> None:
    assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"
    assert connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    assert settings.DATABASE_ROUTERS == ["yishi.core.replicas.ReplicaRouter"]
    assert "yishi.core.replicas.PinAfterWriteMiddleware" in settings.MIDDLEWARE


def test_the_installed_router_picks_the_replica_only_for_reads_in_the_scope(tree: Any) -> None:
    assert router.db_for_read(Notice) == "default"
    with replica_reads():
        assert router.db_for_read(Notice) == "replica"
        assert Notice.objects.count() == 0
        assert Notice.objects.all().db == "replica"
        with transaction.atomic():
            assert router.db_for_read(Notice) == "default"
            assert Notice.objects.all().db == "default"
        assert router.db_for_write(Notice) == "default"
        n = notice(tree["a"], title="写后即读")  # a write: the rest reads the primary
        assert Notice.objects.all().db == "default"
    assert n._state.db == "default"


def test_the_board_is_read_from_the_replica(client: Client, tree: Any) -> None:
    n = notice(tree["a"], title="关于小区垃圾分类点位调整的公示", days_ago=1)
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        page = client.get(f"/public/{tree['a'].pk}/")
        detail = client.get(f"/public/notices/{n.pk}/")
        feed = client.get(f"/public/{tree['a'].pk}/feed/")
    assert page.status_code == 200 and n.title in page.content.decode()
    assert detail.status_code == 200 and n.title in detail.content.decode()
    assert feed.status_code == 200 and n.title in feed.content.decode()
    assert len(on_replica) >= 3 and "disclosure_notice" in _tables(on_replica)
    assert len(on_default) == 0, _tables(on_default)
    assert PIN_COOKIE not in page.cookies  # reading pins nothing


def test_staff_who_post_a_notice_read_its_page_from_the_primary(client: Client, tree: Any,
                                                                 people: Any) -> None:
    client.force_login(people["staff_a"].user)
    today = timezone.localdate()
    posted = client.post(f"/disclosure/{tree['a'].pk}/notices/new/", {
        "title": "关于停车位划线的公示", "body": "划线方案见附件。", "kind": "other",
        "issuer": "幸福社区居民委员会", "issued_on": today.isoformat(),
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=5)).isoformat(),
        "confirmed": "1"})
    assert posted.status_code == 302 and posted.cookies[PIN_COOKIE]["max-age"] == 10
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get(posted["Location"])  # the client sends the pin cookie back
    assert page.status_code == 200 and "关于停车位划线的公示" in page.content.decode()
    assert len(on_replica) == 0
    del client.cookies[PIN_COOKIE]  # ten seconds later
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(posted["Location"]).status_code == 200
    assert len(on_replica) > 0


def test_the_street_dashboard_and_its_csv_read_the_replica_and_the_session_the_primary(
        tree: Any, people: Any) -> None:
    client = Client()
    client.force_login(people["township"].user)
    client.cookies.pop(PIN_COOKIE, None)
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        page = client.get(reverse("ledger:dashboard", args=[tree["street"].pk]))
        csv = client.get(reverse("ledger:dashboard_csv", args=[tree["street"].pk]))
    assert page.status_code == 200 and tree["a"].name in page.content.decode()
    assert csv.status_code == 200 and tree["a"].name in csv.content.decode("utf-8-sig")
    assert "places_place" in _tables(on_replica) and "ledger_figures" in _tables(on_replica)
    assert "django_session" not in _tables(on_replica) and "auth_user" not in _tables(on_replica)
    assert "django_session" in _tables(on_default)
