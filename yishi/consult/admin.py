"""Consult in the admin: the settings are edited here; the procedure records are only read.

Topics, plans, meetings, sign-ins, speeches, votes, ballot boxes, minutes and outcomes move only
through the services, which check the procedure (000 §(二)(4)) and write one audit event
per step; an admin edit would skip both, so those pages show and change nothing.
"""

from django.contrib import admin

from yishi.core.admin import ReadOnlyAdmin

from .models import (
    Amendment,
    Assembly,
    AssemblyAttendance,
    Attendance,
    BallotBox,
    CatalogueItem,
    ConsultSettings,
    MajorityRule,
    Meeting,
    MeetingStep,
    Minutes,
    Outcome,
    Participant,
    Plan,
    ProcedureStep,
    RiskAssessment,
    Speech,
    Topic,
    TopicTransition,
    Vote,
    VoterMark,
    XMember,
)


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "source", "mandatory", "state", "created_at"]
    list_filter = ["state", "source", "mandatory"]
    search_fields = ["title"]
    list_select_related = ["community"]


@admin.register(TopicTransition)
class TopicTransitionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "action", "from_state", "to_state", "actor", "at"]
    list_filter = ["action"]
    list_select_related = ["topic", "actor"]


@admin.register(XMember)
class XMemberAdmin(ReadOnlyAdmin):
    """7+X: the X members belong to their topic (000 §(二)(2))."""

    list_display = ["topic", "person", "term_start", "ended_on"]
    list_select_related = ["topic", "person"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["topic", "starts_at", "location", "form", "approved_at"]
    list_select_related = ["topic"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["plan", "kind", "person", "name", "notified_at"]
    list_filter = ["kind"]
    list_select_related = ["plan__topic", "person"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["topic", "number", "starts_at", "state", "result"]
    list_filter = ["state"]
    list_select_related = ["topic"]
    exclude = ["sign_in_code"]  # the code is read out in the room, not looked up here


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "participant", "method", "at"]
    list_select_related = ["meeting__topic", "participant"]


@admin.register(MeetingStep)
class MeetingStepAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "action", "from_state", "to_state", "actor", "at"]
    list_select_related = ["meeting__topic", "actor"]


@admin.register(Speech)
class SpeechAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "position", "participant", "at"]
    list_select_related = ["meeting__topic", "participant"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "method", "yes", "no", "abstain", "present", "passed", "closed_at"]
    list_filter = ["method", "passed"]
    list_select_related = ["meeting__topic"]


@admin.register(VoterMark)
class VoterMarkAdmin(ReadOnlyAdmin):
    list_display = ["vote", "participant"]
    list_select_related = ["vote__meeting__topic", "participant"]


@admin.register(BallotBox)
class BallotBoxAdmin(ReadOnlyAdmin):
    """Secret ballots: totals only, never who cast what."""

    list_display = ["vote", "yes", "no", "abstain", "paper"]
    list_select_related = ["vote__meeting__topic"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "generated_at", "convener_signed_at", "recorder_signed_at"]
    list_select_related = ["meeting__topic"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "by", "at"]
    list_select_related = ["minutes__meeting__topic", "by"]


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["topic", "kind", "filed_at", "published_from", "published_until"]
    list_filter = ["kind"]
    list_select_related = ["topic"]


@admin.register(ProcedureStep)
class ProcedureStepAdmin(ReadOnlyAdmin):
    list_display = ["topic", "seq", "step", "passed", "decided_at"]
    list_filter = ["step"]
    list_select_related = ["topic"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["topic", "level", "assessed_at"]
    list_filter = ["level"]
    list_select_related = ["topic"]


@admin.register(Assembly)
class AssemblyAdmin(ReadOnlyAdmin):
    list_display = ["topic", "kind", "held_on", "eligible", "present", "passed"]
    list_filter = ["kind", "passed"]
    list_select_related = ["topic"]


@admin.register(AssemblyAttendance)
class AssemblyAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["assembly", "person", "at"]
    list_select_related = ["assembly", "person"]


@admin.register(ConsultSettings)
class ConsultSettingsAdmin(admin.ModelAdmin):
    """Per community: days' notice, days on the notice board, the quorum share."""

    list_display = ["community", "notice_days", "publication_days", "quorum_num", "quorum_den"]
    raw_id_fields = ["community"]


@admin.register(MajorityRule)
class MajorityRuleAdmin(admin.ModelAdmin):
    """The majority rule per community and form (default: more than half of those present)."""

    list_display = ["community", "form", "share_num", "share_den", "strict", "base"]
    list_filter = ["base", "strict"]
    raw_id_fields = ["community"]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    """The consultation catalogue (事项目录清单); a community's rows replace the default list."""

    list_display = ["community", "position", "code", "title", "major", "technical", "active"]
    list_filter = ["major", "technical", "active"]
    raw_id_fields = ["community"]
