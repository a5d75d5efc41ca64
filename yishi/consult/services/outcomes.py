"""Outcomes: referral to the residents' (representatives') meeting, filing, publication on
the notice board and closing the topic (000 §(二)(4)4, 5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yishi.core import audit, clock, hooks
from yishi.core.exceptions import RuleViolation
from yishi.core.notify import notify
from yishi.places.models import Person

from .. import notices, rules, selectors
from ..models import (
    Outcome,
    Topic,
)
from ..rules import TopicState
from ._shared import (
    _facts,
    _link,
    _lock_topic,
    _move_topic,
    _plan,
    _require_staff,
    _text,
    _users_of,
)
from .committee import end_x_members_for_topic


def refer_to_assembly(*, actor: Any, topic: Topic, reason: str) -> Topic:
    """After a failed consultation, without a further meeting: 通过协商无法解决或存在较大争议的
    问题 go to the residents' (representatives') meeting (000 §(二)(4)3)."""
    _require_staff(actor, topic)
    reason = _text(reason, _("reason"), limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: a referral racing a second meeting being scheduled.
        if locked.state != TopicState.SECOND_PENDING:
            raise RuleViolation(_("A topic in consultation is referred when its meeting closes."),
                                rule="transition", clause=rules.CLAUSE_MEETING)
        before = _move_topic(actor, locked, "refer_assembly", note=reason)
        audit.record(actor=actor, action="topic.refer_assembly", obj=locked,
                     before={"state": before}, after={"state": locked.state})
    return locked


# --- 4. Publication -------------------------------------------------------------------------------


def file_outcome(*, actor: Any, topic: Topic, note: str = "") -> Outcome:
    """备案: the outcome goes on file with the party organisation and the committee."""
    _require_staff(actor, topic)
    note = _text(note, _("note"), required=False, limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: filing twice at once.
        before = _move_topic(actor, locked, "file", note=note)
        outcome = Outcome.objects.select_for_update().get(topic=locked)
        outcome.filed_at, outcome.filed_by = clock.now(), actor
        outcome.save(update_fields=["filed_at", "filed_by"])
        committee = Person.objects.filter(pk__in=selectors.committee_person_ids(locked))
        subject, body = notices.outcome_notice(locked)
        notify(selectors.party_users(locked.community) + _users_of(committee.select_related("user")),
               _("Filed: %(s)s") % {"s": subject}, body, _link(locked))
        audit.record(actor=actor, action="topic.file", obj=locked, before={"state": before},
                     after={"state": locked.state, "outcome": outcome.pk})
    return outcome


def _publication_days(topic: Topic, days: int | None) -> int:
    cfg = selectors.consult_settings(topic.community)
    days = cfg.publication_days if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise RuleViolation(_("The posting period is 1 to 366 days."), rule="input")
    return days


def draft_outcome_notice(*, actor: Any, topic: Topic, days: int | None = None) -> Any:
    """The notice ``publish_outcome`` would post on the board today, never saved, so staff
    see it exactly as the public will before they publish; refused as publishing would be
    (the step, the follow-up duties, the assembly's decision). ``None`` for a township's
    cross-community topic, which has no board. Reads only: nothing is written."""
    from yishi.disclosure.models import NoticeKind
    from yishi.disclosure.services import draft_notice

    _require_staff(actor, topic)
    days = _publication_days(topic, days)
    rules.topic_step(topic.state, "publish", _facts(topic))  # refuses out of order
    with transaction.atomic():  # the hook's subscribers read only; it fires in a transaction
        hooks.fire(hooks.OUTCOME_DUTIES, actor=actor, topic=topic, action="publish")
    outcome = Outcome.objects.filter(topic=topic).first()
    if outcome is None:
        raise RuleViolation(_("The consultation has no outcome to publish yet."),
                            rule="transition", clause=rules.CLAUSE_PUBLICATION)
    if outcome.kind == "consensus":
        rules.check_may_carry_out(major=topic.is_major, assembly_passed=outcome.assembly_passed,
                                  action="publish")
    if topic.community.kind != "community":
        return None
    today = clock.localdate()
    outcome.published_from, outcome.published_until = today, today + timedelta(days=days - 1)
    topic.outcome = outcome  # in memory only, for the notice's words
    return draft_notice(actor=actor, community=topic.community, kind=NoticeKind.OUTCOME,
                        **_board_fields(topic, outcome))


def _board_fields(topic: Topic, outcome: Outcome) -> dict[str, Any]:
    """The words and period of the outcome's notice on the board (``topic.outcome`` set)."""
    title, body = notices.board_notice(topic)
    return {"title": title, "body": body, "starts_on": outcome.published_from,
            "ends_on": outcome.published_until,
            "issuer": _("Consultation committee of %(place)s") % {"place": topic.community.name}}


def publish_outcome(*, actor: Any, topic: Topic, days: int | None = None) -> Outcome:
    """公示: the topic and its outcome on the notice board; stakeholders are told."""
    _require_staff(actor, topic)
    days = _publication_days(topic, days)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: publishing twice at once.
        # followup refuses while the outcome is found unlawful or lacks the legal adviser's
        # opinion (000 §(二)(5), §(四)(2)); it raises before anything is written.
        hooks.fire(hooks.OUTCOME_DUTIES, actor=actor, topic=locked, action="publish")
        before = _move_topic(actor, locked, "publish")
        outcome = Outcome.objects.select_for_update().get(topic=locked)
        if outcome.kind == "consensus":  # a referred topic publishes the assembly's decision
            rules.check_may_carry_out(major=locked.is_major,
                                      assembly_passed=outcome.assembly_passed, action="publish")
        today = clock.localdate()
        outcome.published_from = today
        outcome.published_until = today + timedelta(days=days - 1)  # the last day included
        outcome.save(update_fields=["published_from", "published_until"])
        plan = _plan(locked)
        people: list[Person | None] = [locked.proposer]
        if plan is not None:
            people += [p.person for p in plan.participants.select_related("person__user")]
        subject, body = notices.outcome_notice(locked)
        notify(_users_of(people), subject, body, _link(locked))
        audit.record(actor=actor, action="topic.publish", obj=locked, before={"state": before},
                     after={"state": locked.state, "from": outcome.published_from,
                            "until": outcome.published_until})
        _post_on_board(actor, locked, outcome)
    return outcome


def _post_on_board(actor: Any, topic: Topic, outcome: Outcome) -> None:
    """利用村(居)务公开栏…进行公示 (000 §(二)(4)4): the outcome goes on the public board.

    Runs inside the publication's transaction, so a refused notice leaves the outcome
    unpublished too. A township's cross-community topic has no community board.
    """
    from yishi.disclosure.models import NoticeKind
    from yishi.disclosure.services import publish_notice

    if topic.community.kind != "community":
        return
    topic.outcome = outcome
    publish_notice(actor=actor, community=topic.community, kind=NoticeKind.OUTCOME,
                   source_type="consult.topic", source_id=topic.pk,
                   **_board_fields(topic, outcome))


def close_topic(*, actor: Any, topic: Topic, note: str = "") -> Topic:
    """办结 after the posting period; the topic's X members' service ends with it."""
    _require_staff(actor, topic)
    note = _text(note, _("note"), required=False, limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: an X member added while closing is ended too.
        outcome = Outcome.objects.filter(topic=locked).first()
        today = clock.localdate()
        if (locked.state == TopicState.PUBLISHED and outcome is not None
                and outcome.published_until is not None
                and rules.still_on_the_board(outcome.published_until, today)):
            raise RuleViolation(_("The outcome stays on the notice board until %(date)s.")
                                % {"date": outcome.published_until.isoformat()},
                                rule="publication_period", clause=rules.CLAUSE_PUBLICATION)
        # followup refuses while a dissenter awaits an explanation or a correction is open
        # (000 §(二)(5)); the topic lock keeps a dissent from being marked meanwhile.
        hooks.fire(hooks.OUTCOME_DUTIES, actor=actor, topic=locked, action="close")
        before = _move_topic(actor, locked, "close", note=note)
        ended = end_x_members_for_topic(actor=actor, topic=locked, on=today)
        audit.record(actor=actor, action="topic.close", obj=locked, before={"state": before},
                     after={"state": locked.state, "x_members_ended": ended})
    return locked
