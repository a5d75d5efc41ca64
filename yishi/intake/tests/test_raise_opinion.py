"""一事一记: a resident raises an opinion; it gets its number and its answer deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from yishi.core import audit
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.core.workdays import add_working_days
from yishi.intake import services
from yishi.intake.models import Opinion, OpinionStep
from yishi.intake.rules import OpinionState, validate_text
from yishi.places.tests.factories import resident, settings_for

from .helpers import SHANGHAI, freeze, raise_as

pytestmark = pytest.mark.django_db


def _written() -> tuple[int, int, int]:
    return Opinion.objects.count(), AuditEvent.objects.count(), OpinionStep.objects.count()


def test_a_resident_raises_an_opinion_that_is_registered_with_a_number(people, tree):
    me = people["resident_a"]
    opinion = raise_as(me, tree["a_building"])
    year = timezone.localdate().year
    assert opinion.state == OpinionState.SUBMITTED
    assert opinion.number == f"MQ-{year}-00001"
    assert (opinion.community, opinion.place, opinion.raised_by) == (tree["a"], tree["a_building"], me)
    assert opinion.recorded_by is None
    step = OpinionStep.objects.get(opinion=opinion)
    assert (step.action, step.to_state, step.actor) == ("register", "submitted", me.user)
    event = AuditEvent.objects.get()
    assert event.action == "opinion.register" and event.object_id == str(opinion.pk)
    assert event.actor == me.user
    assert audit.verify().ok


def test_the_audit_event_holds_ids_and_states_but_no_personal_data(people, tree):
    opinion = raise_as(people["resident_a"])
    event = AuditEvent.objects.get()
    payload = str(event.before) + str(event.after)
    assert "王小明" not in payload
    assert people["resident_a"].personal.phone not in payload
    assert event.after["number"] == opinion.number


def test_numbers_follow_each_other_within_a_community_and_year(people, tree):
    neighbour = resident(tree["a"], username="neighbour")
    numbers = [raise_as(p).seq for p in (people["resident_a"], neighbour, people["resident_a"])]
    assert numbers == [1, 2, 3]


def test_each_community_numbers_its_own_opinions(people, tree):
    a1 = raise_as(people["resident_a"])
    b1 = raise_as(people["resident_b"])
    a2 = raise_as(people["resident_a"])
    assert (a1.seq, b1.seq, a2.seq) == (1, 1, 2)
    assert a1.number == b1.number  # the same text, told apart by the community


def test_the_number_starts_again_in_a_new_year(people, tree, monkeypatch):
    at = freeze(monkeypatch)
    at(datetime(2025, 12, 31, 10, 0))
    last = raise_as(people["resident_a"])
    at(datetime(2026, 1, 2, 10, 0))
    first = raise_as(people["resident_a"])
    assert (last.number, first.number) == ("MQ-2025-00001", "MQ-2026-00001")


def test_the_year_of_the_number_is_the_year_in_china_not_in_utc(people, tree, monkeypatch):
    # 00:30 on 1 January 2027 in Beijing is still 31 December 2026 in UTC.
    freeze(monkeypatch)(datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))
    opinion = raise_as(people["resident_a"])
    assert opinion.year == 2027
    assert opinion.number == "MQ-2027-00001"


def test_the_answer_is_due_ten_working_days_after_registration(people, tree, monkeypatch):
    # Registered on Thursday 12 February 2026, before the Spring Festival holiday.
    freeze(monkeypatch)(datetime(2026, 2, 12, 9, 30))
    opinion = raise_as(people["resident_a"])
    assert opinion.due_date == date(2026, 3, 4)
    assert opinion.due_provisional is False


def test_the_answer_deadline_follows_the_community_setting(people, tree):
    settings_for(tree["a"], opinion_answer_days=5)
    opinion = raise_as(people["resident_a"])
    expected = add_working_days(timezone.localdate(), 5)
    assert (opinion.due_date, opinion.due_provisional) == (expected.date, expected.provisional)
    other = raise_as(people["resident_b"])
    assert other.due_date == add_working_days(timezone.localdate(), 10).date


def test_a_deadline_beyond_the_holiday_data_is_marked_provisional(people, tree, monkeypatch):
    freeze(monkeypatch)(datetime(2026, 12, 28, 9, 0))
    opinion = raise_as(people["resident_a"])
    assert opinion.due_date.year == 2027
    assert opinion.due_provisional is True


def test_a_resident_of_another_community_cannot_raise_an_opinion_here(people, tree):
    before = _written()
    with pytest.raises(PermissionDenied):
        services.raise_opinion(actor=people["resident_b"].user, community=tree["a"], place=tree["a"],
                               title="路灯", text="坏了", category="traffic")
    assert _written() == before


def test_staff_without_a_residence_cannot_raise_their_own_opinion(people, tree):
    with pytest.raises(PermissionDenied):
        services.raise_opinion(actor=people["staff_a"].user, community=tree["a"], place=tree["a"],
                               title="路灯", text="坏了", category="traffic")
    assert Opinion.objects.count() == 0


def test_a_resident_who_moved_out_cannot_raise_an_opinion(people, tree):
    me = people["resident_a"]
    me.moved_out_on = timezone.localdate()
    me.save()
    with pytest.raises(PermissionDenied):
        raise_as(me)
    assert Opinion.objects.count() == 0


@pytest.mark.parametrize("where", ["b", "b_group", "street", "city"])
def test_a_place_outside_the_community_is_refused(people, tree, where):
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        raise_as(people["resident_a"], tree[where])
    assert excinfo.value.rule == "place"
    assert _written() == before


@pytest.mark.parametrize("title, text, field", [
    ("", "楼道灯坏了", "title"),
    ("   ", "楼道灯坏了", "title"),
    ("题" * 101, "楼道灯坏了", "title"),
    ("路灯", "", "text"),
    ("路灯", " \n ", "text"),
    ("路灯", "字" * 2001, "text"),
    ("路\x00灯", "楼道灯坏了", "title"),
    ("路灯", "楼道\x00灯坏了", "text"),
])
def test_an_empty_or_oversized_title_or_text_is_refused_and_nothing_is_written(
    people, tree, title, text, field
):
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        raise_as(people["resident_a"], title=title, text=text)
    assert excinfo.value.rule == "input"
    assert set(validate_text(title, text)) == {field}
    assert _written() == before
    # The refused attempt used no number: the next opinion is still number one.
    assert raise_as(people["resident_a"]).seq == 1


def test_an_unknown_category_is_refused(people, tree):
    before = _written()
    with pytest.raises(RuleViolation):
        raise_as(people["resident_a"], category="weather")
    assert _written() == before


def test_title_and_text_are_stored_without_surrounding_spaces(people, tree):
    opinion = raise_as(people["resident_a"], title="  路灯 ", text="\n坏了 ")
    assert (opinion.title, opinion.text) == ("路灯", "坏了")


def test_a_courier_records_an_opinion_on_behalf_of_a_resident(people, tree):
    courier, villager = people["courier_a"], people["resident_a"]
    opinion = services.raise_opinion(
        actor=courier.user, community=tree["a"], place=tree["a_group"], title="井盖松动",
        text="一组路口井盖松动。", category="traffic", on_behalf_of=villager,
    )
    assert opinion.raised_by == villager
    assert opinion.recorded_by == courier
    event = AuditEvent.objects.get()
    assert event.actor == courier.user
    assert event.after["courier"] == courier.pk
    assert OpinionStep.objects.get().actor == courier.user


def test_a_resident_without_an_account_can_have_an_opinion_recorded(people, tree):
    offline = resident(tree["a"], name="赵大娘")  # no username: no account
    assert offline.user is None
    opinion = services.raise_opinion(
        actor=people["courier_a"].user, community=tree["a"], place=tree["a"], title="井盖松动",
        text="路口井盖松动。", category="traffic", on_behalf_of=offline,
    )
    assert opinion.raised_by == offline


def test_a_courier_of_one_community_cannot_record_for_another(people, tree):
    before = _written()
    with pytest.raises(PermissionDenied) as excinfo:
        services.raise_opinion(
            actor=people["courier_a"].user, community=tree["b"], place=tree["b"], title="井盖",
            text="松动", category="traffic", on_behalf_of=people["resident_b"],
        )
    assert excinfo.value.rule == "courier"
    assert _written() == before


def test_a_courier_cannot_record_for_a_resident_of_another_community(people, tree):
    before = _written()
    with pytest.raises(RuleViolation):
        services.raise_opinion(
            actor=people["courier_a"].user, community=tree["a"], place=tree["a"], title="井盖",
            text="松动", category="traffic", on_behalf_of=people["resident_b"],
        )
    assert _written() == before


def test_a_resident_cannot_record_an_opinion_on_behalf_of_a_neighbour(people, tree):
    neighbour = resident(tree["a"], username="neighbour")
    with pytest.raises(PermissionDenied):
        services.raise_opinion(
            actor=people["resident_a"].user, community=tree["a"], place=tree["a"], title="井盖",
            text="松动", category="traffic", on_behalf_of=neighbour,
        )
    assert Opinion.objects.count() == 0


def test_a_courier_whose_yearly_appointment_ended_can_no_longer_record(people, tree):
    role = people["courier_a"].roles.get()
    role.end = timezone.localdate() - timedelta(days=1)
    role.save()
    with pytest.raises(PermissionDenied):
        services.raise_opinion(
            actor=people["courier_a"].user, community=tree["a"], place=tree["a"], title="井盖",
            text="松动", category="traffic", on_behalf_of=people["resident_a"],
        )


def test_invisible_characters_are_removed_from_the_title(people, tree):
    opinion = raise_as(people["resident_a"], title="\u202e3栋\u200b楼道灯\u2066坏了\u2069\ufeff")
    assert opinion.title == "3栋楼道灯坏了"


def test_a_title_of_invisible_characters_only_is_refused_and_nothing_is_written(people, tree):
    before = _written()
    with pytest.raises(RuleViolation) as refused:
        raise_as(people["resident_a"], title=" \u200b\u202e\u200d ")
    assert refused.value.rule == "input"
    assert _written() == before
