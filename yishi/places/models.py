"""The place tree, households, residents, roles with terms, and the 7+X committee."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.crypto import blind_index
from yishi.core.fields import BlindIndexField, BlindIndexQuerySet, EncryptedCharField
from yishi.core.models import CommunityChained, community_chain

from .kinds import RoleKind  # defined apart so pure modules can name roles


class PlaceKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / township")
    COMMUNITY = "community", _("Community / village")
    GROUP = "group", _("Resident group")
    BUILDING = "building", _("Building")


# Which kind may sit under which: city → district → street → community → group → building.
CHILD_KIND = {
    PlaceKind.CITY: PlaceKind.DISTRICT,
    PlaceKind.DISTRICT: PlaceKind.STREET,
    PlaceKind.STREET: PlaceKind.COMMUNITY,
    PlaceKind.COMMUNITY: PlaceKind.GROUP,
    PlaceKind.GROUP: PlaceKind.BUILDING,
}


class Place(models.Model):
    """A node of the place tree. ``path`` ("/1/4/17/") makes a subtree one prefix query."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # 村 or 社区: villages count 村民, communities 居民; the wording follows it.
    is_village = models.BooleanField(_("village (村)"), default=False)
    code = models.CharField(_("code"), max_length=32, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="place_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Place.objects.filter(pk=self.pk).update(path=path)

    def is_within(self, other: Place) -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> models.QuerySet[Place]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Place.objects.filter(pk__in=ids).order_by("path")

    def subtree(self) -> models.QuerySet[Place]:
        return Place.objects.filter(path__startswith=self.path)

    @property
    def community(self) -> Place | None:
        """The community or village this place lies in (itself if it is one)."""
        if self.kind == PlaceKind.COMMUNITY:
            return self
        for place in self.ancestors():
            if place.kind == PlaceKind.COMMUNITY:
                return place
        return None

    @property
    def audit_chain(self) -> str:
        """A community's events about itself go to its own audit chain; a street's and the
        city's to the city's (yishi.core.audit)."""
        return community_chain(self.pk) if self.kind == PlaceKind.COMMUNITY else ""


class Residence(models.TextChoices):
    HOUSEHOLD = "household", _("Household-registered (户籍)")
    RESIDENT = "resident", _("Resident only (非户籍常住)")


class CommunitySettings(models.Model):
    """Choices the seeds leave open, per community, with the seeds' values as defaults."""

    community = models.OneToOneField(
        Place, on_delete=models.CASCADE, related_name="settings",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    opinion_answer_days = models.PositiveSmallIntegerField(
        _("working days to answer an opinion"), default=10
    )
    # 000 §(二)(1): 十分之一以上村(居)民 / 五分之一以上村(居)民代表
    resident_share_num = models.PositiveSmallIntegerField(default=1)
    resident_share_den = models.PositiveSmallIntegerField(default=10)
    representative_share_num = models.PositiveSmallIntegerField(default=1)
    representative_share_den = models.PositiveSmallIntegerField(default=5)
    voting_age = models.PositiveSmallIntegerField(_("voting age"), default=18)
    proposal_signing_days = models.PositiveSmallIntegerField(
        _("days a joint proposal stays open for signatures"), default=30
    )
    # 000 §(二)(1) counts 村(居)民, the registered villagers or residents; a community may
    # let its resident-only (非户籍常住) people count too. They take part in general matters
    # by default (000 §(二)(2): 根据本村(社区)户籍和非户籍常住人口的多少确定).
    resident_only_count = models.BooleanField(
        _("resident-only people count toward joint-proposal thresholds"), default=False)
    resident_only_general = models.BooleanField(
        _("resident-only people take part in general matters"), default=True)

    class Meta:
        verbose_name = _("community settings")
        verbose_name_plural = _("community settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(resident_share_den__gt=0) & Q(representative_share_den__gt=0),
                name="settings_share_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(resident_share_num__lte=models.F("resident_share_den"))
                & Q(representative_share_num__lte=models.F("representative_share_den")),
                name="settings_share_at_most_one",
            ),
        ]

    def __str__(self) -> str:
        return str(self.community)


class Household(CommunityChained, models.Model):
    """户: an address in a building or a resident group."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="households",
        limit_choices_to={"kind": PlaceKind.COMMUNITY}, verbose_name=_("community"),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("building or group")
    )
    number = models.CharField(_("household number"), max_length=64)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="household_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.number}"


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(CommunityChained, models.Model):
    """A registered resident or villager (居民/村民), or an official with an account.

    Phone and ID numbers live in ``PersonalData`` apart from this row (PIPL).
    """

    # Its audit events go to its community's chain (yishi.core.audit).
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    community = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="residents",
        verbose_name=_("community"),
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("household"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    registered_on = models.DateField(_("registered on"), default=date.today)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    # 户籍 or 非户籍常住 (000 §(二)(2), 001 §二(二)2): whether resident-only people count
    # toward the joint-proposal thresholds is the community's setting.
    residence = models.CharField(_("residence"), max_length=10, choices=Residence.choices,
                                 default=Residence.HOUSEHOLD)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["community", "birth_date"])]

    def __str__(self) -> str:
        return self.name

    def masked_name(self) -> str:
        """张* / 张*明, as a public notice shows a resident."""
        from yishi.core.masking import mask_name

        return mask_name(self.name)


class PersonalDataQuerySet(BlindIndexQuerySet["PersonalData"]):
    """Lookups by number go through the blind indexes: the columns hold SM4-GCM tokens."""

    def with_phone(self, phone: str) -> PersonalDataQuerySet:
        return self._indexed("phone_index", "phone", phone)

    def with_id_number(self, id_number: str) -> PersonalDataQuerySet:
        return self._indexed("id_number_index", "id_number", id_number)

    def with_id_numbers(self, id_numbers: Iterable[str]) -> PersonalDataQuerySet:
        indexes = {i for i in (blind_index("id_number", n) for n in id_numbers) if i}
        return self.filter(id_number_index__in=indexes)

    def _indexed(self, field: str, kind: str, value: str) -> PersonalDataQuerySet:
        index = blind_index(kind, value)
        # No number finds nobody (filtering on None would find everyone without one).
        return self.filter(**{field: index}) if index else self.none()


class PersonalData(models.Model):
    """Phone and ID numbers, stored apart, encrypted at rest, and masked everywhere public.

    The columns hold SM4-GCM tokens (``yishi.core.fields``, keyed by ``YISHI_DATA_KEY``);
    in Python they read as plaintext. Find someone by number with
    ``PersonalData.objects.with_phone(...)`` / ``with_id_number(...)``, or filter on
    ``phone_index`` / ``id_number_index`` with ``yishi.core.crypto.blind_index``.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="personal")
    phone = EncryptedCharField(_("mobile phone"), max_length=11, blank=True,
                               context="places.PersonalData.phone")
    phone_index = BlindIndexField(source="phone", kind="phone")
    id_number = EncryptedCharField(_("ID number"), max_length=18, null=True, blank=True,
                                   context="places.PersonalData.id_number")
    id_number_index = BlindIndexField(_("ID number"), source="id_number", kind="id_number")

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data")
        verbose_name_plural = _("personal data")
        indexes = [models.Index(fields=["phone_index"], name="personaldata_phone_index")]
        constraints = [
            # One person per ID number, however it was spelled (NULL: no ID number).
            models.UniqueConstraint(fields=["id_number_index"], name="personaldata_unique_id_number"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}"


# Roles that may see and act on non-public records of the place (and what lies beneath).
STAFF_ROLES = frozenset({
    RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY, RoleKind.SUPERVISOR,
    RoleKind.TOWNSHIP, RoleKind.CITY,
})


class RoleQuerySet(models.QuerySet["Role"]):
    def active(self, on: date | None = None) -> RoleQuerySet:
        on = on or clock.localdate()
        return self.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))


class Role(models.Model):
    """A role a person holds at a place for a term (start and end included)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    start = models.DateField(_("from"), default=date.today)
    end = models.DateField(_("until"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        indexes = [models.Index(fields=["place", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="role_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.place}"

    @property
    def audit_chain(self) -> str:
        """A role at a community is an event of that community's chain."""
        return self.place.audit_chain


class Seat(models.TextChoices):
    """The seven fixed seats of the 7+X committee (000 §(二)(2)), one person each."""

    PARTY = "party", _("Party organisation")  # 党组织代表
    COMMITTEE = "committee", _("Residents' committee")  # 村(居)民委员会代表
    SUPERVISORY = "supervisory", _("Supervisory committee")  # 村(居)务监督委员会代表
    RESIDENTS = "residents", _("Residents' representatives")  # 村(居)民代表
    WOMEN = "women", _("Women")  # 妇女代表
    ORGANISATIONS = "organisations", _("Social organisations")  # 社会组织代表
    RESPECTED = "respected", _("Respected persons")  # 有一定威望的同志


class CommitteeMembership(CommunityChained, models.Model):
    """协商委员会成员: one of the seven fixed seats, held for a term (000 §(二)(2)).

    The topic-bound X members (7+X) belong to their topic: ``consult.XMember``.
    """

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="committee",
        limit_choices_to={"kind": PlaceKind.COMMUNITY},
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_seats")
    seat = models.CharField(_("seat"), max_length=16, choices=Seat.choices)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        constraints = [
            # One person per fixed seat at a time.
            models.UniqueConstraint(
                fields=["community", "seat"],
                condition=~Q(seat="") & Q(ended_on__isnull=True),
                name="membership_one_person_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_seat_display()}"


# Departments a street commonly refers opinions to (转办部门): the generated city starts
# each street with these (the demo's street with the departments its opinions go to); the
# street's officials edit the list in the admin.
DEFAULT_REFERRAL_DEPARTMENTS = (
    "城管执法中队", "派出所", "市场监督管理所", "司法所", "社会事务办公室",
    "规划建设办公室", "供电所", "自来水公司",
)


class ReferralDepartmentQuerySet(models.QuerySet["ReferralDepartment"]):
    def offered_by(self, street: Place | None) -> ReferralDepartmentQuerySet:
        """The departments the street refers to, in its order (none without a street)."""
        if street is None:
            return self.none()
        return self.filter(street=street, active=True).order_by("order", "name")

    def add_defaults(self, streets: Iterable[Place], batch_size: int = 1000) -> int:
        """Start each street with ``DEFAULT_REFERRAL_DEPARTMENTS`` (the generated city sets
        its streets up with it); how many were written."""
        rows = [ReferralDepartment(street=s, name=name, order=i)
                for s in streets for i, name in enumerate(DEFAULT_REFERRAL_DEPARTMENTS, 1)]
        return len(self.bulk_create(rows, batch_size=batch_size))


class ReferralDepartment(models.Model):
    """转办部门: a department a street (街道/乡镇) refers its communities' opinions to.

    Each street keeps its own list; one no longer referred to is made inactive, never
    deleted, so the opinions referred to it keep it."""

    street = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="referral_departments",
        limit_choices_to={"kind": PlaceKind.STREET}, verbose_name=_("street / township"),
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = ReferralDepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["street", "order", "name"]
        verbose_name = _("referral department")
        verbose_name_plural = _("referral departments")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"],
                                    name="referral_department_unique_name_in_street"),
        ]

    def __str__(self) -> str:
        return self.name


def street_of(place: Place) -> Place | None:
    """The street or township a place lies in (itself if it is one); None above streets."""
    if place.kind == PlaceKind.STREET:
        return place
    if place.parent is not None and place.parent.kind == PlaceKind.STREET:
        return place.parent
    return next((p for p in place.ancestors() if p.kind == PlaceKind.STREET), None)


# --- Opinion couriers' appointments (002 一聘) --------------------------------------------


class CourierRecruitment(CommunityChained, models.Model):
    """民情专递员公开招聘: an open recruitment of opinion couriers by a community (002 一聘)."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="courier_recruitments",
        limit_choices_to={"kind": PlaceKind.COMMUNITY}, verbose_name=_("community"),
    )
    announced_on = models.DateField(_("announced on"))
    announced_where = models.CharField(_("announced where"), max_length=200)
    closes_on = models.DateField(_("applications close on"))

    class Meta:
        ordering = ["-announced_on", "-pk"]
        verbose_name = _("courier recruitment")
        verbose_name_plural = _("courier recruitments")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("announced_on")),
                                   name="recruitment_closes_after_announced"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.announced_on}"


class CourierAppointment(CommunityChained, models.Model):
    """民情专递员聘任: a one-year appointment (一年一聘) from an open recruitment, or the
    reappointment of the term before it (``previous``). It holds the courier ``Role`` of
    exactly its term, which the permissions read."""

    # Its audit events go to its community's chain (yishi.core.audit).
    community = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="courier_appointments",
        limit_choices_to={"kind": PlaceKind.COMMUNITY}, verbose_name=_("community"),
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="courier_appointments", verbose_name=_("courier"))
    recruitment = models.ForeignKey(CourierRecruitment, on_delete=models.PROTECT,
                                    related_name="appointments", verbose_name=_("recruitment"))
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_term", verbose_name=_("term renewed"))
    role = models.OneToOneField(Role, on_delete=models.PROTECT, related_name="courier_appointment")
    term_start = models.DateField(_("appointed from"))
    term_end = models.DateField(_("appointed until"))
    # 给予适当的工作补贴: yuan a month, blank when none is paid.
    subsidy = models.DecimalField(_("work subsidy (yuan a month)"), max_digits=8,
                                  decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["community", "person", "term_start"]
        verbose_name = _("courier appointment")
        verbose_name_plural = _("courier appointments")
        indexes = [models.Index(fields=["community", "term_end"],
                                name="courierappointment_term_end")]
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")),
                                   name="courier_term_end_after_start"),
            models.CheckConstraint(condition=Q(subsidy__isnull=True) | Q(subsidy__gte=0),
                                   name="courier_subsidy_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.term_start}–{self.term_end}"


class AssessmentResult(models.TextChoices):
    """考核等次 of the yearly assessment (一年一考核)."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 称职
    BASIC = "basic", _("Basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("Incompetent")  # 不称职


class CourierAssessment(CommunityChained, models.Model):
    """民情专递员年度考核: the yearly assessment of one term (002 一聘: 一年一考核)."""

    # Its audit events go to its appointment's community's chain (yishi.core.audit).
    audit_community = "appointment.community_id"

    appointment = models.OneToOneField(CourierAppointment, on_delete=models.PROTECT,
                                       related_name="assessment")
    assessed_on = models.DateField(_("assessed on"))
    result = models.CharField(_("assessment result"), max_length=12,
                              choices=AssessmentResult.choices)
    comment = models.TextField(_("assessment comment"), max_length=1000)
    assessed_by = models.CharField(_("assessing body"), max_length=100)

    class Meta:
        verbose_name = _("courier assessment")
        verbose_name_plural = _("courier assessments")

    def __str__(self) -> str:
        return f"{self.appointment} · {self.get_result_display()}"
