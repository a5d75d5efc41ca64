"""Loading intake records for a user: 404 alike for "does not exist" and "not yours"."""

from __future__ import annotations

from django.http import Http404

from yishi.places.permissions import is_staff_at, person_of

from .models import JointProposal, Opinion
from .rules import ProposalState


def can_see_opinion(user: object, opinion: Opinion) -> bool:
    me = person_of(user)
    if me is not None and me.pk in (opinion.raised_by_id, opinion.recorded_by_id):
        return True
    return is_staff_at(user, opinion.community)


def get_opinion_for_user(user: object, pk: int) -> Opinion:
    opinion = (
        # "topic" is the reverse side of consult's link to the opinion it was made from.
        Opinion.objects.select_related("community", "place", "raised_by", "recorded_by",
                                       "raised_by__user", "topic")
        .filter(pk=pk).first()
    )
    if opinion is None or not can_see_opinion(user, opinion):
        raise Http404
    return opinion


def can_see_proposal(user: object, proposal: JointProposal) -> bool:
    me = person_of(user)
    if me is not None and me.pk == proposal.proposer_id:
        return True
    if proposal.state == ProposalState.DRAFT:
        return False
    if me is not None and me.community_id == proposal.community_id:
        return True
    return is_staff_at(user, proposal.community)


def get_proposal_for_user(user: object, pk: int) -> JointProposal:
    proposal = (
        JointProposal.objects.select_related("community", "proposer", "topic")
        .filter(pk=pk).first()
    )
    if proposal is None or not can_see_proposal(user, proposal):
        raise Http404
    return proposal
