"""Opinions (民情) and joint proposals (联名提议)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.files import random_name
from yishi.core.models import CommunityChained
from yishi.core.taxonomy import Category
from yishi.places.models import Person, Place

from .rules import OPINION_STATES, PROPOSAL_STATES, RATINGS, OpinionState, ProposalState


class Subcategory(models.Model):
    """A community's own sub-category under one of the shared codes."""

    community = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="subcategories")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category", "name"], name="subcategory_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Opinion(CommunityChained, models.Model):
    """民情: a resident's opinion, registered with a number, handled and answered."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("community")
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("where")
    )
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("tracking number"), max_length=32)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("details"), max_length=2000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subcategory = models.ForeignKey(
        Subcategory, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("sub-category"),
    )
    raised_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("raised by")
    )
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="recorded_opinions",
        verbose_name=_("recorded by courier"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=list(OPINION_STATES.items()),
        default=OpinionState.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("registered at"))
    due_date = models.DateField(_("answer due"))
    due_provisional = models.BooleanField(default=False)
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)
    # The street's department it went to, when chosen from the street's list (转办部门);
    # ``referred_to`` keeps the name as it was then.
    referred_department = models.ForeignKey(
        "places.ReferralDepartment", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("referral department"),
    )
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, choices=list(RATINGS.items())
    )
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "seq"], name="opinion_number_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "state", "due_date"]),
            models.Index(fields=["raised_by", "submitted_at"]),
            # The dashboards read a year's opinions per community from this index alone:
            # counts, answer times, ratings and categories by month.
            models.Index(
                fields=["community", "year", "category", "submitted_at", "answered_at", "rating"],
                name="opinion_dashboard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from .rules import OPEN_OPINION_STATES

        return self.state in OPEN_OPINION_STATES


class OpinionStep(CommunityChained, models.Model):
    """One step of an opinion's handling, shown to the resident as its timeline."""

    audit_community = "opinion.community_id"  # its audit events: that community's chain

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        """What the step did, in words (已受理, 已答复 …): never the state's code."""
        if self.action == "register":
            return str(_("Registered"))
        return str(OPINION_STATES.get(self.to_state, _("Updated")))


def opinion_photo_path(instance: OpinionPhoto, filename: str) -> str:
    # A random name: nothing in it says whose home or which opinion (yishi.core.files).
    return random_name("opinions", filename)


class OpinionPhoto(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=opinion_photo_path)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class JointProposal(CommunityChained, models.Model):
    """联名提议: residents co-sign to force a topic onto the committee's agenda."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("community")
    )
    proposer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("proposer")
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("details"), max_length=2000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=list(PROPOSAL_STATES.items()),
        default=ProposalState.DRAFT,
    )
    created_at = models.DateTimeField(_("drafted at"), default=clock.now, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_on = models.DateField(_("signatures close on"), null=True, blank=True)
    reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    resident_signatures = models.PositiveIntegerField(default=0)
    representative_signatures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("joint proposal")
        verbose_name_plural = _("joint proposals")
        indexes = [models.Index(fields=["community", "state"])]

    def __str__(self) -> str:
        return self.title


class Signature(CommunityChained, models.Model):
    """One resident's signature; withdrawn signatures keep their row (and their history)."""

    audit_community = "proposal.community_id"  # its audit events: that community's chain

    proposal = models.ForeignKey(JointProposal, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signatures")
    is_representative = models.BooleanField(default=False)
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The register at the time of this signature, which the threshold was computed on.
    eligible_residents = models.PositiveIntegerField(default=0)
    representatives = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="signature_once_each"),
        ]
        indexes = [models.Index(fields=["proposal", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.proposal_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


