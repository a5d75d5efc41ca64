"""Migrations 0004–0006 encrypt the phone and ID numbers already stored as plaintext, fill
their blind indexes and drop the plaintext columns; backwards, they decrypt them again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yishi.places.models import PersonalData
from yishi.places.tests.factories import id_number_for

BEFORE = [("places", "0003_residence")]
PHONE = "13811112222"
ID_X = next(n for n in (id_number_for(date(1985, 1, 2), s) for s in range(1000)) if n[-1] == "X")
ID_PLAIN = id_number_for(date(1970, 6, 30), 1)


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    """Every app's latest migration: going back to places 0003 also takes back the other
    apps' migrations that depend on a later places one (intake 0004, the referral
    department), and they must come forward again too."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def at_0003() -> Iterator[None]:
    """The database as it was before the encryption, put forward again whatever happens."""
    latest = _latest()
    _migrate(BEFORE)
    try:
        yield
    finally:
        _migrate(latest)


def _insert_plaintext_people() -> list[int]:
    """Rows as the 0003 schema held them (raw SQL: the model is already the new one)."""
    ids = []
    with connection.cursor() as cursor:
        for name, phone, id_number in (("甲", PHONE, ID_X.lower()), ("乙", "", ID_PLAIN),
                                       ("丙", "13999990000", None)):
            cursor.execute(
                "INSERT INTO places_person (name, gender, registered_on, residence) "
                "VALUES (%s, '', '2020-01-01', 'household')", [name])
            cursor.execute("SELECT id FROM places_person WHERE name = %s", [name])
            (person_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO places_personaldata (person_id, phone, id_number) VALUES (%s, %s, %s)",
                [person_id, phone, id_number])
            ids.append(person_id)
    return ids


def _table() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM places_personaldata")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_numbers_already_stored(at_0003: None) -> None:
    jia, yi, bing = _insert_plaintext_people()
    assert PHONE in _table()

    _migrate(_latest())

    by_person = {pd.person_id: pd for pd in PersonalData.objects.all()}
    assert (by_person[jia].phone, by_person[jia].id_number) == (PHONE, ID_X.lower())
    assert (by_person[yi].phone, by_person[yi].id_number) == ("", ID_PLAIN)
    assert (by_person[bing].phone, by_person[bing].id_number) == ("13999990000", None)
    table = _table()
    for secret in (PHONE, ID_X, ID_X.lower(), ID_X[:17], ID_PLAIN, "13999990000"):
        assert secret not in table
    assert PersonalData.objects.with_phone(PHONE).get().person_id == jia
    assert PersonalData.objects.with_id_number(ID_X).get().person_id == jia  # either case
    assert PersonalData.objects.with_id_number(ID_PLAIN).get().person_id == yi
    assert by_person[bing].id_number_index is None and by_person[yi].phone_index is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_to_plaintext(at_0003: None) -> None:
    jia, yi, _bing = _insert_plaintext_people()
    _migrate(_latest())

    _migrate(BEFORE)

    with connection.cursor() as cursor:
        cursor.execute("SELECT person_id, phone, id_number FROM places_personaldata "
                       "ORDER BY person_id")
        rows = cursor.fetchall()
    assert [tuple(r) for r in rows[:2]] == [(jia, PHONE, ID_X.lower()), (yi, "", ID_PLAIN)]


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_people_whose_id_numbers_differ_only_in_case(at_0003: None) -> None:
    jia, *_rest = _insert_plaintext_people()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO places_person (name, gender, registered_on, residence) "
                       "VALUES ('丁', '', '2020-01-01', 'household')")
        cursor.execute("SELECT id FROM places_person WHERE name = '丁'")
        (ding,) = cursor.fetchone()
        cursor.execute("INSERT INTO places_personaldata (person_id, phone, id_number) "
                       "VALUES (%s, '', %s)", [ding, ID_X])  # the same as 甲's, upper case

    with pytest.raises(RuntimeError, match=rf"same ID number.*\[{jia}, {ding}\]"):
        _migrate(_latest())
    # Nothing half-done: the plaintext is still there to correct, then migrate again.
    _migrate(BEFORE)
    assert ID_X in _table()
    with connection.cursor() as cursor:  # corrected: the migration goes through
        cursor.execute("DELETE FROM places_personaldata WHERE person_id = %s", [ding])
    _migrate(_latest())
    assert PersonalData.objects.with_id_number(ID_X).get().person_id == jia
