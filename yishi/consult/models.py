"""Consultation topics (议题); plans, meetings and outcomes build on them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yishi.core.taxonomy import Category
from yishi.places.models import Person, Place


class TopicSource(models.TextChoices):
    OPINION = "opinion", _("Resident opinion")  # 访民情问事
    COURIER = "courier", _("Opinion courier")  # 民情专递
    MEMBER = "member", _("Committee member")  # 委员会成员提事
    JOINT_PROPOSAL = "joint_proposal", _("Joint proposal")  # 联名提议
    ENTRUSTED = "entrusted", _("Entrusted by government")  # 政府或部门委托
    STATUTORY = "statutory", _("Required by law")  # 法律法规要求


class TopicState(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate awaiting screening")


class Topic(models.Model):
    """议题: a matter put to the consultation committee. 一事一档: one topic, one file."""

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
        _("state"), max_length=20, choices=TopicState.choices, default=TopicState.CANDIDATE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["community", "state"])]

    def __str__(self) -> str:
        return self.title
