"""Actions of the consultation procedure (000 §(二)(4), 001 §二(二), 003 §六).

One function per action: keyword-only ``actor``, a permission check, validation, then one
``transaction.atomic()`` that locks the row before checking its state, applies the
workflow table (``rules.topic_step`` / ``rules.meeting_step``), writes one audit event and
queues notifications. A refusal raises ``RuleViolation`` (or ``PermissionDenied``) and
leaves nothing behind.

The actions live in one module per aggregate (Zulip's ``zerver/actions/`` is the model):
``topics``, ``plans``, ``meetings``, ``votes``, ``minutes``, ``outcomes`` and ``committee``
(the X members), ``assemblies`` (the residents' and representatives' meetings), with
``_shared`` for what they have in common. Everything is re-exported
here, so ``from yishi.consult import services; services.accept_topic(...)`` keeps working.
"""

from ._shared import (
    ACTING_ROLES,
    LONG_TEXT_MAX,
    TEXT_MAX,
    can_approve,
    can_run,
)
from .assemblies import (
    ASSEMBLY_STATES,
    decide_assembly,
    mark_present,
    record_assembly,
)
from .committee import (
    add_x_member,
    end_x_members_for_topic,
)
from .meetings import (
    add_speech,
    cancel_meeting,
    close_meeting,
    mark_attendance,
    open_discussion,
    open_meeting,
    open_sign_in,
    record_convener_explanation,
    record_proposer_explanation,
    reschedule_meeting,
    schedule_second_meeting,
    sign_in_with_code,
    undo_sign_in,
)
from .minutes import (
    amend_minutes,
    sign_minutes,
)
from .outcomes import (
    close_topic,
    file_outcome,
    publish_outcome,
    refer_to_assembly,
)
from .plans import (
    PARTICIPANT_OPEN_STATES,
    add_participant,
    approve_plan,
    draft_plan,
    remove_participant,
    send_notices,
    update_plan,
)
from .topics import (
    KIND_OPEN_STATES,
    accept_topic,
    create_candidate,
    decide_kind,
    merge_topic,
    record_risk_assessment,
    refer_topic,
    reject_topic,
    topic_from_opinion,
    topic_from_proposal,
)
from .votes import (
    BALLOT_CHOICES,
    cast_ballot,
    close_vote,
    enter_paper_ballots,
    open_vote,
    record_show_of_hands,
)

__all__ = [
    "ACTING_ROLES",
    "ASSEMBLY_STATES",
    "KIND_OPEN_STATES",
    "BALLOT_CHOICES",
    "LONG_TEXT_MAX",
    "PARTICIPANT_OPEN_STATES",
    "TEXT_MAX",
    "accept_topic",
    "add_participant",
    "add_speech",
    "add_x_member",
    "amend_minutes",
    "approve_plan",
    "can_approve",
    "can_run",
    "cancel_meeting",
    "cast_ballot",
    "close_meeting",
    "close_topic",
    "close_vote",
    "create_candidate",
    "decide_assembly",
    "decide_kind",
    "draft_plan",
    "end_x_members_for_topic",
    "enter_paper_ballots",
    "file_outcome",
    "mark_attendance",
    "mark_present",
    "merge_topic",
    "open_discussion",
    "open_meeting",
    "open_sign_in",
    "open_vote",
    "publish_outcome",
    "record_assembly",
    "record_convener_explanation",
    "record_proposer_explanation",
    "record_risk_assessment",
    "record_show_of_hands",
    "refer_to_assembly",
    "refer_topic",
    "reject_topic",
    "remove_participant",
    "reschedule_meeting",
    "schedule_second_meeting",
    "send_notices",
    "sign_in_with_code",
    "sign_minutes",
    "topic_from_opinion",
    "topic_from_proposal",
    "undo_sign_in",
    "update_plan",
]
