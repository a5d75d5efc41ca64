"""The residents' (villagers') meeting or representatives' meeting that decides a matter
after the consultation (001 §二(一)1: 先协商…再召开村(居)民会议或村(居)民代表会议讨论通过后
实施), or a topic referred to it (000 §(二)(4)3).

An assembly is recorded once it has been held: its notice and its day, the eligible count
from the register on that day, who attended (each once), the quorum by
``rules.assembly_quorum_met``, and the count by more than half of those present.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import RuleViolation
from yishi.intake import selectors as register
from yishi.places.models import CommunitySettings, Person, Place

from .. import rules, selectors
from ..models import Assembly, AssemblyAttendance, Meeting, Outcome, Topic
from ..rules import TopicState
from ._shared import (
    LONG_TEXT_MAX,
    _lock_topic,
    _minutes_all_signed,
    _move_topic,
    _require_staff,
    _text,
    _user,
)

# After consensus (before publication), or referred to the assembly by the committee.
ASSEMBLY_STATES = frozenset({TopicState.CONSENSUS, TopicState.MINUTES_SIGNED, TopicState.FILED,
                             TopicState.AT_ASSEMBLY})


def _voting_age(community: Place) -> int:
    cfg = CommunitySettings.objects.filter(community=community).first()
    return cfg.voting_age if cfg is not None else 18


def eligible_on(kind: str, community: Place, on: date) -> int:
    """The register on ``on``: adults (villagers, residents), households with someone on the
    register (villager_households) or the representatives (representatives)."""
    if kind == "representatives":
        return len(register.representative_ids(community, on))
    if kind == "villager_households":
        return (Person.objects.filter(register.register_q(community, on),
                                      household__isnull=False)
                .values("household_id").distinct().count())
    return register.eligible_residents(community, on, _voting_age(community))


def _may_attend(assembly: Assembly, person: Person) -> bool:
    community, on = assembly.topic.community, assembly.held_on
    if assembly.kind == "representatives":
        return person.pk in register.representative_ids(community, on)
    return register.is_eligible(person, community, on, _voting_age(community))


def _consulted_on(topic: Topic) -> date:
    last = (Meeting.objects.filter(topic=topic, closed_at__isnull=False)
            .order_by("-closed_at").values_list("closed_at", flat=True).first())
    if last is None:
        raise RuleViolation(_("An assembly decides on a consultation already held."),
                            rule="assembly_state", clause=rules.CLAUSE_ASSEMBLY)
    return timezone.localtime(last).date()


def record_assembly(*, actor: Any, topic: Topic, kind: str, noticed_on: date, held_on: date,
                    location: str) -> Assembly:
    """The assembly as held: kind, notice, day and place; the eligible count is taken from the
    register on its day."""
    _require_staff(actor, topic)
    if kind not in rules.ASSEMBLIES:
        raise RuleViolation(_("Choose which meeting decides."), rule="input")
    for value in (noticed_on, held_on):
        if not isinstance(value, date):
            raise RuleViolation(_("Give the day of the notice and the day of the meeting."),
                                rule="input")
    location = _text(location, _("place"), limit=200)
    if topic.community.kind != "community":
        raise RuleViolation(_("Residents' and representatives' meetings belong to a community "
                              "or village."), rule="assembly_place", clause=rules.CLAUSE_ASSEMBLY)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: one open assembly per topic.
        if locked.state not in ASSEMBLY_STATES:
            raise RuleViolation(_("An assembly decides a matter after its consultation reached "
                                  "consensus, or one the committee referred to it."),
                                rule="assembly_state", clause=rules.CLAUSE_ASSEMBLY)
        done = Assembly.objects.filter(topic=locked)
        if done.filter(passed=True).exists():
            raise RuleViolation(_("An assembly has already passed this matter."),
                                rule="assembly_twice", clause=rules.CLAUSE_ASSEMBLY)
        if done.filter(decided_at__isnull=True).exists():
            raise RuleViolation(_("Finish recording the assembly already begun first."),
                                rule="assembly_twice", clause=rules.CLAUSE_ASSEMBLY)
        cfg = selectors.consult_settings(locked.community)
        rules.check_assembly_dates(kind=kind, noticed_on=noticed_on, held_on=held_on,
                                   consulted_on=_consulted_on(locked), today=clock.localdate(),
                                   community_days=cfg.notice_days)
        assembly = Assembly.objects.create(
            topic=locked, kind=kind, noticed_on=noticed_on, held_on=held_on, location=location,
            eligible=eligible_on(kind, locked.community, held_on), recorded_by=_user(actor))
        audit.record(actor=actor, action="assembly.record", obj=assembly,
                     after={"topic": locked.pk, "kind": kind, "held_on": held_on,
                            "noticed_on": noticed_on, "eligible": assembly.eligible})
    return assembly


def _lock_assembly(assembly: Assembly) -> Assembly:
    return (Assembly.objects.select_for_update(of=("self",)).select_related("topic__community")
            .get(pk=assembly.pk))


def present_count(assembly: Assembly) -> int:
    """People present, or households for ``villager_households``."""
    rows = AssemblyAttendance.objects.filter(assembly=assembly)
    if assembly.kind == "villager_households":
        return rows.values("household_id").distinct().count()
    return rows.count()


def mark_present(*, actor: Any, assembly: Assembly, person: Person) -> AssemblyAttendance:
    """签到: one eligible person (a household's representative) present, counted once."""
    _require_staff(actor, assembly.topic)
    with transaction.atomic():
        # Lock the assembly: two clerks ticking the same person at once count them once.
        locked = _lock_assembly(assembly)
        if locked.decided:
            raise RuleViolation(_("The assembly's decision is recorded; attendance is closed."),
                                rule="assembly_closed", clause=rules.CLAUSE_ASSEMBLY)
        if not _may_attend(locked, person):
            raise RuleViolation(
                _("%(name)s is not on the register for this meeting on %(day)s.")
                % {"name": person.name, "day": locked.held_on.isoformat()},
                rule="assembly_not_eligible", clause=rules.ASSEMBLY_QUORUMS[locked.kind][2])
        household = person.household_id if locked.kind == "villager_households" else None
        if locked.kind == "villager_households" and household is None:
            raise RuleViolation(_("%(name)s belongs to no household on the register.")
                                % {"name": person.name}, rule="assembly_not_eligible",
                                clause=rules.ASSEMBLY_QUORUMS[locked.kind][2])
        same = AssemblyAttendance.objects.filter(assembly=locked).filter(
            Q(person=person) | (Q(household_id=household) if household else Q(pk__in=[])))
        if same.exists():
            raise RuleViolation(_("%(name)s (or their household) is already counted present.")
                                % {"name": person.name}, rule="assembly_twice",
                                clause=rules.CLAUSE_ASSEMBLY)
        try:
            with transaction.atomic():
                row = AssemblyAttendance.objects.create(assembly=locked, person=person,
                                                        household_id=household,
                                                        recorded_by=_user(actor))
        except IntegrityError:  # the constraint, should a lock ever be bypassed
            raise RuleViolation(_("%(name)s (or their household) is already counted present.")
                                % {"name": person.name}, rule="assembly_twice",
                                clause=rules.CLAUSE_ASSEMBLY) from None
        audit.record(actor=actor, action="assembly.attend", obj=locked,
                     after={"person": person.pk, "household": household})
    return row


def decide_assembly(*, actor: Any, assembly: Assembly, yes: int, no: int, abstain: int,
                    decision: str, minutes: str = "") -> Assembly:
    """表决: refused below the quorum (saying how many more are needed); passed by more than
    half of those present. The topic's outcome carries the decision."""
    _require_staff(actor, assembly.topic)
    decision = _text(decision, _("decision"), limit=LONG_TEXT_MAX)
    minutes = _text(minutes, _("minutes"), required=False, limit=LONG_TEXT_MAX)
    with transaction.atomic():
        locked = _lock_assembly(assembly)
        topic = _lock_topic(locked.topic)
        if locked.decided:
            raise RuleViolation(_("The assembly's decision is already recorded."),
                                rule="assembly_twice", clause=rules.CLAUSE_ASSEMBLY)
        present = present_count(locked)
        rules.check_assembly_quorum(kind=locked.kind, eligible=locked.eligible, present=present)
        # A household meeting votes by the households' representatives present.
        rules.check_hand_count(yes=yes, no=no, abstain=abstain, present=present)
        passed = rules.vote_passes(yes=yes, no=no, abstain=abstain, present=present,
                                   members=locked.eligible, base="present", strict=True)
        locked.yes, locked.no, locked.abstain, locked.present = yes, no, abstain, present
        locked.passed, locked.decision, locked.minutes = passed, decision, minutes
        locked.decided_at = clock.now()
        locked.save()
        before = topic.state
        if topic.state == TopicState.AT_ASSEMBLY:  # referred: the assembly's decision is it
            _move_topic(actor, topic, "record_assembly", note=decision)
            if _minutes_all_signed(topic):
                _move_topic(actor, topic, "sign_minutes")
        defaults: dict[str, Any] = {
            "assembly": locked.kind, "assembly_held_on": locked.held_on,
            "assembly_decision": decision, "assembly_passed": passed,
            "assembly_record": locked}
        if not Outcome.objects.filter(topic=topic).exists():
            defaults["kind"] = "assembly"
        Outcome.objects.update_or_create(topic=topic, defaults=defaults)
        audit.record(actor=actor, action="assembly.decide", obj=locked,
                     before={"topic_state": before},
                     after={"topic": topic.pk, "topic_state": topic.state, "yes": yes, "no": no,
                            "abstain": abstain, "present": present,
                            "eligible": locked.eligible, "passed": passed})
    return locked


def explanation(assembly: Assembly) -> rules.VoteExplanation | None:
    """The arithmetic of a decided assembly, shown as for committee votes."""
    if not assembly.decided or assembly.present is None:
        return None
    return rules.explain_vote(yes=assembly.yes or 0, no=assembly.no or 0,
                              abstain=assembly.abstain or 0, present=assembly.present,
                              members=assembly.eligible, share=rules.HALF, strict=True,
                              base="present")
