"""Every lock locks only the rows it means (docs/architecture.md, "Locks")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import OperationalError

from yishi.core.retry import is_conflict, retry_once

ROOT = Path(__file__).resolve().parents[2]


def _statements(tree: ast.AST) -> list[ast.stmt]:
    simple = (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr, ast.AugAssign)
    return [node for node in ast.walk(tree) if isinstance(node, simple)]


def _joined_locks_without_of() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in _statements(tree):
            calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Attribute)]
            names = {c.func.attr for c in calls}  # type: ignore[attr-defined]
            if "select_for_update" not in names or "select_related" not in names:
                continue
            for call in calls:
                if call.func.attr == "select_for_update" and not any(  # type: ignore[attr-defined]
                        k.arg == "of" for k in call.keywords):
                    found.append(f"{path.relative_to(ROOT)}:{stmt.lineno}")
    return found


def test_no_lock_takes_the_rows_it_joins() -> None:
    assert _joined_locks_without_of() == []


def test_the_check_would_find_one(tmp_path: Path) -> None:
    source = "x = Thing.objects.select_for_update().select_related('community').get(pk=1)\n"
    stmt = _statements(ast.parse(source))[0]
    calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    assert any(getattr(c.func, "attr", "") == "select_for_update" and not c.keywords
               for c in calls)


class _Pg(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _raised(sqlstate: str) -> OperationalError:
    error = OperationalError("conflict")
    error.__cause__ = _Pg(sqlstate)
    return error


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_a_transaction_postgres_gave_up_on_runs_once_more(sqlstate: str) -> None:
    calls = []

    @retry_once
    def action() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _raised(sqlstate)
        return "done"

    assert is_conflict(_raised(sqlstate))
    assert action() == "done" and len(calls) == 2


def test_other_errors_and_a_second_conflict_are_not_hidden() -> None:
    @retry_once
    def locked_out() -> None:
        raise _raised("55P03")  # lock_not_available: not a conflict to retry

    @retry_once
    def twice() -> None:
        raise _raised("40P01")

    with pytest.raises(OperationalError):
        locked_out()
    with pytest.raises(OperationalError):
        twice()


@pytest.mark.django_db
def test_inside_a_caller_s_transaction_the_caller_retries() -> None:
    calls = []

    @retry_once
    def action() -> None:
        calls.append(1)
        raise _raised("40001")

    from django.db import transaction

    with pytest.raises(OperationalError), transaction.atomic():
        action()
    assert len(calls) == 1
