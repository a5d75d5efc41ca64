"""联名提议 (000 §(二)(1)): residents co-sign; at exactly the signature that reaches one tenth of
the residents (or one fifth of the representatives) the proposal becomes a mandatory topic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.consult.models import Topic, TopicSource
from yishi.core import audit
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Notification
from yishi.intake import services
from yishi.intake.models import JointProposal, Signature
from yishi.intake.rules import ProposalState
from yishi.places.models import Person, Place, Role, RoleKind
from yishi.places.tests.factories import PersonFactory, resident, settings_for

from .helpers import years_ago

pytestmark = pytest.mark.django_db


def adults(community: Place, n: int, prefix: str) -> list[Person]:
    """``n`` registered adult residents with accounts."""
    return [resident(community, username=f"{prefix}{i}") for i in range(n)]


def opened(proposer: Person, **kwargs: str) -> JointProposal:
    """The proposer drafts and opens a proposal (signing it first)."""
    draft = services.draft_proposal(actor=proposer.user, title=kwargs.get("title", "加装电梯"),
                                    text="老楼加装电梯，费用分摊方案请协商。", category="construction")
    return services.open_proposal(actor=proposer.user, proposal=draft)


def sign(person: Person, proposal: JointProposal) -> JointProposal:
    return services.sign_proposal(actor=person.user, proposal=proposal)


def _written() -> tuple[int, int, int]:
    return AuditEvent.objects.count(), Signature.objects.count(), Topic.objects.count()


def _fresh(proposal: JointProposal) -> JointProposal:
    return JointProposal.objects.get(pk=proposal.pk)


@pytest.fixture
def thirty(tree) -> list[Person]:
    """Community A with exactly thirty residents of voting age (and some children)."""
    people = adults(tree["a"], 30, "r")
    PersonFactory.create_batch(4, community=tree["a"], birth_date=years_ago(10))
    return people


# --- drafting and opening ---------------------------------------------------------------


def test_a_resident_drafts_a_proposal_that_no_one_else_sees_yet(people, tree):
    draft = services.draft_proposal(actor=people["resident_a"].user, title=" 加装电梯 ",
                                    text="方案", category="construction")
    assert (draft.state, draft.community, draft.proposer, draft.title) == (
        ProposalState.DRAFT, tree["a"], people["resident_a"], "加装电梯")
    assert draft.resident_signatures == 0 and not Signature.objects.exists()
    assert AuditEvent.objects.get().action == "proposal.draft"


@pytest.mark.parametrize("title, text, category", [
    ("", "方案", "construction"), ("题" * 101, "方案", "construction"),
    ("电梯", "", "construction"), ("电梯", "方案", "elevators"), ("电\x00梯", "方案", "construction"),
    ("\u200b\u202e\ufeff", "方案", "construction"),
])
def test_a_draft_with_bad_input_is_refused_and_nothing_is_written(people, title, text, category):
    with pytest.raises(RuleViolation):
        services.draft_proposal(actor=people["resident_a"].user, title=title, text=text,
                                category=category)
    assert not JointProposal.objects.exists() and not AuditEvent.objects.exists()


def test_the_title_loses_its_invisible_characters(people):
    draft = services.draft_proposal(actor=people["resident_a"].user,
                                    title="\u2067加装\u200c电梯\u202c\u200f", text="方案",
                                    category="construction")
    assert draft.title == "加装电梯"


def test_someone_without_a_residence_cannot_draft(people):
    with pytest.raises(PermissionDenied):
        services.draft_proposal(actor=people["staff_a"].user, title="电梯", text="方案",
                                category="construction")
    assert not JointProposal.objects.exists()


def test_opening_signs_it_in_the_proposers_name(thirty, tree):
    proposal = opened(thirty[0])
    assert proposal.state == ProposalState.OPEN
    assert proposal.resident_signatures == 1
    sig = Signature.objects.get()
    assert (sig.person, sig.eligible_residents, sig.active) == (thirty[0], 30, True)
    assert proposal.closes_on == timezone.localdate() + timedelta(days=30)
    assert [e.action for e in AuditEvent.objects.all()] == ["proposal.draft", "proposal.open"]


def test_the_signing_period_follows_the_community_setting(thirty, tree):
    settings_for(tree["a"], proposal_signing_days=14)
    assert opened(thirty[0]).closes_on == timezone.localdate() + timedelta(days=14)


def test_only_the_proposer_opens_the_draft(thirty):
    draft = services.draft_proposal(actor=thirty[0].user, title="电梯", text="方案",
                                    category="construction")
    before = _written()
    with pytest.raises(PermissionDenied):
        services.open_proposal(actor=thirty[1].user, proposal=draft)
    assert _written() == before
    assert _fresh(draft).state == ProposalState.DRAFT


def test_a_proposal_is_opened_once(thirty):
    proposal = opened(thirty[0])
    before = _written()
    with pytest.raises(RuleViolation):
        services.open_proposal(actor=thirty[0].user, proposal=proposal)
    assert _written() == before


# --- signing ----------------------------------------------------------------------------


def test_thirty_residents_reach_the_threshold_at_exactly_the_third_signature(thirty):
    proposal = opened(thirty[0])
    proposal = sign(thirty[1], proposal)
    assert proposal.state == ProposalState.OPEN
    assert proposal.resident_signatures == 2
    assert not Topic.objects.exists()
    assert not Notification.objects.filter(recipient=thirty[0].user).exists()

    proposal = sign(thirty[2], proposal)
    proposal = _fresh(proposal)
    assert proposal.state == ProposalState.REACHED
    assert proposal.resident_signatures == 3
    assert proposal.reached_at is not None
    topic = Topic.objects.get()
    assert proposal.topic == topic
    assert (topic.source, topic.mandatory, topic.proposer, topic.community, topic.title) == (
        TopicSource.JOINT_PROPOSAL, True, thirty[0], proposal.community, proposal.title)
    note = Notification.objects.get(recipient=thirty[0].user)
    assert proposal.title in note.subject
    assert note.link == f"/intake/proposals/{proposal.pk}/"
    sign_event = AuditEvent.objects.filter(action="proposal.sign").last()
    assert sign_event.before == {"state": "open"}
    assert sign_event.after["state"] == "reached"
    assert sign_event.after["eligible_residents"] == 30
    assert audit.verify().ok


def test_children_do_not_count_towards_the_register(thirty, tree):
    PersonFactory.create_batch(20, community=tree["a"], birth_date=years_ago(17))
    proposal = opened(thirty[0])
    assert Signature.objects.get().eligible_residents == 30
    sign(thirty[1], proposal)
    assert _fresh(sign(thirty[2], proposal)).state == ProposalState.REACHED


def test_a_signature_once_reached_is_refused(thirty):
    proposal = opened(thirty[0])
    for person in thirty[1:3]:
        sign(person, proposal)
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        sign(thirty[3], proposal)
    assert excinfo.value.rule == "closed"
    assert _written() == before
    assert Topic.objects.count() == 1


def test_a_resident_signs_only_once(thirty):
    proposal = opened(thirty[0])
    sign(thirty[1], proposal)
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        sign(thirty[1], proposal)
    assert excinfo.value.rule == "once"
    assert _written() == before
    assert _fresh(proposal).resident_signatures == 2
    with pytest.raises(RuleViolation):
        sign(thirty[0], proposal)  # the proposer signed on opening
    assert _written() == before


def test_a_withdrawn_signature_stops_counting_and_may_be_given_again(thirty):
    proposal = opened(thirty[0])
    sign(thirty[1], proposal)
    proposal = services.withdraw_signature(actor=thirty[1].user, proposal=proposal)
    assert proposal.resident_signatures == 1
    sig = Signature.objects.get(person=thirty[1])
    assert sig.withdrawn_at is not None
    assert AuditEvent.objects.last().action == "proposal.unsign"

    # Withdrawn signatures do not count: two more are still needed.
    sign(thirty[2], proposal)
    assert _fresh(proposal).state == ProposalState.OPEN
    proposal = sign(thirty[1], proposal)
    assert Signature.objects.filter(person=thirty[1]).count() == 1
    assert Signature.objects.get(person=thirty[1]).withdrawn_at is None
    assert _fresh(proposal).state == ProposalState.REACHED
    assert _fresh(proposal).resident_signatures == 3


def test_withdrawing_a_signature_never_given_is_refused(thirty):
    proposal = opened(thirty[0])
    before = _written()
    with pytest.raises(RuleViolation):
        services.withdraw_signature(actor=thirty[1].user, proposal=proposal)
    assert _written() == before


def test_the_proposer_withdraws_the_proposal_not_their_signature(thirty):
    proposal = opened(thirty[0])
    with pytest.raises(RuleViolation):
        services.withdraw_signature(actor=thirty[0].user, proposal=proposal)
    assert _fresh(proposal).resident_signatures == 1
    with pytest.raises(PermissionDenied):
        services.withdraw_proposal(actor=thirty[1].user, proposal=proposal)
    services.withdraw_proposal(actor=thirty[0].user, proposal=proposal)
    assert _fresh(proposal).state == ProposalState.WITHDRAWN
    with pytest.raises(RuleViolation):
        sign(thirty[1], proposal)


def test_a_signature_on_a_draft_is_refused(thirty):
    draft = services.draft_proposal(actor=thirty[0].user, title="电梯", text="方案",
                                    category="construction")
    before = _written()
    with pytest.raises(RuleViolation):
        sign(thirty[1], draft)
    assert _written() == before


def test_a_signature_on_a_closed_proposal_is_refused(thirty):
    proposal = opened(thirty[0])
    assert services.close_expired_proposals(today=proposal.closes_on + timedelta(days=1)) == 1
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        sign(thirty[1], proposal)
    assert excinfo.value.rule == "closed"
    with pytest.raises(RuleViolation):
        services.withdraw_signature(actor=thirty[0].user, proposal=proposal)
    assert _written() == before


def test_a_signature_after_the_closing_day_is_refused_before_the_sweep_runs(thirty):
    proposal = opened(thirty[0])
    JointProposal.objects.filter(pk=proposal.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(RuleViolation):
        sign(thirty[1], proposal)
    # On the closing day itself signing is still open.
    JointProposal.objects.filter(pk=proposal.pk).update(closes_on=timezone.localdate())
    sign(thirty[1], proposal)
    assert _fresh(proposal).resident_signatures == 2


def test_a_minor_cannot_sign(thirty, tree):
    proposal = opened(thirty[0])
    minor = resident(tree["a"], username="minor", birth_date=years_ago(18, days=1))
    before = _written()
    with pytest.raises(PermissionDenied) as excinfo:
        sign(minor, proposal)
    assert excinfo.value.rule == "eligible"
    assert _written() == before


def test_a_resident_who_turns_eighteen_today_may_sign(thirty, tree):
    proposal = opened(thirty[0])
    birthday = resident(tree["a"], username="birthday", birth_date=years_ago(18))
    proposal = sign(birthday, proposal)
    assert proposal.resident_signatures == 2
    # Now 31 adults: ceil(3.1) = 4 signatures are needed, so the third does not reach.
    assert Signature.objects.get(person=birthday).eligible_residents == 31
    sign(thirty[1], proposal)
    assert _fresh(proposal).state == ProposalState.OPEN


def test_a_resident_who_moved_out_cannot_sign(thirty):
    proposal = opened(thirty[0])
    gone = thirty[1]
    gone.moved_out_on = timezone.localdate()
    gone.save()
    with pytest.raises(PermissionDenied):
        sign(gone, proposal)
    assert _fresh(proposal).resident_signatures == 1


def test_a_resident_of_another_community_or_an_official_cannot_sign(thirty, people):
    proposal = opened(thirty[0])
    before = _written()
    for outsider in ("resident_b", "staff_a", "township", "courier_a"):
        with pytest.raises(PermissionDenied):
            sign(people[outsider], proposal)
    assert _written() == before


def test_a_resident_registered_after_today_cannot_sign_yet(thirty, tree):
    proposal = opened(thirty[0])
    newcomer = resident(tree["a"], username="newcomer",
                        registered_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        sign(newcomer, proposal)


# --- the register at the time of each signature -----------------------------------------


def test_the_threshold_follows_the_register_as_residents_arrive(tree):
    first = adults(tree["a"], 20, "early")  # 20 adults: 2 signatures reach
    proposal = opened(first[0])
    assert Signature.objects.get().eligible_residents == 20
    later = adults(tree["a"], 10, "late")  # 30 adults now: 3 are needed
    proposal = sign(first[1], proposal)
    assert proposal.state == ProposalState.OPEN
    assert Signature.objects.get(person=first[1]).eligible_residents == 30
    proposal = sign(later[0], proposal)
    assert _fresh(proposal).state == ProposalState.REACHED


def test_the_threshold_follows_the_register_as_residents_move_out(thirty):
    proposal = opened(thirty[0])  # 30 adults: 3 are needed
    Person.objects.filter(pk__in=[p.pk for p in thirty[-11:]]).update(
        moved_out_on=timezone.localdate())
    # 19 adults remain: ceil(1.9) = 2 signatures reach.
    proposal = sign(thirty[1], proposal)
    assert _fresh(proposal).state == ProposalState.REACHED
    assert Signature.objects.get(person=thirty[1]).eligible_residents == 19


def test_a_small_community_reaches_with_the_proposers_own_signature(tree):
    five = adults(tree["a"], 5, "few")  # ceil(0.5) = 1
    proposal = opened(five[0])
    assert proposal.state == ProposalState.REACHED
    assert Topic.objects.get().mandatory
    assert [e.action for e in AuditEvent.objects.all()] == [
        "proposal.draft", "topic.candidate", "proposal.open"]
    assert audit.verify().ok


def test_the_resident_share_is_configurable(thirty, tree):
    settings_for(tree["a"], resident_share_num=1, resident_share_den=5)  # 6 of 30
    proposal = opened(thirty[0])
    for person in thirty[1:5]:
        sign(person, proposal)
    assert _fresh(proposal).state == ProposalState.OPEN
    sign(thirty[5], proposal)
    assert _fresh(proposal).state == ProposalState.REACHED


# --- the representatives' path ----------------------------------------------------------


@pytest.fixture
def fifty_with_ten_representatives(tree) -> tuple[list[Person], list[Person]]:
    """50 adults, 10 of them representatives: two representatives are one fifth, while one
    tenth of the residents is five signatures."""
    everyone = adults(tree["a"], 50, "p")
    reps = everyone[:10]
    for i, rep in enumerate(reps):
        # Representatives of resident groups count for the community too.
        Role.objects.create(person=rep, place=tree["a_group"] if i % 2 else tree["a"],
                            kind=RoleKind.REPRESENTATIVE, start=timezone.localdate())
    return everyone[10:], reps


def test_one_fifth_of_the_representatives_reaches_without_one_tenth_of_residents(
    fifty_with_ten_representatives,
):
    residents, reps = fifty_with_ten_representatives
    proposal = opened(residents[0])
    proposal = sign(reps[0], proposal)
    assert proposal.state == ProposalState.OPEN
    assert (proposal.resident_signatures, proposal.representative_signatures) == (2, 1)
    proposal = sign(reps[1], proposal)
    proposal = _fresh(proposal)
    assert proposal.state == ProposalState.REACHED
    assert (proposal.resident_signatures, proposal.representative_signatures) == (3, 2)
    assert Signature.objects.get(person=reps[1]).is_representative
    assert not Signature.objects.get(person=residents[0]).is_representative
    assert Topic.objects.get().mandatory


def test_representative_signatures_also_count_as_residents(fifty_with_ten_representatives):
    residents, reps = fifty_with_ten_representatives
    proposal = opened(reps[0])  # one representative of ten: not yet one fifth
    for person in residents[:3]:
        sign(person, proposal)
    assert _fresh(proposal).state == ProposalState.OPEN
    sign(residents[3], proposal)  # the fifth signature of fifty residents
    proposal = _fresh(proposal)
    assert proposal.state == ProposalState.REACHED
    assert proposal.representative_signatures == 1


def test_a_representative_whose_term_ended_signs_as_a_resident(fifty_with_ten_representatives):
    residents, reps = fifty_with_ten_representatives
    Role.objects.filter(person=reps[1]).update(start=timezone.localdate() - timedelta(days=400),
                                               end=timezone.localdate() - timedelta(days=1))
    proposal = opened(residents[0])
    sign(reps[0], proposal)
    proposal = sign(reps[1], proposal)
    assert proposal.state == ProposalState.OPEN
    assert proposal.representative_signatures == 1
    assert Signature.objects.get(person=reps[1]).representatives == 9


def test_a_withdrawn_representative_signature_stops_counting(fifty_with_ten_representatives):
    residents, reps = fifty_with_ten_representatives
    proposal = opened(residents[0])
    sign(reps[0], proposal)
    services.withdraw_signature(actor=reps[0].user, proposal=proposal)
    proposal = sign(reps[1], proposal)
    assert proposal.state == ProposalState.OPEN
    assert proposal.representative_signatures == 1


# --- closing at the end of the signing period -------------------------------------------


def test_close_expired_proposals_closes_only_those_past_their_last_day(thirty):
    expiring = opened(thirty[0], title="电梯")
    reached_one = opened(thirty[1], title="停车")
    sign(thirty[2], reached_one)
    sign(thirty[3], reached_one)
    draft = services.draft_proposal(actor=thirty[4].user, title="绿化", text="方案",
                                    category="sanitation")
    last_day = expiring.closes_on
    assert services.close_expired_proposals(today=last_day) == 0
    assert _fresh(expiring).state == ProposalState.OPEN

    assert services.close_expired_proposals(today=last_day + timedelta(days=1)) == 1
    assert _fresh(expiring).state == ProposalState.CLOSED
    assert _fresh(reached_one).state == ProposalState.REACHED
    assert _fresh(draft).state == ProposalState.DRAFT
    event = AuditEvent.objects.last()
    assert (event.action, event.actor, event.actor_label) == (
        "proposal.close", None, "system:proposal-expiry")
    assert (event.before, event.after) == ({"state": "open"}, {"state": "closed"})

    # Running the sweep again changes nothing.
    before = _written()
    assert services.close_expired_proposals(today=last_day + timedelta(days=2)) == 0
    assert _written() == before
    assert audit.verify().ok
