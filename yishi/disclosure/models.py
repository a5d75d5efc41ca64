"""Public notices (公示/公告) with their posting period, and the 三务公开 schedule."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yishi.core.models import CommunityChained
from yishi.places.models import Place


class NoticeKind(models.TextChoices):
    OUTCOME = "outcome", _("Consultation outcome")  # 协商成果公示
    AFFAIRS = "affairs", _("Open affairs disclosure")  # 三务公开
    OTHER = "other", _("Other notice")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def posted(self, on: date) -> NoticeQuerySet:
        """Notices whose posting has begun: the public sees nothing scheduled for later."""
        return self.filter(starts_on__lte=on)

    def current(self, on: date) -> NoticeQuerySet:
        """Notices inside their posting period on ``on`` (both ends included)."""
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Notice(CommunityChained, models.Model):
    """公示: a notice posted on a community's board for a period."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="notices", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices,
                            default=NoticeKind.OTHER)
    issuer = models.CharField(_("issuing body"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    starts_on = models.DateField(_("posted from"))
    ends_on = models.DateField(_("posted until"))
    # Words of title, body and issuer as jieba segments them, space-separated with a space
    # at each end, so " 垃圾分类 " is a LIKE match on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, default="")
    # The record the notice publishes (a consultation topic's outcome), by type and id, so
    # this app does not depend on the apps that post to it.
    source_type = models.CharField(_("source type"), max_length=40, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["community", "starts_on", "ends_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="notice_period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("disclosure:notice", args=[self.pk])


def attachment_path(instance: NoticeAttachment, filename: str) -> str:
    return f"notices/{instance.notice.community_id}/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    """A PDF or an image posted with a notice (content checked, not only the name)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class DisclosureKind(models.TextChoices):
    """004 第一篇 四.4: what is disclosed and on which cadence."""

    PARTY = "party", _("Party affairs")  # 党务公开, half-yearly
    GOVERNMENT = "government", _("Government affairs")  # 政务公开, quarterly
    VILLAGE = "village", _("Village / community affairs")  # 村务(居务)公开, quarterly
    FINANCE = "finance", _("Finances")  # 财务公开, quarterly with village affairs
    PHASED = "phased", _("Phased work")  # 阶段性工作分步公开
    IMMEDIATE = "immediate", _("Temporary work")  # 临时性工作随时公开


class DisclosureItem(CommunityChained, models.Model):
    """One disclosure a community owes: a kind, the period it covers, its due date."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="disclosure_items",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DisclosureKind.choices)
    # "2025-Q4", "2026-H1" for the statutory cadence; empty for phased and temporary work.
    period = models.CharField(_("period"), max_length=16, blank=True)
    period_label = models.CharField(_("period"), max_length=100)
    due_on = models.DateField(_("due by"))
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("published notice"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # Once overdue, the township (乡镇/街道) is told, once (004 第一篇 四.4).
    escalated_at = models.DateTimeField(_("reported to the township at"), null=True,
                                        blank=True)
    # Counts changes to the contents checklist; a review approves one revision.
    contents_revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["due_on", "kind", "id"]
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        indexes = [models.Index(fields=["due_on", "published_at"])]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "period"],
                                    condition=~Q(period=""),
                                    name="disclosure_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period_label}"

    @property
    def label(self) -> str:
        """The period in the reader's language (2025年第四季度 / Q4 2025), or the work's name."""
        from .rules import period_from_code

        period = period_from_code(self.period)
        return period.label if period is not None else self.period_label

    @property
    def is_published(self) -> bool:
        return self.notice_id is not None


def content_file_path(instance: DisclosureContent, filename: str) -> str:
    return f"disclosures/{instance.item.community_id}/{instance.item_id}/{filename}"


class DisclosureContent(models.Model):
    """One line of a disclosure's required contents (004 第一篇 四.4), ticked or attached.

    The lines a kind requires are ``rules.required_contents``; ``code`` names one of them.
    A line's file is posted with the notice when the disclosure is published.
    """

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="contents")
    code = models.CharField(_("content"), max_length=40)
    ticked = models.BooleanField(_("covered in the text"), default=False)
    file = models.FileField(upload_to=content_file_path, max_length=255, blank=True)
    name = models.CharField(_("file name"), max_length=120, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("disclosure content")
        verbose_name_plural = _("disclosure contents")
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="disclosure_content_once"),
        ]

    def __str__(self) -> str:
        return self.code


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Agreed to publish")  # 同意公开
    RETURN = "return", _("Returned for changes")  # 退回修改


class DisclosureReview(models.Model):
    """村(居)务监督委员会 reviews a disclosure's contents before it is published.

    An approval holds for the contents as they stood (``revision``): changing a line
    afterwards needs a new review.
    """

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=8, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["item", "-reviewed_at", "-id"]
        verbose_name = _("disclosure review")
        verbose_name_plural = _("disclosure reviews")

    def __str__(self) -> str:
        return self.get_decision_display()


class FinanceCadence(models.TextChoices):
    """财务公开: at least every quarter; monthly where the community says so."""

    QUARTERLY = "quarterly", _("Every quarter")  # 每季度
    MONTHLY = "monthly", _("Every month")  # 每月


class DisclosureSettings(models.Model):
    """A community's choices for its 三务公开 that the seeds leave open (004 第一篇 四.4)."""

    community = models.OneToOneField(
        Place, on_delete=models.CASCADE, related_name="disclosure_settings",
        limit_choices_to={"kind": "community"}, verbose_name=_("community"),
    )
    finance_cadence = models.CharField(_("finances disclosed"), max_length=10,
                                       choices=FinanceCadence.choices,
                                       default=FinanceCadence.QUARTERLY)

    class Meta:
        verbose_name = _("disclosure settings")
        verbose_name_plural = _("disclosure settings")
        constraints = [
            models.CheckConstraint(condition=Q(finance_cadence__in=["quarterly", "monthly"]),
                                   name="disclosure_finance_at_least_quarterly"),
        ]

    def __str__(self) -> str:
        return str(self.community)


class LostWorkSubsidy(CommunityChained, models.Model):
    """误工补贴: paid to a person the residents' (villagers') committee entrusted with
    organising a consultation, and posted with the quarter's village (community) affairs
    disclosure for the residents to oversee (000 (四)(3))."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="lost_work_subsidies",
        verbose_name=_("community"),
    )
    payee = models.CharField(_("paid to"), max_length=50)
    purpose = models.CharField(_("consultation organised"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    # The village-affairs disclosure it was posted with; empty until then.
    disclosure = models.ForeignKey(
        DisclosureItem, null=True, blank=True, on_delete=models.PROTECT,
        related_name="subsidies", verbose_name=_("posted with"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["community", "paid_on", "id"]
        verbose_name = _("lost-work subsidy")
        verbose_name_plural = _("lost-work subsidies")
        indexes = [models.Index(fields=["community", "paid_on"], name="subsidy_community_paid_on")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payee} · {self.amount}"
