"""``DATABASES`` from the environment: the primary, its read replicas, PgBouncer.

A pure function of a mapping of environment variables, so the settings it makes can be
tested without starting Django again (``core/tests/test_databases.py``); ``yishi/settings.py``
calls it with ``os.environ``. It imports nothing of Django's but ``dj_database_url``.

- ``DATABASE_URL``: the primary (SQLite under ``var/`` when unset); every write goes there.
- ``YISHI_REPLICA_URL``: one or more read replicas of it (PostgreSQL streaming replicas),
  comma-separated, one host per URL. They become the aliases ``replica``, ``replica2``, …,
  each a test mirror of ``default`` (a test run creates no database for them), and
  ``core.replicas.ReplicaRouter`` sends them the reads of the pages that opt in.
- ``YISHI_PGBOUNCER=1``: every PostgreSQL connection goes through PgBouncer in transaction
  mode, where consecutive transactions of one Django connection may run on different
  server connections, so nothing may outlive a transaction on the server: no server-side
  cursors (Django's ``WITH HOLD`` cursors of ``.iterator()`` in autocommit), no prepared
  statements (psycopg's ``prepare_threshold``), and Django need not keep its own
  connections (PgBouncer keeps the server's). ``docs/scaling.md`` says what else the code
  needs and why the rest is safe.
- ``YISHI_CONN_MAX_AGE``: seconds a connection is reused (60; 0 behind PgBouncer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dj_database_url

DEFAULT = "default"
REPLICA = "replica"
POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


def replica_alias(index: int) -> str:
    """``replica`` for the first replica, ``replica2``, ``replica3``, … for the next."""
    return REPLICA if index == 0 else f"{REPLICA}{index + 1}"


def replica_aliases(databases: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The aliases of ``databases`` that are read replicas of ``default``."""
    return [alias for alias, db in databases.items()
            if alias != DEFAULT and db.get("TEST", {}).get("MIRROR") == DEFAULT]


def replica_urls(environ: Mapping[str, str]) -> list[str]:
    return [u.strip() for u in environ.get("YISHI_REPLICA_URL", "").split(",") if u.strip()]


def behind_pgbouncer(environ: Mapping[str, str]) -> bool:
    return environ.get("YISHI_PGBOUNCER", "0") == "1"


def databases_from_environ(environ: Mapping[str, str], *,
                           sqlite_path: str) -> dict[str, dict[str, Any]]:
    """Django's ``DATABASES`` for this environment."""
    pgbouncer = behind_pgbouncer(environ)
    max_age = environ.get("YISHI_CONN_MAX_AGE", "")
    # Behind PgBouncer a Django connection holds no server connection between transactions
    # and reconnecting to a local PgBouncer costs a fraction of a millisecond: let it pool.
    conn_max_age = int(max_age) if max_age else (0 if pgbouncer else 60)
    url = environ.get("DATABASE_URL") or f"sqlite:///{sqlite_path}"
    databases = {DEFAULT: _database(url, conn_max_age=conn_max_age, pgbouncer=pgbouncer)}
    databases[DEFAULT].setdefault("TEST", {})
    for index, replica_url in enumerate(replica_urls(environ)):
        replica = _database(replica_url, conn_max_age=conn_max_age, pgbouncer=pgbouncer)
        # A replica holds the primary's data: tests read it through the primary's test
        # database, and migrations never run on it (ReplicaRouter.allow_migrate).
        replica["TEST"] = {"MIRROR": DEFAULT}
        databases[replica_alias(index)] = replica
    return databases


def _database(url: str, *, conn_max_age: int, pgbouncer: bool) -> dict[str, Any]:
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    options: dict[str, Any] = dict(db.get("OPTIONS") or {})
    if db["ENGINE"] == SQLITE:
        # WAL lets readers go on while a writer commits; the timeout makes concurrent
        # writers wait for the lock instead of failing at once.
        options.update({
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        })
        db["CONN_MAX_AGE"] = 0
    elif db["ENGINE"] == POSTGRESQL and pgbouncer:
        # A server-side cursor lives in the server session (WITH HOLD outside a
        # transaction), which PgBouncer hands to another client after the transaction.
        db["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Prepared statements live in the session too. Django 5.2 already passes None to
        # psycopg unless OPTIONS say otherwise; behind PgBouncer it must stay None.
        options["prepare_threshold"] = None
    db["OPTIONS"] = options
    return db
