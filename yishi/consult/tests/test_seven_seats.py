"""7+X: the quorum of a major matter is taken of seven fixed seats plus the X members; a vacant
or lapsed seat is a member absent, never a smaller committee (000 §(二)(2), §(二)(4)2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import rules, selectors, services
from yishi.core import clock
from yishi.core.exceptions import RuleViolation
from yishi.places.models import CommitteeMembership, Seat

from .helpers import notified, participant, planned, snapshot
from .pages import as_user, cites, refusal_codes, refusals

# --- The pure arithmetic ----------------------------------------------------------------------

seats = st.dictionaries(st.sampled_from(list(Seat.values)), st.integers(1, 40), max_size=7)
people = st.sets(st.integers(1, 60), max_size=30)


@given(seats, people, people)
def test_no_more_are_present_than_sit_on_the_committee(holders, x, present) -> None:
    here = rules.members_present(seat_holders=holders, x_members=x, present=present)
    assert 0 <= here <= rules.committee_size(len(x))
    # Everyone present at once: every filled seat and every X member, a vacant seat never.
    everyone = set(holders.values()) | x
    assert rules.members_present(seat_holders=holders, x_members=x,
                                 present=everyone) == len(holders) + len(x)


@given(seats, people)
def test_a_vacant_seat_never_helps_the_quorum(holders, x) -> None:
    """Filling a seat with someone absent leaves the count; with someone present, it grows."""
    everyone = set(holders.values()) | x
    base = rules.members_present(seat_holders=holders, x_members=x, present=everyone)
    for seat in rules.vacant_seats(Seat.values, holders):
        assert rules.members_present(seat_holders={**holders, seat: 999}, x_members=x,
                                     present=everyone) == base
        assert rules.members_present(seat_holders={**holders, seat: 999}, x_members=x,
                                     present=everyone | {999}) == base + 1


def test_the_committee_is_seven_seats_whatever_is_filled() -> None:
    assert rules.committee_size(0) == 7 and rules.committee_size(3) == 10
    assert rules.vacant_seats(["party", "women"], {"party"}) == ["women"]
    with pytest.raises(ValueError):
        rules.committee_size(-1)


# --- Through the services and the pages ---------------------------------------------------------


def _vacate(cast, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """End the last ``n`` seats yesterday; returns those seats."""
    yesterday = clock.localdate() - timedelta(days=1)
    ended = []
    for person in cast["committee"][-n:]:
        m = CommitteeMembership.objects.get(person=person)
        m.ended_on = yesterday
        m.save()
        ended.append(m.seat)
    return ended


def _signing_in(cast, tree):  # type: ignore[no-untyped-def]
    topic, meeting = notified(cast, tree)
    services.open_sign_in(actor=cast["staff_a"].user, meeting=meeting)
    return topic, meeting


@pytest.mark.django_db
def test_four_seats_filled_and_all_present_are_not_two_thirds_of_seven(tree, cast) -> None:
    """With three seats vacant, the four holders and the X member (5 of 8) cannot open a
    major matter: 6 are needed, never 2/3 of the 5 who happen to hold a seat."""
    _vacate(cast, 3)
    topic, meeting = _signing_in(cast, tree)
    staff = cast["staff_a"].user
    for person in [*cast["committee"][:4], cast["stakeholder"]]:
        services.mark_attendance(actor=staff, meeting=meeting, participant=participant(meeting,
                                                                                         person))
    assert selectors.attendance_counts(meeting)[1:] == (8, 5)
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.open_meeting(actor=staff, meeting=meeting)
    assert exc.value.rule == "quorum" and exc.value.clause == "000 §(二)(4)2"
    assert "1" in exc.value.message and snapshot() == before


@pytest.mark.django_db
def test_a_lapsed_term_counts_as_absent(tree, cast) -> None:
    """A seat whose term ran out yesterday is vacant today, though its holder signs in."""
    m = CommitteeMembership.objects.get(person=cast["committee"][0])
    m.term_end = clock.localdate() - timedelta(days=1)
    m.save()
    topic = planned(cast, tree)
    committee = selectors.committee_of(topic)
    assert committee.size == 8 and m.seat not in committee.seat_holders
    assert committee.present_among({cast["committee"][0].pk}) == 0
    assert str(Seat(m.seat).label) in committee.vacant


@pytest.mark.django_db
def test_the_meeting_console_counts_over_seven_plus_x(client, tree, cast) -> None:
    _vacate(cast, 2)
    topic, meeting = _signing_in(cast, tree)
    c = as_user(client, cast["staff_a"])
    for person in cast["committee"][:5]:
        c.post(reverse("consult:tick", args=[meeting.pk, participant(meeting, person).pk]))
    page = c.get(reverse("consult:meeting", args=[meeting.pk])).content.decode()
    assert 'data-missing="1"' in page  # 5 of 8 (7 + X) present: 6 needed
    before = snapshot()
    response = c.post(reverse("consult:meeting_action", args=[meeting.pk, "open"]))
    [message] = refusals(response)
    assert refusal_codes(response) == ["quorum"] and cites(message, "000 §(二)(4)2")
    assert snapshot() == before


@pytest.mark.django_db
def test_the_board_and_the_plan_editor_say_the_committee_is_incomplete(client, tree,
                                                                        cast) -> None:
    vacant = _vacate(cast, 2)
    topic = planned(cast, tree)
    c = as_user(client, cast["staff_a"])
    for url in (reverse("consult:board"), reverse("consult:plan", args=[topic.pk])):
        page = c.get(url).content.decode()
        assert f'data-testid="committee-incomplete-{tree["a"].pk}"' in page
        assert "5" in page and all(str(Seat(s).label) in page for s in vacant)


@pytest.mark.django_db
def test_a_full_committee_shows_no_warning(client, tree, cast) -> None:
    topic = planned(cast, tree)
    page = as_user(client, cast["staff_a"]).get(reverse("consult:plan", args=[topic.pk]))
    assert "committee-incomplete" not in page.content.decode()
    # A seat starting tomorrow does not fill today's committee.
    CommitteeMembership.objects.filter(person=cast["committee"][0]).update(
        term_start=clock.localdate() + timedelta(days=1))
    incomplete = selectors.incomplete_committees([tree["a"]])
    assert [c["filled"] for c in incomplete] == [6]


@pytest.mark.django_db
def test_a_township_board_lists_ten_incomplete_committees_and_counts_the_rest(client, tree,
                                                                             cast) -> None:
    from yishi.places.models import PlaceKind
    from yishi.places.tests.factories import PlaceFactory

    for i in range(12):  # twelve more villages with no seat filled, plus 桃园村 (none either)
        PlaceFactory(name=f"新村{i}", kind=PlaceKind.COMMUNITY, parent=tree["street"])
    page = as_user(client, cast["township"]).get(reverse("consult:board")).content.decode()
    assert page.count('data-testid="committee-incomplete-') == 10 + 1  # ten, and "more"
    assert 'data-testid="committee-incomplete-more"' in page and "3" in page
    # 幸福社区's seven seats are all filled: it is not among them.
    assert f'data-testid="committee-incomplete-{tree["a"].pk}"' not in page
