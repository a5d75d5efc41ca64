"""落实反馈: implementation tasks, dissent explanations, entrusted answers and corrections.

Models hold data and constraints; the workflow lives in ``rules.py`` (tables, deadlines)
and ``services.py`` (actions). "Overdue" is never stored: it is derived from the deadline
and the day, so the querysets below take ``today``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yishi.core.files import random_name
from yishi.core.models import CommunityChained
from yishi.core.refusals import rule_errors
from yishi.places.models import Person, Place

from . import rules


def _choices(mapping: dict[str, object]) -> list[tuple[str, object]]:
    return list(mapping.items())


class FollowupSettings(models.Model):
    """Choices the seeds leave open, for a community or for a government body (a place).

    The body's own row wins over the community's; without either the seed's 10 working
    days apply (000 §(二)(5): 在10个工作日内以书面形式反馈).
    """

    place = models.OneToOneField(Place, on_delete=models.CASCADE,
                                 related_name="followup_settings", verbose_name=_("place"))
    answer_days = models.PositiveSmallIntegerField(
        _("working days to answer an entrusted topic"), default=rules.ANSWER_WORKING_DAYS,
    )

    class Meta:
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_days__gte=1) & Q(answer_days__lte=rules.ANSWER_WORKING_DAYS),
                name="followup_settings_answer_days_ceiling",
            ),
        ]

    def __str__(self) -> str:
        return str(self.place)

    def clean(self) -> None:
        """Never more than the seed's ten working days (fewer is allowed)."""
        if self.answer_days is not None:
            rule_errors({"answer_days":
                         lambda: rules.check_answer_days_ceiling(self.answer_days)})


# --- Implementation tasks ------------------------------------------------------------------


class TaskQuerySet(models.QuerySet["ImplementationTask"]):
    def open(self) -> TaskQuerySet:
        return self.exclude(state=rules.TaskState.DONE)

    def overdue(self, today: date) -> TaskQuerySet:
        """Not done and past the deadline (the deadline day itself is still in time)."""
        return self.open().filter(deadline__lt=today)

    def within(self, place: Place) -> TaskQuerySet:
        return self.filter(community__path__startswith=place.path)


class ImplementationTask(CommunityChained, models.Model):
    """落实任务: one piece of carrying out an outcome, with an owner and a deadline.

    The owner is a person, or a department: a government body registered as a place (a
    street or district) or one named in free text. At least one is required.
    """

    # Its audit events go to its community's chain (yishi.core.audit).
    topic = models.ForeignKey("consult.Topic", on_delete=models.CASCADE, related_name="tasks",
                              verbose_name=_("topic"))
    outcome = models.ForeignKey("consult.Outcome", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tasks",
                                verbose_name=_("outcome"))
    # The topic's owning place, kept here so ledgers and dashboards scope without a join.
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    title = models.CharField(_("task"), max_length=200)
    details = models.TextField(_("details"), max_length=4000, blank=True)
    owner_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="followup_tasks",
                                     verbose_name=_("responsible person"))
    owner_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="owned_tasks",
                                    verbose_name=_("responsible government body"))
    owner_body = models.CharField(_("responsible department"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"))
    deadline_provisional = models.BooleanField(_("provisional deadline"), default=False)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("working days given"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=_choices(rules.TASK_STATES),
                             default=rules.TaskState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("implementation task")
        verbose_name_plural = _("implementation tasks")
        indexes = [
            models.Index(fields=["community", "state", "deadline"]),
            models.Index(fields=["state", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False) | Q(owner_place__isnull=False)
                | ~Q(owner_body=""),
                name="task_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner_person_id:
            return str(self.owner_person)
        if self.owner_place_id:
            return str(self.owner_place)
        return self.owner_body

    def is_overdue(self, today: date) -> bool:
        return rules.task_overdue(self.state, self.deadline, today)


class TaskProgress(CommunityChained, models.Model):
    """进展: a progress update on a task; also the task's transition row (from, to)."""

    audit_community = "task.community_id"  # its audit events: that community's chain

    task = models.ForeignKey(ImplementationTask, on_delete=models.CASCADE,
                             related_name="progress")
    text = models.TextField(_("progress"), max_length=4000)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.at:%Y-%m-%d}"


def progress_photo_path(instance: ProgressPhoto, filename: str) -> str:
    return random_name("followup", filename)


class ProgressPhoto(models.Model):
    """A photo of the work done, attached to a progress update."""

    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=progress_photo_path, width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


# --- Dissent (000 §(二)(5): 对协商过程中持不同意见的群众, 协商组织者要及时做好解释说明工作) ----


class DissentGrounds(models.TextChoices):
    VOTED_AGAINST = "voted_against", _("Voted against")
    SPOKE_AGAINST = "spoke_against", _("Spoke against")
    OTHER = "other", _("Expressed a different opinion")


class Dissent(CommunityChained, models.Model):
    """A participant or resident who held a different opinion on a topic, marked by staff.

    Secret ballots keep no link to voters, so dissent is recorded explicitly, never
    inferred from ballots.
    """

    audit_community = "topic.community_id"  # its audit events: that community's chain

    topic = models.ForeignKey("consult.Topic", on_delete=models.CASCADE,
                              related_name="dissents", verbose_name=_("topic"))
    participant = models.ForeignKey("consult.Participant", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("participant"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="dissents", verbose_name=_("resident"))
    name = models.CharField(_("name"), max_length=50)
    grounds = models.CharField(_("grounds"), max_length=16, choices=DissentGrounds.choices)
    note = models.TextField(_("their opinion"), max_length=4000, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["marked_at", "id"]
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")
        constraints = [
            models.CheckConstraint(condition=Q(participant__isnull=False) | Q(person__isnull=False),
                                   name="dissent_names_someone"),
            models.UniqueConstraint(fields=["topic", "person"], condition=Q(person__isnull=False),
                                    name="dissent_person_once"),
            models.UniqueConstraint(fields=["topic", "participant"],
                                    condition=Q(participant__isnull=False),
                                    name="dissent_participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.name}"


class DissentExplanation(models.Model):
    """解释说明: what the organisers explained to a dissenter, by whom and when."""

    dissent = models.OneToOneField(Dissent, on_delete=models.CASCADE, related_name="explanation")
    text = models.TextField(_("explanation"), max_length=4000)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("explained by"))
    explained_at = models.DateTimeField(_("explained at"))
    notified = models.BooleanField(_("notified in the system"), default=False)

    class Meta:
        verbose_name = _("dissent explanation")
        verbose_name_plural = _("dissent explanations")

    def __str__(self) -> str:
        return f"{self.dissent_id}"


# --- Entrusted topics (受政府或有关部门委托的协商事项) ----------------------------------------


class AnswerQuerySet(models.QuerySet["EntrustedAnswer"]):
    def awaiting(self) -> AnswerQuerySet:
        return self.filter(state=rules.AnswerState.AWAITING)

    def overdue(self, today: date) -> AnswerQuerySet:
        """Not answered and past the due date (the due day itself is still in time)."""
        return self.awaiting().filter(due_date__lt=today)

    def within(self, place: Place) -> AnswerQuerySet:
        return self.filter(community__path__startswith=place.path)


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted (reasons given)")


class EntrustedAnswer(CommunityChained, models.Model):
    """The report of an entrusted topic's outcome to the body that entrusted it, and its
    written answer, due within N working days of the report (000 §(二)(5))."""

    # Its audit events go to its community's chain (yishi.core.audit).
    topic = models.OneToOneField("consult.Topic", on_delete=models.CASCADE,
                                 related_name="entrusted_answer", verbose_name=_("topic"))
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    # The body asked: a government or department registered as a place; only users with a
    # department or township role there may answer.
    body = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="entrusted_answers",
                             verbose_name=_("body asked"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_on = models.DateField(_("reported on"))
    report_text = models.TextField(_("report"), max_length=8000)
    answer_days = models.PositiveSmallIntegerField(_("working days to answer"))
    due_date = models.DateField(_("answer due"))
    due_provisional = models.BooleanField(_("provisional due date"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=_choices(rules.ANSWER_STATES),
                             default=rules.AnswerState.AWAITING)
    answer_text = models.TextField(_("written answer"), max_length=8000, blank=True)
    adoption = models.CharField(_("adoption"), max_length=12, choices=Adoption.choices,
                                blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("escalated to"))

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("entrusted answer")
        verbose_name_plural = _("entrusted answers")
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["community", "state"]),
            models.Index(fields=["body", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=F("reported_on")),
                                   name="entrusted_answer_due_after_report"),
            models.CheckConstraint(
                condition=Q(state=rules.AnswerState.AWAITING)
                | (Q(answered_at__isnull=False) & ~Q(answer_text="")),
                name="entrusted_answer_answered_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.body}"

    def is_overdue(self, today: date) -> bool:
        return rules.answer_overdue(self.state, self.due_date, today)

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.answered_on > self.due_date


# --- Correction of unlawful outcomes (协商结果违反法律法规的, 乡镇(街道)应当依法纠正) -----------


class Correction(CommunityChained, models.Model):
    """A township's finding that an outcome breaks the law, and the correction it made."""

    # Its audit events go to its community's chain (yishi.core.audit).
    topic = models.ForeignKey("consult.Topic", on_delete=models.CASCADE,
                              related_name="corrections", verbose_name=_("topic"))
    outcome = models.ForeignKey("consult.Outcome", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="corrections")
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    reason = models.TextField(_("law or regulation broken, and how"), max_length=4000)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("found by"))
    marked_at = models.DateTimeField(_("found at"))
    correction = models.TextField(_("correction made"), max_length=8000, blank=True)
    legal_education = models.TextField(_("legal education given"), max_length=4000,
                                       blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("corrected by"))
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        ordering = ["marked_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            # One open finding per topic at a time: the township corrects it before another.
            models.UniqueConstraint(fields=["topic"], condition=Q(corrected_at__isnull=True),
                                    name="correction_one_open_per_topic"),
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True) | ~Q(correction=""),
                name="correction_corrected_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.marked_at:%Y-%m-%d}"

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None


# --- The legal adviser's opinion (000 §(四)(2): 健全法律顾问制度, 确保各项决策和行为正确、合法) --


class LegalVerdict(models.TextChoices):
    LAWFUL = "lawful", _("Lawful")  # 合法
    ADVERSE = "adverse", _("Not lawful as it stands")  # 存在违法问题


class LegalOpinion(CommunityChained, models.Model):
    """法律顾问意见: the community legal adviser's opinion on an outcome's lawfulness.

    Where the community has a legal adviser, a major matter's outcome is published only with
    one on record; an adverse opinion opens the township's correction (``correction``).
    """

    # Its audit events go to its community's chain (yishi.core.audit).
    topic = models.ForeignKey("consult.Topic", on_delete=models.CASCADE,
                              related_name="legal_opinions", verbose_name=_("topic"))
    outcome = models.ForeignKey("consult.Outcome", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    verdict = models.CharField(_("opinion"), max_length=8, choices=LegalVerdict.choices)
    text = models.TextField(_("legal opinion"), max_length=8000)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("legal adviser"))
    given_at = models.DateTimeField(_("given at"))
    correction = models.OneToOneField(Correction, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="legal_opinion",
                                      verbose_name=_("correction opened"))

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("legal opinion")
        verbose_name_plural = _("legal opinions")
        constraints = [
            # An adverse opinion always sends the outcome to the township's correction.
            models.CheckConstraint(
                condition=(Q(verdict=LegalVerdict.LAWFUL) & Q(correction__isnull=True))
                | (Q(verdict=LegalVerdict.ADVERSE) & Q(correction__isnull=False)),
                name="legal_opinion_adverse_opens_correction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.verdict}"
