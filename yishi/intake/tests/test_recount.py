"""Joint-proposal counts follow the register (000 §(二)(1), §(二)(2); 001 二(二)2): at every
signature and whenever the register changes, the counts are taken from the signers eligible
now; the mandatory topic arises the first moment they reach the threshold, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult.models import Topic
from yishi.core import audit, clock
from yishi.intake.models import JointProposal, Signature
from yishi.intake.rules import ProposalState, Signer, current_counts
from yishi.places import services as register
from yishi.places.models import Residence, Role, RoleKind
from yishi.places.tests.factories import settings_for, staff

from .test_joint_proposals import adults, opened, sign

signers = st.lists(st.builds(Signer, st.booleans(), st.booleans(), st.booleans(),
                             st.booleans()), max_size=30)


@given(signers, st.booleans())
def test_no_more_count_than_signed_and_the_ineligible_never(people, counted) -> None:
    c = current_counts(people, resident_only_count=counted)
    assert 0 <= c.residents <= len(people) and 0 <= c.representatives <= len(people)
    eligible = [s for s in people if s.on_register and s.adult]
    assert c.residents <= len(eligible) and c.representatives <= len(eligible)
    off = current_counts(people, resident_only_count=False)
    assert off.residents == sum(1 for s in eligible if not s.resident_only)
    assert off.residents <= current_counts(people, resident_only_count=True).residents


@given(signers, st.booleans(), st.booleans())
def test_one_more_eligible_signer_counts_one_more(people, counted, representative) -> None:
    before = current_counts(people, resident_only_count=counted)
    after = current_counts([*people, Signer(True, True, False, representative)],
                           resident_only_count=counted)
    assert after.residents == before.residents + 1
    assert after.representatives == before.representatives + representative
    gone = current_counts([*people, Signer(False, True, False, True)],
                          resident_only_count=counted)
    assert gone == before  # moved out: counts for nothing


# --- Through the services and the register --------------------------------------------------


def _fresh(p: JointProposal) -> JointProposal:
    return JointProposal.objects.get(pk=p.pk)


@pytest.mark.django_db
def test_a_signer_who_moves_out_no_longer_counts(tree) -> None:
    people = adults(tree["a"], 30, "m")  # 30 adults: 3 signatures needed
    clerk = staff(tree["a"], username="clerk")
    proposal = opened(people[0])
    sign(people[1], proposal)
    assert _fresh(proposal).resident_signatures == 2
    register.record_move_out(actor=clerk.user, person=people[1], on=clock.localdate())
    p = _fresh(proposal)
    assert p.resident_signatures == 1 and p.state == ProposalState.OPEN
    # The signature row keeps what it was judged against.
    row = Signature.objects.get(proposal=proposal, person=people[1])
    assert row.withdrawn_at is None and row.eligible_residents == 30
    assert audit.verify().ok


@pytest.mark.django_db
def test_a_representatives_role_ending_drops_the_representative_count(tree) -> None:
    people = adults(tree["a"], 30, "m")
    clerk = staff(tree["a"], username="clerk")
    reps = [Role.objects.create(person=p, place=tree["a"], kind=RoleKind.REPRESENTATIVE,
                                start=date(2020, 1, 1)) for p in people[20:30]]  # 10: 2 needed
    proposal = opened(people[0])
    sign(people[20], proposal)
    assert _fresh(proposal).representative_signatures == 1
    register.end_role(actor=clerk.user, role=reps[0], on=clock.localdate() - timedelta(days=1))
    assert _fresh(proposal).representative_signatures == 0


@pytest.mark.django_db
def test_the_register_change_that_reaches_the_threshold_makes_the_topic_once(tree) -> None:
    people = adults(tree["a"], 30, "m")
    clerk = staff(tree["a"], username="clerk")
    for p in people[26:30]:  # four representatives, five once one more is elected
        Role.objects.create(person=p, place=tree["a"], kind=RoleKind.REPRESENTATIVE,
                            start=date(2020, 1, 1))
    proposal = opened(people[0])
    sign(people[1], proposal)
    assert _fresh(proposal).state == ProposalState.OPEN and not Topic.objects.exists()
    # A signer is elected representative: that register change reaches 1/5.
    register.grant_role(actor=clerk.user, person=people[1], kind=RoleKind.REPRESENTATIVE,
                        place=tree["a"], start=clock.localdate(), end=None)
    p = _fresh(proposal)
    assert p.state == ProposalState.REACHED and p.representative_signatures == 1
    assert Topic.objects.filter(from_proposal=proposal, mandatory=True).count() == 1
    # A later change of the register does not make a second topic.
    register.record_move_out(actor=clerk.user, person=people[1], on=clock.localdate())
    assert Topic.objects.count() == 1 and _fresh(proposal).state == ProposalState.REACHED


@pytest.mark.django_db
def test_resident_only_people_count_only_where_the_community_says(client, tree) -> None:
    people = adults(tree["a"], 30, "m")  # 20 household-registered adults: 2 needed
    for p in people[20:]:
        p.residence = Residence.RESIDENT
        p.save()
    proposal = opened(people[0])
    sign(people[20], proposal)  # resident-only: signs, does not count by default
    p = _fresh(proposal)
    assert p.resident_signatures == 1 and p.state == ProposalState.OPEN
    client.force_login(people[0].user)
    page = client.get(reverse("intake:proposal", args=[proposal.pk])).content.decode()
    assert 'data-resident-only="not-counted"' in page
    # The community counts them: its base grows to 30 (3 needed), the resident-only
    # signature counts, and the next signer reaches it.
    settings_for(tree["a"], resident_only_count=True)
    sign(people[1], proposal)
    assert _fresh(proposal).state == ProposalState.REACHED
    page = client.get(reverse("intake:proposal", args=[proposal.pk])).content.decode()
    assert 'data-resident-only="counted"' in page
