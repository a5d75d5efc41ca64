"""Loading consultation records for a user: 404 alike for "does not exist" and "not yours".

Staff pages (the board, the plan editor, the meeting console) are for staff of the topic's
place or above; the supervisory committee reads them too (its actions are refused by the
services). A topic's file is also open to the residents of its community, to its proposer
and to its participants, read-only. The participant pages (sign in with the code, the
secret ballot) are for the meeting's participants only.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from yishi.places.permissions import is_staff_anywhere, is_staff_at, person_of

from .models import Meeting, Participant, Topic


def require_staff_anywhere(user: object) -> None:
    if not is_staff_anywhere(user):
        raise Http404


def _topic(pk: int) -> Topic | None:
    return (Topic.objects.select_related("community", "proposer", "merged_into")
            .filter(pk=pk).first())


def can_read_topic(user: object, topic: Topic) -> bool:
    if is_staff_at(user, topic.community):
        return True
    me = person_of(user)
    if me is None:
        return False
    if me.community_id == topic.community_id or me.pk == topic.proposer_id:
        return True
    return Participant.objects.filter(plan__topic=topic, person=me).exists()


def get_topic_for_user(user: object, pk: int) -> Topic:
    """A topic's file, for staff above it, its community's residents and its participants."""
    topic = _topic(pk)
    if topic is None or not can_read_topic(user, topic):
        raise Http404
    return topic


def get_topic_file_for_user(user: object, pk: int) -> Topic:
    """A topic for its file page, read with everything the page joins in (``file_topics``):
    for whoever may read it, as ``get_topic_for_user``."""
    from .selectors import file_topics

    topic = file_topics().filter(pk=pk).first()
    if topic is None or not can_read_topic(user, topic):
        raise Http404
    return topic


def get_topic_for_staff(user: object, pk: int) -> Topic:
    """A topic for the staff pages (plan editor, screening): staff of its place or above."""
    topic = _topic(pk)
    if topic is None or not is_staff_at(user, topic.community):
        raise Http404
    return topic


def _meeting(pk: int) -> Meeting | None:
    return (Meeting.objects.select_related("topic__community", "topic__proposer",
                                           "plan__convener", "plan__recorder")
            .filter(pk=pk).first())


def get_meeting_for_staff(user: object, pk: int) -> Meeting:
    """A meeting for its console: staff of the topic's place or above."""
    meeting = _meeting(pk)
    if meeting is None or not is_staff_at(user, meeting.topic.community):
        raise Http404
    return meeting


def get_meeting_for_reader(user: object, pk: int) -> Meeting:
    """A meeting's public facts (the vote and its arithmetic): whoever may read its topic."""
    meeting = _meeting(pk)
    if meeting is None or not can_read_topic(user, meeting.topic):
        raise Http404
    return meeting


def get_meeting_for_signatory(user: object, pk: int) -> Meeting:
    """A meeting for its minutes: staff, or the plan's convener or recorder."""
    meeting = _meeting(pk)
    if meeting is None:
        raise Http404
    me = person_of(user)
    if is_staff_at(user, meeting.topic.community) or (
        me is not None and me.pk in (meeting.plan.convener_id, meeting.plan.recorder_id)
    ):
        return meeting
    raise Http404


def get_participation(user: object, pk: int) -> tuple[Meeting, Participant]:
    """A meeting and the user's own participant row, for the sign-in and ballot pages."""
    meeting = _meeting(pk)
    me = person_of(user)
    if meeting is None or me is None:
        raise Http404
    participant = Participant.objects.filter(plan_id=meeting.plan_id, person=me).first()
    if participant is None:
        raise Http404
    return meeting, participant


def participations_q(user: object) -> Q:
    """Meetings the user is invited to (for 'my meetings' lists)."""
    me = person_of(user)
    if me is None:
        return Q(pk__in=[])
    return Q(plan__participants__person=me)
