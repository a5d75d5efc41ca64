"""``DATABASES`` from the environment (``core/databases.py``): replicas as test mirrors of
the primary, PgBouncer's transaction mode, and the checks that refuse them over SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from yishi.core.checks import database_problems
from yishi.core.databases import databases_from_environ, replica_aliases

PRIMARY = "postgres://yishi@db.example/yishi"
SQLITE = "/srv/yishi/var/yishi.sqlite3"
MANAGE = str(Path(__file__).resolve().parents[3] / "manage.py")


def test_without_anything_set_it_is_sqlite_under_var_as_before() -> None:
    dbs = databases_from_environ({}, sqlite_path=SQLITE)
    assert list(dbs) == ["default"]
    db = dbs["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] == SQLITE
    assert db["CONN_MAX_AGE"] == 0 and db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "WAL" in db["OPTIONS"]["init_command"] and db["TEST"] == {}
    assert replica_aliases(dbs) == []


def test_postgresql_keeps_connections_a_minute_unless_told_otherwise() -> None:
    db = databases_from_environ({"DATABASE_URL": PRIMARY}, sqlite_path=SQLITE)["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["USER"]) == ("yishi", "db.example", "yishi")
    assert db["CONN_MAX_AGE"] == 60 and db["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "prepare_threshold" not in db["OPTIONS"]
    env = {"DATABASE_URL": PRIMARY, "YISHI_CONN_MAX_AGE": "5"}
    assert databases_from_environ(env, sqlite_path=SQLITE)["default"]["CONN_MAX_AGE"] == 5


def test_each_replica_url_is_an_alias_mirroring_default_in_tests() -> None:
    env = {"DATABASE_URL": PRIMARY,
           "YISHI_REPLICA_URL": "postgres://yishi@standby1/yishi, postgres://yishi@standby2/yishi"}
    dbs = databases_from_environ(env, sqlite_path=SQLITE)
    assert list(dbs) == ["default", "replica", "replica2"]
    assert [dbs[a]["HOST"] for a in ("replica", "replica2")] == ["standby1", "standby2"]
    assert dbs["replica"]["TEST"] == {"MIRROR": "default"}
    assert dbs["replica"]["CONN_MAX_AGE"] == 60
    assert replica_aliases(dbs) == ["replica", "replica2"]
    assert databases_from_environ({**env, "YISHI_REPLICA_URL": " , "},
                                  sqlite_path=SQLITE).keys() == {"default"}


def test_behind_pgbouncer_no_server_side_cursors_no_prepared_statements_no_own_pool() -> None:
    env = {"DATABASE_URL": PRIMARY + "?sslmode=require", "YISHI_PGBOUNCER": "1",
           "YISHI_REPLICA_URL": "postgres://yishi@standby1/yishi"}
    dbs = databases_from_environ(env, sqlite_path=SQLITE)
    for alias in ("default", "replica"):
        db = dbs[alias]
        assert db["DISABLE_SERVER_SIDE_CURSORS"] is True, alias
        assert "prepare_threshold" in db["OPTIONS"] and db["OPTIONS"]["prepare_threshold"] is None
        assert db["CONN_MAX_AGE"] == 0, alias
    assert dbs["default"]["OPTIONS"]["sslmode"] == "require"  # the URL's options stay
    # An explicit YISHI_CONN_MAX_AGE still wins (persistent connections to PgBouncer).
    kept = databases_from_environ({**env, "YISHI_CONN_MAX_AGE": "30"}, sqlite_path=SQLITE)
    assert kept["default"]["CONN_MAX_AGE"] == 30


def test_pgbouncer_leaves_sqlite_alone() -> None:
    db = databases_from_environ({"YISHI_PGBOUNCER": "1"}, sqlite_path=SQLITE)["default"]
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is False and "prepare_threshold" not in db["OPTIONS"]


def _problems(env: dict[str, str]) -> list[str]:
    dbs = databases_from_environ(env, sqlite_path=SQLITE)
    return [p.id or "" for p in database_problems(
        dbs, replicas=replica_aliases(dbs), pgbouncer=env.get("YISHI_PGBOUNCER") == "1")]


def test_the_check_refuses_replicas_and_pgbouncer_that_are_not_postgresql() -> None:
    assert _problems({"DATABASE_URL": PRIMARY, "YISHI_PGBOUNCER": "1",
                      "YISHI_REPLICA_URL": "postgres://yishi@standby1/yishi"}) == []
    assert _problems({"DATABASE_URL": PRIMARY,
                      "YISHI_REPLICA_URL": "sqlite:////tmp/copy.sqlite3"}) == ["yishi.E007"]
    assert _problems({"YISHI_REPLICA_URL": "postgres://yishi@standby1/yishi"}) == ["yishi.E007"]
    assert _problems({"YISHI_PGBOUNCER": "1"}) == ["yishi.E008"]


def test_manage_py_check_names_a_replica_that_is_not_postgresql(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("YISHI_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"YISHI_VAR_DIR": str(tmp_path),  # the primary: SQLite in tmp_path
                "YISHI_REPLICA_URL": f"sqlite:///{tmp_path / 'copy.sqlite3'}"})
    proc = subprocess.run([sys.executable, MANAGE, "check"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert "yishi.E007" in proc.stderr and "replica" in proc.stderr
