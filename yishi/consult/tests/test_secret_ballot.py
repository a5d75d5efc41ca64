"""Secret ballots stay secret at rest (issue 11, item 1), on SQLite and on PostgreSQL.

The known ways a stored ballot was tied to its voter: a row per ballot whose physical order
(SQLite rowid, PostgreSQL ctid) follows the order of the voter marks, and the transaction
id a ballot row shares with the voter's mark and audit event. The tests below try each.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse

from yishi.consult import services
from yishi.consult.models import BallotBox, Meeting, VoterMark
from yishi.core import audit, clock
from yishi.core.models import AuditEvent

from .helpers import held_to_vote
from .pages import as_user

MOMENT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def _voters(cast: dict[str, Any]) -> list[Any]:
    return [*cast["committee"][:4], cast["stakeholder"], cast["neighbour"]]


def _cast_all(meeting: Meeting, voters: list[Any], choices: list[str]) -> None:
    # The same moment and action ids in both runs, so only the choices differ between them.
    with clock.at(MOMENT):
        for i, (person, choice) in enumerate(zip(voters, choices, strict=True)):
            with audit.user_action(f"ballot-{i}"):
                services.cast_ballot(actor=person.user, meeting=meeting, choice=choice)


def _physical_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in the order the database keeps them.

    Surrogate ``id`` columns are left out: a PostgreSQL sequence does not roll back, so ids
    differ between two runs; their order is kept by reading in physical order.
    """
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            columns = [c.name for c in connection.introspection.get_table_description(
                cursor, table) if c.name != "id"]
            if not columns:
                continue
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            try:
                with transaction.atomic():
                    cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} "
                                   f"ORDER BY {order}")
            except Exception:  # a SQLite WITHOUT ROWID table: no physical order to read
                with transaction.atomic():
                    cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            dump[table] = [tuple(row) for row in cursor.fetchall()]
    return dump


def _written_since(before: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Per table, the rows the runs left that were not there before, in physical order,
    and the rows of before that are gone. Where PostgreSQL puts a new row (the space a
    rolled-back run or VACUUM freed) depends on the free-space map, not on anything a run
    did; the order of a run's own rows and their content are what could betray a voter."""
    after = _physical_rows()
    changes: dict[str, Any] = {}
    for table in sorted(set(before) | set(after)):
        old = Counter(before.get(table, []))
        new_rows = []
        for row in after.get(table, []):
            if old[row]:
                old[row] -= 1
            else:
                new_rows.append(row)
        changes[table] = (new_rows, sorted(old.elements(), key=repr))
    return changes


@pytest.mark.django_db
def test_the_same_voters_choosing_differently_leave_the_same_data_at_rest(tree, cast) -> None:
    """Two runs: the same people vote in the same order, with the choices swapped between
    them. Every table, every column, the rows' physical order, the audit events and the task
    queue come out identical, so nothing stored can say who chose what."""
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    voters = _voters(cast)
    first = ["yes", "yes", "no", "abstain", "no", "yes"]
    second = ["no", "yes", "yes", "yes", "abstain", "no"]  # the same totals, other voters

    before = _physical_rows()
    sid = transaction.savepoint()
    _cast_all(meeting, voters, first)
    at_rest_first = _written_since(before)
    transaction.savepoint_rollback(sid)
    _cast_all(meeting, voters, second)
    at_rest_second = _written_since(before)

    changed = [t for t in at_rest_first if at_rest_first[t] != at_rest_second.get(t)]
    assert changed == []
    assert set(at_rest_first) == set(at_rest_second)
    box = BallotBox.objects.get(vote__meeting=meeting)
    assert (box.yes, box.no, box.abstain, box.paper) == (3, 2, 1, 0)
    assert VoterMark.objects.filter(vote__meeting=meeting).count() == 6
    assert audit.verify().ok


@pytest.mark.django_db
def test_the_audit_event_and_the_log_say_that_a_participant_voted_never_how(
        tree, cast, caplog) -> None:
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    caplog.set_level(logging.DEBUG)
    services.cast_ballot(actor=cast["committee"][0].user, meeting=meeting, choice="abstain")
    event = AuditEvent.objects.filter(action="vote.ballot").get()
    assert event.actor == cast["committee"][0].user
    assert "abstain" not in repr((event.before, event.after))
    assert all("abstain" not in r.getMessage() for r in caplog.records)
    # the box holds totals, not ballots: there is no column for a voter or a time
    assert {f.name for f in BallotBox._meta.get_fields()} == {
        "vote", "yes", "no", "abstain", "paper"}
    assert {f.name for f in VoterMark._meta.get_fields()} == {"id", "vote", "participant"}


@pytest.mark.django_db
def test_totals_are_shown_only_once_the_vote_is_closed(tree, cast, client) -> None:
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    services.cast_ballot(actor=cast["committee"][0].user, meeting=meeting, choice="no")
    page = as_user(client, cast["staff_a"]).get(
        reverse("consult:tally", args=[meeting.pk])).content.decode()
    assert "反对" not in page  # how many ballots are in, never how they split
    vote = services.close_vote(actor=cast["staff_a"].user, meeting=meeting)
    assert (vote.yes, vote.no, vote.abstain) == (0, 1, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL transaction ids")
def test_no_row_a_voters_transaction_wrote_holds_their_choice(tree, cast) -> None:
    """On PostgreSQL every row version carries the id of the transaction that wrote it
    (``xmin``). A voter's transaction writes their audit event and their mark; the only
    other row it writes is the box, which holds the running totals of everyone."""
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    voters = _voters(cast)
    choices = ["yes", "no", "no", "abstain", "yes", "yes"]
    for person, choice in zip(voters, choices, strict=True):
        services.cast_ballot(actor=person.user, meeting=meeting, choice=choice)

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM core_auditevent WHERE action = %s",
                       ["vote.ballot"])
        voter_xids = {row[0] for row in cursor.fetchall()}
        assert len(voter_xids) == len(voters)
        written: dict[str, int] = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)} "
                           f"WHERE xmin::text = ANY(%s)", [list(voter_xids)])
            n = cursor.fetchone()[0]
            if n:
                written[table] = n
    # an event per voter, the chain's head and the one box of totals (the mark is written
    # in a savepoint, which has a transaction id of its own); no row per ballot
    assert set(written) <= {"consult_votermark", "core_auditevent", "core_audithead",
                            "consult_ballotbox"}
    assert written["core_auditevent"] == 6 and written["consult_ballotbox"] == 1
    box = BallotBox.objects.get(vote__meeting=meeting)
    assert (box.yes, box.no, box.abstain) == (3, 2, 1)
