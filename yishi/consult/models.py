"""Consultation records: topics, plans, meetings, votes, minutes, outcomes (一事一档).

Models hold data and constraints; the workflow lives in ``rules.py`` (tables) and
``services.py`` (actions).
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.models import CommunityChained
from yishi.core.refusals import rule_errors
from yishi.core.taxonomy import Category
from yishi.places.models import Person, Place

from . import procedures, rules


def _choices(mapping: dict[str, object]) -> list[tuple[str, object]]:
    return list(mapping.items())


class TopicSource(models.TextChoices):
    OPINION = "opinion", _("Resident opinion")  # 访民情问事
    COURIER = "courier", _("Opinion courier")  # 民情专递
    MEMBER = "member", _("Committee member")  # 委员会成员提事
    JOINT_PROPOSAL = "joint_proposal", _("Joint proposal")  # 联名提议
    ENTRUSTED = "entrusted", _("Entrusted by government")  # 政府或部门委托
    STATUTORY = "statutory", _("Required by law")  # 法律法规要求


TopicState = rules.TopicState


class TopicKind(models.TextChoices):
    GENERAL = "general", _("General matter")  # 一般事项
    MAJOR = "major", _("Major matter")  # 重大事项


class Topic(CommunityChained, models.Model):
    """议题: a matter put to the consultation committee. 一事一档: one topic, one file.

    ``community`` is the owning place: a community or village, or a street/township for a
    cross-community topic (跨村(社区)的重要事项, 000 §(二)(2)).
    """

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="topics", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("details"), max_length=4000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source = models.CharField(_("source"), max_length=20, choices=TopicSource.choices)
    # 000 §(二)(1): a joint proposal past its threshold must be accepted.
    mandatory = models.BooleanField(_("mandatory (cannot be rejected)"), default=False)
    proposer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="topics_proposed",
        verbose_name=_("proposer"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=_choices(rules.TOPIC_STATES),
        default=rules.TopicState.CANDIDATE,
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    # Screening (筛选)
    kind = models.CharField(_("kind"), max_length=10, choices=TopicKind.choices,
                            default=TopicKind.GENERAL)
    technical = models.BooleanField(_("technical (needs experts)"), default=False)
    # 党组织认定: staff may flag a matter as possibly major or technical; until the party
    # organisation confirms or declines, it is treated as flagged (fail closed).
    major_flagged = models.BooleanField(_("flagged as possibly major"), default=False)
    technical_flagged = models.BooleanField(_("flagged as possibly technical"), default=False)
    kind_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("kind decided by"))
    kind_decided_at = models.DateTimeField(_("kind decided at"), null=True, blank=True)
    kind_reason = models.TextField(_("reason for the kind"), max_length=1000, blank=True)
    catalogue_code = models.CharField(_("catalogue item"), max_length=32, blank=True)
    catalogue_title = models.CharField(_("catalogue item title"), max_length=200, blank=True)
    screening_decision = models.CharField(_("screening decision"), max_length=10, blank=True)
    screening_reason = models.TextField(_("screening reason"), max_length=1000, blank=True)
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_topics",
        verbose_name=_("merged into"),
    )
    # 受政府或有关部门委托的协商事项 (000 §(二)(5))
    entrusted_by = models.CharField(_("entrusted by"), max_length=100, blank=True)
    # The declared template the topic follows (``procedures.PROCEDURES``): the consultation
    # procedure, 四议两公开 (004 第一篇 四.2) or a hearing (000 §(二)(3)).
    procedure = models.CharField(_("procedure"), max_length=16,
                                 choices=procedures.PROCEDURE_CHOICES,
                                 default=procedures.CONSULTATION)
    # Where the topic came from (一事一档): the opinion or joint proposal it was made from.
    # The link lives here, not in intake, because intake sits below consult in the layers.
    from_opinion = models.OneToOneField(
        "intake.Opinion", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="topic", verbose_name=_("from opinion"),
    )
    from_proposal = models.OneToOneField(
        "intake.JointProposal", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="topic", verbose_name=_("from joint proposal"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(fields=["community", "state"]),
            # Topics raised in a year per community (ledgers and dashboards).
            models.Index(fields=["community", "created_at"], name="topic_community_created"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_major(self) -> bool:
        return self.kind == TopicKind.MAJOR

    @property
    def is_cross_community(self) -> bool:
        return self.community.kind != "community"

    @property
    def kind_pending(self) -> bool:
        """A staff flag the party organisation has not confirmed or declined yet."""
        return self.major_flagged or self.technical_flagged


class RiskAssessment(CommunityChained, models.Model):
    """社会稳定风险评估: a major matter's social-stability risk assessment, made before its
    plan is approved (002: 对重大决策、事项和工程严格实行社会稳定风险评估)."""

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="risk")
    level = models.CharField(_("risk level"), max_length=8, choices=_choices(rules.RISK_LEVELS))
    findings = models.TextField(_("findings"), max_length=4000)
    mitigation = models.TextField(_("mitigation"), max_length=4000, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.get_level_display()}"


class TopicTransition(models.Model):
    """One step of a topic's workflow (from, to, action, actor, time): the file reads from it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("topic transition")
        verbose_name_plural = _("topic transitions")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.from_state} → {self.to_state}"


class XMember(CommunityChained, models.Model):
    """X 成员: a stakeholder on the 7+X committee for one topic only (000 §(二)(2)).

    "随协商事项完毕即告结束": service ends with the topic. The seven fixed seats are
    ``places.CommitteeMembership``; the X members belong to the topic, so they live here.
    """

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="x_members",
                              verbose_name=_("topic"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="x_memberships",
                               verbose_name=_("person"))
    term_start = models.DateField(_("serving from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("X member")
        verbose_name_plural = _("X members")
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], condition=Q(ended_on__isnull=True),
                                    name="x_member_once_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · X · {self.topic_id}"

    @property
    def community(self) -> Place:
        return self.topic.community


# --- Per-community configuration ------------------------------------------------------------


class ConsultSettings(models.Model):
    """Choices the seeds leave open for the consultation procedure, per community."""

    community = models.OneToOneField(Place, on_delete=models.CASCADE,
                                     related_name="consult_settings")
    notice_days = models.PositiveSmallIntegerField(_("days' notice to participants"), default=3)
    publication_days = models.PositiveSmallIntegerField(_("days on the notice board"), default=7)
    # 000 §(二)(4)2: 三分之二以上的协商委员会人员到场
    quorum_num = models.PositiveSmallIntegerField(default=2)
    quorum_den = models.PositiveSmallIntegerField(default=3)
    # Which procedure templates the community's topics may follow, and the one preselected.
    procedures_offered = models.CharField(
        _("procedures offered"), max_length=100, default=procedures.DEFAULT_OFFERED,
        help_text=_("Comma-separated: consultation, four_two (四议两公开), hearing (听证会)."),
    )
    default_procedure = models.CharField(_("default procedure"), max_length=16,
                                         choices=procedures.PROCEDURE_CHOICES,
                                         default=procedures.CONSULTATION)

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")
        constraints = [
            models.CheckConstraint(condition=Q(quorum_den__gt=0) & Q(quorum_num__gt=0)
                                   & Q(quorum_num__lte=F("quorum_den")),
                                   name="consult_settings_quorum_share"),
            # 000 §(二)(4)2: the quorum is 2/3 or more (num/den ≥ 2/3, in integers).
            models.CheckConstraint(condition=Q(GreaterThanOrEqual(F("quorum_num") * 3,
                                                                  F("quorum_den") * 2)),
                                   name="consult_settings_quorum_floor"),
            # 000 §(二)(4)2: 提前通知 — at least a day's notice.
            models.CheckConstraint(condition=Q(notice_days__gte=rules.MIN_NOTICE_DAYS),
                                   name="consult_settings_notice_floor"),
        ]

    def __str__(self) -> str:
        return str(self.community)

    def clean(self) -> None:
        """No setting below the seed (a stricter one is allowed)."""
        checks = {}
        if self.quorum_num is not None and self.quorum_den is not None:
            checks["quorum_num"] = lambda: rules.check_quorum_floor(self.quorum_num,
                                                                    self.quorum_den)
        if self.notice_days is not None:
            checks["notice_days"] = lambda: rules.check_notice_floor(self.notice_days)
        rule_errors(checks)

    @property
    def quorum_share(self) -> Fraction:
        return Fraction(self.quorum_num, self.quorum_den)


class MajorityBase(models.TextChoices):
    YES_NO = "yes_no", _("Valid votes (for + against)")
    CAST = "cast", _("Votes cast")
    PRESENT = "present", _("Those present")
    MEMBERS = "members", _("All committee members")


class MajorityRule(models.Model):
    """The majority a vote needs, per community and optionally per consultation form.

    Default (no row): more than half of those present.
    """

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="majority_rules")
    form = models.CharField(_("form"), max_length=10, choices=_choices(rules.FORMS), blank=True,
                            help_text=_("Empty: every form without its own rule."))
    share_num = models.PositiveSmallIntegerField(default=1)
    share_den = models.PositiveSmallIntegerField(default=2)
    strict = models.BooleanField(_("more than (过半数) rather than at least (以上)"), default=True)
    base = models.CharField(_("base"), max_length=10, choices=MajorityBase.choices,
                            default=MajorityBase.PRESENT)

    class Meta:
        verbose_name = _("majority rule")
        verbose_name_plural = _("majority rules")
        constraints = [
            models.UniqueConstraint(fields=["community", "form"], name="majority_rule_once"),
            models.CheckConstraint(condition=Q(share_den__gt=0) & Q(share_num__gt=0)
                                   & Q(share_num__lte=F("share_den")),
                                   name="majority_rule_share"),
            # 过半数 at least: more than 1/2, or exactly 1/2 counted as "more than".
            models.CheckConstraint(
                condition=Q(GreaterThan(F("share_num") * 2, F("share_den")))
                | (Q(Exact(F("share_num") * 2, F("share_den"))) & Q(strict=True)),
                name="majority_rule_floor"),
        ]

    def __str__(self) -> str:
        return rules.rule_label(self.share, self.strict, self.base)

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_num, self.share_den)

    def clean(self) -> None:
        """No majority below 过半数 of its base (a larger share is allowed)."""
        if self.share_num is None or self.share_den is None:
            return
        rule_errors({"share_num": lambda: rules.check_majority_floor(
            self.share_num, self.share_den, strict=bool(self.strict))})


class CatalogueItem(models.Model):
    """事项目录清单: a community's own consultation catalogue; without rows the default
    list from 000 §(二)(1) (``rules.DEFAULT_CATALOGUE``) applies."""

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="catalogue")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    major = models.BooleanField(_("usually a major matter"), default=False)
    technical = models.BooleanField(_("technical: experts take part"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="catalogue_code_once"),
        ]

    def __str__(self) -> str:
        return self.title


# --- 协商方案: the plan -------------------------------------------------------------------------


class Plan(CommunityChained, models.Model):
    """协商方案: time, place, form, rules of procedure and participants (000 §(二)(4)2)."""

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="plan")
    starts_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place"), max_length=200)
    form = models.CharField(_("form"), max_length=10, choices=_choices(rules.FORMS))
    rules_text = models.TextField(_("rules of procedure"), max_length=4000)
    materials = models.TextField(_("materials"), max_length=8000, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("days' notice"), default=3)
    convener = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("convener"))
    recorder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("recorder"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.topic} · {self.starts_at:%Y-%m-%d}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class Participant(models.Model):
    """A person invited by the plan: a fixed seat, an X stakeholder, an expert or a resident.

    Experts from outside may have no ``person`` row; they are named in ``name``.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=10, choices=_choices(rules.PARTICIPANT_KINDS))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="consultations")
    name = models.CharField(_("name"), max_length=50, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], condition=Q(person__isnull=False),
                                    name="participant_once_per_plan"),
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(name=""),
                                   name="participant_named"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name or self.person is None:
            return self.name
        return self.person.name


# --- 协商会议: meetings -------------------------------------------------------------------------


class Meeting(CommunityChained, models.Model):
    """One sitting of the consultation; a second consultation is a new meeting (number 2)."""

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="meetings")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("consultation number"), default=1)
    starts_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=_choices(rules.MEETING_STATES),
                             default=rules.MeetingState.SCHEDULED)
    sign_in_code = models.CharField(_("sign-in code"), max_length=8, blank=True)
    # Snapshot at opening, so later membership changes do not rewrite history.
    members = models.PositiveSmallIntegerField(_("committee members"), default=0)
    members_present = models.PositiveSmallIntegerField(_("committee members present"), default=0)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=_choices(rules.MEETING_RESULTS),
                              blank=True)
    conclusion = models.TextField(_("conclusion"), max_length=8000, blank=True)

    class Meta:
        ordering = ["topic", "number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="meeting_number_once"),
        ]
        # Meetings held in a year per topic (the ≥4 consultations a year of the ledger).
        indexes = [models.Index(fields=["topic", "opened_at"], name="meeting_topic_opened")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"


class Attendance(CommunityChained, models.Model):
    """签到: a participant present at a meeting, ticked by staff or signed in with the code."""

    audit_community = "meeting.topic.community_id"  # its audit events: that community's chain

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=8, choices=[("staff", _("Ticked by staff")),
                                                     ("code", _("Signed in with the code"))])
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.participant_id}"


class MeetingStep(CommunityChained, models.Model):
    """A recorded step of the meeting with its time (the four steps, the vote, closing)."""

    audit_community = "meeting.topic.community_id"  # its audit events: that community's chain

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    summary = models.TextField(_("summary"), max_length=8000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.action}"


class Speech(CommunityChained, models.Model):
    """Step three: one opinion recorded against its speaker (发言)."""

    audit_community = "meeting.topic.community_id"  # its audit events: that community's chain

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    opinion = models.TextField(_("opinion"), max_length=4000)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.position}"


class VoteMethod(models.TextChoices):
    HANDS = "hands", _("Show of hands")  # 举手表决
    BALLOT = "ballot", _("Secret ballot")  # 投票表决


class Vote(CommunityChained, models.Model):
    """Step four: the vote on the basic consensus, with the rule it was counted under."""

    audit_community = "meeting.topic.community_id"  # its audit events: that community's chain

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="vote")
    method = models.CharField(_("method"), max_length=8, choices=VoteMethod.choices)
    question = models.CharField(_("question"), max_length=300)
    yes = models.PositiveIntegerField(_("for"), default=0)
    no = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstain"), default=0)
    counted = models.BooleanField(_("counts entered"), default=False)
    present = models.PositiveIntegerField(_("present"), default=0)
    members = models.PositiveIntegerField(_("committee members"), default=0)
    share_num = models.PositiveSmallIntegerField(default=1)
    share_den = models.PositiveSmallIntegerField(default=2)
    strict = models.BooleanField(default=True)
    base = models.CharField(max_length=10, choices=MajorityBase.choices,
                            default=MajorityBase.PRESENT)
    passed = models.BooleanField(null=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(condition=Q(share_den__gt=0), name="vote_share_den"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.question}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_num, self.share_den)

    def explanation(self) -> rules.VoteExplanation:
        return rules.explain_vote(yes=self.yes, no=self.no, abstain=self.abstain,
                                  present=self.present, members=self.members, share=self.share,
                                  strict=self.strict, base=self.base)


class VoterMark(models.Model):
    """A participant has voted in a secret ballot: no link to the ballot, no time kept."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voter_marks")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "participant"], name="voter_mark_once"),
        ]


class BallotBox(models.Model):
    """票箱: a secret ballot kept only as totals, one row per vote.

    Each phone ballot adds one to a total in the same transaction that writes the voter's
    ``VoterMark``; no row per ballot exists, so no row order, key, time or transaction id
    ties a choice to a voter (docs/security.md, "Secret ballots"). The totals stay out of
    every page until the vote is closed.
    """

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, primary_key=True,
                                related_name="box")
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    paper = models.PositiveIntegerField(default=0)  # of the totals, ballots entered from paper

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")

    def __str__(self) -> str:
        return str(self.vote)

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


# --- Minutes and outcome -------------------------------------------------------------------------


class Minutes(CommunityChained, models.Model):
    """会议记录: produced from the recorded data, signed by convener and recorder, then frozen."""

    audit_community = "meeting.topic.community_id"  # its audit events: that community's chain

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"))
    generated_at = models.DateTimeField()
    convener_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    convener_signed_at = models.DateTimeField(null=True, blank=True)
    recorder_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    recorder_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting}"

    @property
    def frozen(self) -> bool:
        return self.convener_signed_at is not None and self.recorder_signed_at is not None


class Amendment(CommunityChained, models.Model):
    """A correction to frozen minutes; the minutes themselves never change."""

    audit_community = "minutes.meeting.topic.community_id"  # its audit events: that community's chain

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("correction"), max_length=4000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.minutes_id}: {self.at:%Y-%m-%d}"


class Assembly(CommunityChained, models.Model):
    """村(居)民会议或村(居)民代表会议: the meeting that decides a major matter after the
    consultation, or a topic referred to it (001 §二(一)1, 000 §(二)(4)3). A real record:
    its notice, the eligible count from the register on its day, attendance, the count."""

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="assemblies")
    kind = models.CharField(_("kind of meeting"), max_length=20,
                            choices=_choices(rules.ASSEMBLIES))
    noticed_on = models.DateField(_("notice given on"))
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("place"), max_length=200)
    # Snapshot of the register on ``held_on``: adults, households or representatives.
    eligible = models.PositiveIntegerField(_("eligible"))
    yes = models.PositiveIntegerField(_("for"), null=True, blank=True)
    no = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    decision = models.TextField(_("decision"), max_length=8000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=8000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["topic", "held_on", "id"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            # One assembly still to decide per topic at a time.
            models.UniqueConstraint(fields=["topic"], condition=Q(decided_at__isnull=True),
                                    name="assembly_one_open_per_topic"),
            models.CheckConstraint(condition=GreaterThanOrEqual(F("held_on"), F("noticed_on")),
                                   name="assembly_notice_before"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.get_kind_display()} {self.held_on}"

    @property
    def decided(self) -> bool:
        return self.decided_at is not None


class AssemblyAttendance(models.Model):
    """One person present at an assembly (for ``villager_households``: a household's
    representative, so each household counts once)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("places.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("assembly attendance")
        verbose_name_plural = _("assembly attendance")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "person"], name="assembly_person_once"),
            models.UniqueConstraint(fields=["assembly", "household"],
                                    condition=Q(household__isnull=False),
                                    name="assembly_household_once"),
        ]


class Outcome(CommunityChained, models.Model):
    """协商成果: the consensus memo or the assembly's decision, its filing and its public notice.

    ``published_from``/``published_until`` make it a notice readable without signing in.
    """

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(max_length=12, choices=[("consensus", _("Consensus")),
                                                    ("assembly", _("Assembly decision"))])
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    memo = models.TextField(_("consensus memo"), max_length=8000, blank=True)  # 共识纪要
    assembly = models.CharField(_("assembly"), max_length=20, choices=_choices(rules.ASSEMBLIES),
                                blank=True)
    # The assembly record that decided (its attendance, quorum and count are there).
    assembly_record = models.ForeignKey("Assembly", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    assembly_held_on = models.DateField(_("held on"), null=True, blank=True)
    assembly_decision = models.TextField(_("decision"), max_length=8000, blank=True)
    assembly_passed = models.BooleanField(null=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    published_from = models.DateField(_("on the notice board from"), null=True, blank=True)
    published_until = models.DateField(_("on the notice board until"), null=True, blank=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_until__isnull=True)
                | Q(published_until__gte=F("published_from")),
                name="outcome_publication_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}"


# --- Procedure templates: 四议两公开 and hearings ------------------------------------------------


class ProcedureStep(CommunityChained, models.Model):
    """One step of a topic's ordered procedure (``procedures.PROCEDURES``): who decided it,
    when, with what vote, and the public notice a 公开 step posted. Appended only; the
    order is checked by ``procedures.check_procedure_step`` before a row is written."""

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="procedure_steps")
    step = models.CharField(_("step"), max_length=32)
    seq = models.PositiveSmallIntegerField(_("number"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"))
    yes = models.PositiveIntegerField(_("for"), null=True, blank=True)
    no = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    # Snapshot of the roll the quorum was taken of (the representatives on the register).
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    notice = models.ForeignKey("disclosure.Notice", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("public notice"))

    class Meta:
        ordering = ["topic", "seq"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            models.UniqueConstraint(fields=["topic", "step"], name="procedure_step_once"),
            models.UniqueConstraint(fields=["topic", "seq"], name="procedure_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.seq}. {self.step}"
