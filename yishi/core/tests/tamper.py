"""Acting as a database superuser who bypasses the audit table's append-only trigger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def past_the_trigger() -> Iterator[None]:
    """Inside the test's transaction, UPDATE and DELETE on the audit events are let through
    on PostgreSQL (triggers off for this session, as only a superuser may do); SQLite has no
    trigger to pass."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
