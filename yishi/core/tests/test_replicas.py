"""The replica router (``core/replicas.py``): reads in an opted-in view go to a replica;
outside it, inside a transaction, after a write, and for accounts and sessions, to the
primary; writes always to the primary.

The router's decisions are tested here with the replica aliases set in the settings; the
pages themselves run against a real second alias, a test mirror of the primary, in
``replica_cases.py`` (its own pytest process, since the alias comes from the settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.utils import ConnectionRouter
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from yishi.core import replicas
from yishi.core.replicas import (
    PIN_COOKIE,
    PinAfterWriteMiddleware,
    ReplicaRouter,
    current_replica,
    reads_from_replica,
    replica_reads,
)
from yishi.disclosure.models import Notice
from yishi.places.models import Place

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def one_replica(settings: Any) -> Iterator[ConnectionRouter]:
    settings.YISHI_READ_REPLICAS = ["replica"]
    settings.YISHI_REPLICA_PIN_SECONDS = 10
    yield ConnectionRouter([ReplicaRouter()])  # as DATABASE_ROUTERS would install it


def test_reads_go_to_the_replica_only_inside_the_scope(one_replica: ConnectionRouter) -> None:
    assert one_replica.db_for_read(Notice) == "default"
    with replica_reads():
        assert one_replica.db_for_read(Notice) == "replica"
        assert one_replica.db_for_read(Place) == "replica"
    assert one_replica.db_for_read(Notice) == "default"


def test_writes_go_to_the_primary_and_the_rest_of_the_scope_reads_there(
        one_replica: ConnectionRouter) -> None:
    with replica_reads():
        assert one_replica.db_for_write(Notice) == "default"
        assert one_replica.db_for_read(Notice) == "default"  # read-your-writes
        with replica_reads():  # a nested scope does not start over
            assert one_replica.db_for_read(Notice) == "default"
    with replica_reads():  # a new scope, a new request
        assert one_replica.db_for_read(Notice) == "replica"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_go_to_the_primary(one_replica: ConnectionRouter) -> None:
    assert not connection.in_atomic_block
    with replica_reads():
        assert one_replica.db_for_read(Notice) == "replica"
        with transaction.atomic():
            assert one_replica.db_for_read(Notice) == "default"
        assert one_replica.db_for_read(Notice) == "replica"
    with transaction.atomic(), replica_reads():
        assert one_replica.db_for_read(Notice) == "default"


def test_accounts_and_sessions_are_read_from_the_primary(one_replica: ConnectionRouter) -> None:
    with replica_reads():
        assert one_replica.db_for_read(get_user_model()) == "default"
        assert one_replica.db_for_read(Session) == "default"
        # Saving a session (renewed on activity) is no write of the page's data.
        assert one_replica.db_for_write(Session) == "default"
        assert one_replica.db_for_read(Notice) == "replica"


def test_without_replicas_the_scope_changes_nothing(settings: Any) -> None:
    settings.YISHI_READ_REPLICAS = []
    router = ConnectionRouter([ReplicaRouter()])
    with replica_reads():
        assert current_replica() is None
        assert router.db_for_read(Notice) == "default"


def test_one_replica_per_scope_among_several(settings: Any) -> None:
    settings.YISHI_READ_REPLICAS = ["replica", "replica2", "replica3"]
    router = ConnectionRouter([ReplicaRouter()])
    chosen = set()
    for _ in range(60):
        with replica_reads():
            first = router.db_for_read(Notice)
            assert router.db_for_read(Place) == first  # the same replica for the whole scope
            chosen.add(first)
    assert chosen == {"replica", "replica2", "replica3"}


def test_an_object_read_from_a_replica_is_saved_to_and_followed_on_the_primary(
        one_replica: ConnectionRouter) -> None:
    notice = Notice(title="t")
    notice._state.db = "replica"
    assert one_replica.db_for_write(Notice, instance=notice) == "default"
    assert one_replica.db_for_read(Place, instance=notice) == "default"
    other = Notice(title="u")
    other._state.db = "default"
    assert one_replica.allow_relation(notice, other) is True


def test_migrations_never_run_on_a_replica(one_replica: ConnectionRouter) -> None:
    assert one_replica.allow_migrate("replica", "disclosure", model_name="notice") is False
    assert one_replica.allow_migrate("default", "disclosure", model_name="notice") is True


def _seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(current_replica() or "default")


def test_the_decorator_reads_from_the_replica_unless_the_browser_just_wrote(
        one_replica: ConnectionRouter) -> None:
    view = reads_from_replica(_seen)
    factory = RequestFactory()
    assert view(factory.get("/")).content == b"replica"
    pinned = factory.get("/")
    pinned.COOKIES[PIN_COOKIE] = "1"
    assert view(pinned).content == b"default"
    assert current_replica() is None  # the scope ended with the view


def test_after_a_post_or_a_write_the_browser_reads_the_primary_for_a_while(
        one_replica: ConnectionRouter) -> None:
    def writes(request: HttpRequest) -> HttpResponse:
        ReplicaRouter().db_for_write(Notice)  # what a Notice.objects.create would ask
        return HttpResponse()

    factory = RequestFactory()
    quiet = PinAfterWriteMiddleware(lambda r: HttpResponse())
    assert PIN_COOKIE not in quiet(factory.get("/")).cookies
    posted = quiet(factory.post("/"))
    assert posted.cookies[PIN_COOKIE]["max-age"] == 10
    assert posted.cookies[PIN_COOKIE]["httponly"]
    assert PIN_COOKIE in PinAfterWriteMiddleware(writes)(factory.get("/")).cookies
    # A session renewed on a GET does not pin: the pages read no sessions from a replica.
    renews = PinAfterWriteMiddleware(
        lambda r: (ReplicaRouter().db_for_write(Session), HttpResponse())[1])
    assert PIN_COOKIE not in renews(factory.get("/")).cookies
    assert replicas._reads.get() is None  # the request's state ended with it


def test_the_public_pages_and_the_dashboards_opt_in() -> None:
    from yishi.disclosure import views as board
    from yishi.ledger import views as ledger

    for view in (board.board, board.notice_detail, board.archive, board.search,
                 board.communities, ledger.dashboard, ledger.dashboard_csv):
        assert _wrapped_by_replica(view), view


def _wrapped_by_replica(view: Any) -> bool:
    """Somewhere down the view's decorators (each ``functools.wraps`` its view)."""
    while view is not None:
        if getattr(view, "__code__", None) is not None and \
                view.__code__.co_qualname == "reads_from_replica.<locals>.wrapped":
            return True
        view = getattr(view, "__wrapped__", None)
    return False


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="read replicas are PostgreSQL's")
def test_the_pages_on_a_test_mirror_of_the_primary() -> None:
    """``replica_cases.py`` in a pytest of its own, ``YISHI_REPLICA_URL`` naming the primary:
    the settings make ``replica`` a test mirror of ``default``."""
    url = os.environ["DATABASE_URL"]
    env = {**os.environ, "YISHI_REPLICA_URL": url,
           # pytest-django's suffix of the test database: not this run's test_<name>
           "TOX_PARALLEL_ENV": "replicas"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(Path(__file__).with_name("replica_cases.py"))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    summary = proc.stdout.strip().splitlines()[-1]  # "5 passed in 24.70s"
    assert "passed" in summary, proc.stdout[-2000:]
    for word in ("failed", "error", "skipped"):
        assert word not in summary, proc.stdout[-4000:]
