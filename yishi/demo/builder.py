"""The demo: 幸福社区 and 桃园村 under 和平街道, their people, committee, opinions and proposals.

``build()`` runs every step in one transaction, so a demo is either wholly there or not at
all; ``is_loaded()`` tells whether it is. The steps are separate functions over a shared
``Demo`` state (places, people, accounts, a timeline); the consultations at every stage,
their follow-up and the notice board are in ``consultations.py``
(``build_consultations``, ``build_followup``, ``build_notices``).

Everything that has a procedure goes through the apps' services with the actor who would
do it (a resident raises an opinion, the community worker acknowledges and answers it, the
resident rates it, residents co-sign a proposal one by one), so the audit chain, the
opinion timelines and the notifications are real. The back story spreads over the last
months: the services run on a ``Timeline`` in chronological order, each action with the
clock set to its moment, so every timestamp (the opinion's, its steps', the audit
event's) agrees and no row is edited afterwards.

People and places are bulk-inserted; they have no procedure. Random choices come from
one seeded generator, so every run builds the same demo (relative to today's date).
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yishi.consult.models import Meeting, Topic, XMember
from yishi.consult.rules import TOPIC_STATES
from yishi.core import audit, clock
from yishi.core import services as core_services
from yishi.core.models import Duty
from yishi.disclosure.models import Notice
from yishi.followup.models import ImplementationTask
from yishi.intake import selectors
from yishi.intake import services as intake
from yishi.intake.models import JointProposal, Opinion
from yishi.intake.rules import OpinionState, ProposalState, signatures_needed
from yishi.places import services as places_services
from yishi.places.models import (
    AssessmentResult,
    CommitteeMembership,
    CommunitySettings,
    Gender,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    ReferralDepartment,
    Role,
    RoleKind,
    Seat,
)
from yishi.places.rules import id_check_digit, term_end

from . import content

SEED = 2026
PASSWORD = "yishi2026"
CITY, DISTRICT, STREET = "示范市", "东湖区", "和平街道"
COMMUNITY, VILLAGE = "幸福社区", "桃园村"
KEYS = ("community", "village")  # the two communities of the demo, by role in the story
POOL_PREFIX = {"community": "xf", "village": "ty"}  # usernames of other residents: xf001…


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    who: str
    place: str


# The documented demo accounts, all with the password PASSWORD.
ACCOUNTS = [
    Account("resident", "王秀英", "居民，有民情和联名提议 / resident with opinions and proposals",
            COMMUNITY),
    Account("resident2", "张伟", "居民 / resident", COMMUNITY),
    Account("villager", "刘德明", "村民 / villager", VILLAGE),
    Account("courier", "赵丽华", "民情专递员 / opinion courier", COMMUNITY),
    Account("staff", "孙婷", "社区工作者 / community worker", COMMUNITY),
    Account("village_staff", "陈志强", "村委会工作人员 / village worker", VILLAGE),
    Account("chair", "周建华", "协商委员会主任 / committee chair", COMMUNITY),
    Account("village_chair", "李国庆", "协商委员会主任 / committee chair", VILLAGE),
    Account("party", "吴海燕", "社区党委书记 / party secretary", COMMUNITY),
    Account("supervisor", "郑国平", "居务监督委员会主任 / supervisory committee", COMMUNITY),
    Account("township", "黄文斌", "街道民政办干部 / street official", STREET),
    Account("city", "林雪梅", "市民政局基层政权科 / civil-affairs bureau", CITY),
    Account("dept", "马志远", "区住建局干部，答复委托议题 / housing bureau official", content.BUREAU),
    # 三员分立: the three administrators of the Django admin, each with a second factor set
    # up at the first sign-in (an authenticator app), and the superuser kept for installing.
    Account("sysadmin", "", "系统管理员 / system administrator (admin, 2FA)", "—"),
    Account("secadmin", "", "安全管理员 / security administrator (admin, 2FA)", "—"),
    Account("auditor", "", "审计管理员 / audit administrator (admin, 2FA)", "—"),
    Account("admin", "", "超级用户，仅用于安装 / superuser, for installation only", "—"),
]
# The administrators' accounts and their duties (yishi.portal.duties).
ADMINISTRATORS = {"sysadmin": Duty.SYSTEM, "secadmin": Duty.SECURITY, "auditor": Duty.AUDIT}

# Residents behind the accounts: (community key, gender, age range, building or group hint).
NAMED_RESIDENTS: dict[str, tuple[str, str, tuple[int, int], str]] = {
    "resident": ("community", Gender.FEMALE, (58, 68), "3栋"),
    "resident2": ("community", Gender.MALE, (32, 42), ""),
    "courier": ("community", Gender.FEMALE, (42, 56), ""),
    "chair": ("community", Gender.MALE, (50, 60), ""),
    "party": ("community", Gender.FEMALE, (42, 54), ""),
    "supervisor": ("community", Gender.MALE, (56, 66), ""),
    "villager": ("village", Gender.MALE, (48, 60), ""),
    "village_staff": ("village", Gender.MALE, (34, 48), ""),
    "village_chair": ("village", Gender.MALE, (50, 62), ""),
}
# Officials who do not live in either community: (gender, age, role kind, place key).
NAMED_OFFICIALS: dict[str, tuple[str, int, str, str]] = {
    "staff": (Gender.FEMALE, 29, RoleKind.STAFF, "community"),
    "township": (Gender.MALE, 46, RoleKind.TOWNSHIP, "street"),
    "city": (Gender.FEMALE, 42, RoleKind.CITY, "city"),
    "dept": (Gender.MALE, 39, RoleKind.DEPARTMENT, "bureau"),
}


# --- The timeline: services run in chronological order, each at its own moment ----------


class Timeline:
    """Actions to run at moments in the past, in order, each under ``clock.at`` its moment."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._events: list[tuple[datetime, int, Callable[[], Any]]] = []

    def at(self, when: datetime, action: Callable[[], Any]) -> None:
        # Never in the future; min() keeps a later action after an earlier one.
        when = min(when, self.now - timedelta(minutes=1))
        self._events.append((when, len(self._events), action))

    def run(self) -> int:
        events = sorted(self._events, key=lambda e: (e[0], e[1]))
        self._events = []
        for when, _seq, action in events:
            # Every service, record and audit event reads the moment from the clock.
            with clock.at(when), audit.user_action():
                action()
        return len(events)


@dataclass
class Demo:
    now: datetime
    today: date
    rng: random.Random
    timeline: Timeline
    term_start: date
    places: dict[str, Place] = field(default_factory=dict)
    groups: dict[str, list[Place]] = field(default_factory=dict)
    residents: dict[str, list[Person]] = field(default_factory=dict)
    named: dict[str, Person] = field(default_factory=dict)  # username → person
    reps: dict[str, list[Person]] = field(default_factory=dict)
    committee: dict[str, list[Person]] = field(default_factory=dict)
    couriers: dict[str, list[Person]] = field(default_factory=dict)
    pool: dict[str, list[Person]] = field(default_factory=dict)  # residents with accounts
    departments: dict[str, ReferralDepartment] = field(default_factory=dict)  # by name
    users: dict[int, Any] = field(default_factory=dict)  # person id → user
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → story → records
    notes: list[str] = field(default_factory=list)

    def user(self, person: Person) -> Any:
        return self.users[person.pk]

    def local(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        day = self.today - timedelta(days=days_ago)
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def daytime(self, t: datetime, start: int = 8, end: int = 18) -> datetime:
        """``t``, or the next moment inside the hours people do such things (never earlier)."""
        local = timezone.localtime(t)
        if start <= local.hour < end:
            return local
        day = local.date() if local.hour < start else local.date() + timedelta(days=1)
        # Spread over the first hours of the day rather than all at opening time.
        at = time(start + self.rng.randint(0, 2), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, at))

    def age(self, person: Person) -> int:
        assert person.birth_date is not None
        b, t = person.birth_date, self.today
        return t.year - b.year - ((t.month, t.day) < (b.month, b.day))


def committee_term_start(today: date) -> date:
    """The 1 March the standing committee's current 3-year term began (about 2 years ago)."""
    return date(today.year - 2, 3, 1) if today >= date(today.year, 3, 1) else date(today.year - 3, 3, 1)


def is_loaded() -> bool:
    return Place.objects.filter(
        name=COMMUNITY, parent__name=STREET, parent__parent__name=DISTRICT,
        parent__parent__parent__name=CITY,
    ).exists()


def build(*, now: datetime | None = None) -> list[str]:
    """Build the whole demo in one transaction; returns a summary, line by line."""
    now = now or clock.now()
    today = timezone.localdate(now)
    demo = Demo(now=now, today=today, rng=random.Random(SEED), timeline=Timeline(now),
                 term_start=committee_term_start(today))
    from .consultations import build_consultations, build_followup, build_notices

    with transaction.atomic():
        build_places(demo)
        build_people(demo)
        build_roles(demo)
        build_committee(demo)
        build_accounts(demo)
        build_couriers(demo)
        build_opinions(demo)
        build_proposals(demo)
        build_consultations(demo)
        build_followup(demo)
        build_notices(demo)
        demo.timeline.run()
        # 会议日历 (issue 14, item 4): the demo's meetings are all of the last weeks, so the
        # earlier quarters' 民主议事会 were missed; flag them as the morning sweep would.
        from yishi.ledger.sweeps import cadence_reminders

        demo.notes.append(f"会议日历 calendar: {cadence_reminders(demo.today)} "
                          "reminders and missed-meeting flags sent")
    return summary(demo)


# --- Places ------------------------------------------------------------------------------


def _place(name: str, kind: str, parent: Place | None, **extra: Any) -> Place:
    place = Place(name=name, kind=kind, parent=parent, **extra)
    place.save()  # save() computes the tree path
    return place


def build_places(demo: Demo) -> None:
    city = _place(CITY, PlaceKind.CITY, None)
    district = _place(DISTRICT, PlaceKind.DISTRICT, city)
    street = _place(STREET, PlaceKind.STREET, district)
    # 转办部门: the departments the demo's opinions are referred to, as the street's list.
    names = sorted({o.department for o in content.COMMUNITY_OPINIONS + content.VILLAGE_OPINIONS
                    if o.department})
    demo.departments = {name: ReferralDepartment.objects.create(street=street, name=name, order=i)
                        for i, name in enumerate(names, 1)}
    community = _place(COMMUNITY, PlaceKind.COMMUNITY, street)
    village = _place(VILLAGE, PlaceKind.COMMUNITY, street, is_village=True)
    # The district's housing bureau, which entrusts topics and answers them: a government
    # body registered as a place, as the follow-up app expects.
    bureau = _place(content.BUREAU, PlaceKind.DISTRICT, city)
    demo.places.update(city=city, district=district, street=street, community=community,
                       village=village, bureau=bureau)
    for c in (community, village):
        CommunitySettings.objects.create(community=c)
    # 幸福社区: two resident groups of seven buildings each.
    demo.groups["community"] = [
        _place("第一居民小组", PlaceKind.GROUP, community),
        _place("第二居民小组", PlaceKind.GROUP, community),
    ]
    for i in range(1, 15):
        _place(f"{i}栋", PlaceKind.BUILDING, demo.groups["community"][(i - 1) // 7])
    # 桃园村: six villagers' groups; the sixth has the two blocks of the resettlement estate.
    demo.groups["village"] = [
        _place(f"第{n}村民小组", PlaceKind.GROUP, village) for n in "一二三四五六"
    ]
    for n in (1, 2):
        _place(f"安置小区{n}栋", PlaceKind.BUILDING, demo.groups["village"][5])


# --- People ------------------------------------------------------------------------------


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


def _given(rng: random.Random, birth_year: int, gender: str) -> str:
    for before, male, female in content.GIVEN_NAMES:
        if birth_year < before:
            return rng.choice(male if gender == Gender.MALE else female)
    raise AssertionError("unreachable")


@dataclass
class Member:
    surname: str
    given: str
    gender: str
    birth: date
    rel: str  # husband, wife, parent, child, grandfather, grandmother
    username: str = ""

    @property
    def name(self) -> str:
        return self.surname + self.given


FAMILY_KINDS = {
    # kind: (community weight, village weight)
    "old_couple": (18, 22),
    "young_couple": (10, 5),
    "single_parent": (4, 3),
    "couple_child": (24, 15),
    "couple_grandparent": (10, 10),
    "grandparents_child": (4, 12),  # 留守: grandparents raising a grandchild
    "couple_two_children": (16, 15),
    "three_generations": (14, 18),
}


class People:
    """Makes families with plausible names, ages, ID and phone numbers (all unique)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def birth(self, age: int) -> date:
        days = age * 365 + age // 4 + self.rng.randint(20 if age == 0 else 1, 360)
        return self.today - timedelta(days=days)

    def member(self, surname: str, gender: str, age: int, rel: str) -> Member:
        birth = self.birth(max(0, min(age, 96)))
        return Member(surname, _given(self.rng, birth.year, gender), gender, birth, rel)

    def family(self, surnames: list[tuple[str, int]], village: bool) -> list[Member]:
        rng = self.rng
        kinds = list(FAMILY_KINDS)
        kind = rng.choices(kinds, [FAMILY_KINDS[k][1 if village else 0] for k in kinds])[0]
        surname = _weighted(rng, surnames)

        def wife_of(husband_age: int, rel: str = "wife") -> Member:
            return self.member(_weighted(rng, surnames), Gender.FEMALE,
                               max(20, husband_age - rng.randint(-1, 5)), rel)

        def children(n: int, mother_age: int) -> list[Member]:
            oldest = max(0, min(26, mother_age - 22))
            ages = sorted(rng.sample(range(0, oldest + 1), k=min(n, oldest + 1)), reverse=True)
            kids = [self.member(surname, rng.choice([Gender.MALE, Gender.FEMALE]), a, "child")
                    for a in ages]
            if len(kids) == 2 and kids[0].given == kids[1].given:
                kids[1].given = _given(rng, kids[1].birth.year, kids[1].gender)
            return kids

        def grandparent(father_age: int) -> Member:
            age = father_age + rng.randint(24, 32)
            if rng.random() < 0.45:
                return self.member(surname, Gender.MALE, age, "grandfather")
            return self.member(_weighted(rng, surnames), Gender.FEMALE, age, "grandmother")

        if kind == "old_couple":
            h = rng.randint(62, 86)
            return [self.member(surname, Gender.MALE, h, "husband"), wife_of(h)]
        if kind == "young_couple":
            h = rng.randint(25, 38)
            return [self.member(surname, Gender.MALE, h, "husband"), wife_of(h)]
        if kind == "single_parent":
            gender = rng.choice([Gender.MALE, Gender.FEMALE])
            p_age = rng.randint(32, 52)
            parent = self.member(surname, gender, p_age, "parent")
            return [parent, *children(1, p_age)]
        if kind == "grandparents_child":
            h = rng.randint(56, 76)
            kid = self.member(surname, rng.choice([Gender.MALE, Gender.FEMALE]),
                              rng.randint(3, 15), "child")
            return [self.member(surname, Gender.MALE, h, "husband"), wife_of(h), kid]
        h = rng.randint(27, 52)
        husband, wife = self.member(surname, Gender.MALE, h, "husband"), wife_of(h)
        mother_age = self.today.year - wife.birth.year
        if kind == "couple_child":
            return [husband, wife, *children(1, mother_age)]
        if kind == "couple_grandparent":
            return [husband, wife, grandparent(h)]
        if kind == "couple_two_children":
            return [husband, wife, *children(2, mother_age)]
        return [husband, wife, *children(1, mother_age), grandparent(h)]

    def id_number(self, birth: date, gender: str, region: str) -> str:
        while True:
            parity = self.rng.choice("13579" if gender == Gender.MALE else "02468")
            first17 = f"{region}{birth:%Y%m%d}{self.rng.randint(0, 99):02d}{parity}"
            number = first17 + id_check_digit(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(content.MOBILE_PREFIXES) + f"{self.rng.randint(0, 10**8 - 1):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def region(self, local: str) -> str:
        return local if self.rng.random() < 0.8 else self.rng.choice(content.OTHER_REGIONS)


def _community_addresses(demo: Demo) -> list[tuple[Place, str]]:
    """(building, number) of every occupied flat of 幸福社区: 3 units, 2 flats a floor."""
    rng = demo.rng
    buildings = Place.objects.filter(parent__in=demo.groups["community"]).order_by("pk")
    addresses = []
    for b in buildings:
        floors = 7 if b.name in ("3栋", "5栋", "6栋") else 6
        for unit in (1, 2, 3):
            for floor in range(1, floors + 1):
                for flat in (1, 2):
                    if rng.random() < 0.88:  # about one flat in eight stands empty or is let
                        addresses.append((b, f"{b.name}{unit}单元{floor}{flat:02d}"))
    return addresses


def _village_addresses(demo: Demo) -> list[tuple[Place, str]]:
    rng = demo.rng
    addresses = []
    groups = demo.groups["village"]
    for n, group in zip("一二三四五六", groups, strict=True):
        count = rng.randint(52, 63)
        addresses += [(group, f"{n}组{i}号") for i in range(1, count + 1)]
    for b in Place.objects.filter(parent=groups[5]).order_by("pk"):
        for unit in (1, 2):
            for floor in (1, 2, 3):
                for flat in (1, 2):
                    addresses.append((b, f"{b.name}{unit}单元{floor}{flat:02d}"))
    return addresses


def _rename(members: list[Member], m: Member, name: str) -> None:
    """Give a member a fixed name; a husband's children and father take his surname."""
    old = m.surname
    surname, given = (name[:2], name[2:]) if name[:2] in ("欧阳", "司马") else (name[0], name[1:])
    m.surname, m.given = surname, given
    if m.gender == Gender.MALE:
        for other in members:
            if other is not m and other.surname == old and other.rel in ("child", "grandfather"):
                other.surname = surname


def build_people(demo: Demo) -> None:
    maker = People(demo.rng, demo.today)
    names = {a.username: a.name for a in ACCOUNTS}
    for key in KEYS:
        community = demo.places[key]
        village = key == "village"
        addresses = _village_addresses(demo) if village else _community_addresses(demo)
        surnames = content.VILLAGE_SURNAMES if village else content.SURNAMES
        families = [(place, number, maker.family(surnames, village)) for place, number in addresses]
        # The named residents move into fitting households.
        for username, (k, gender, (lo, hi), hint) in NAMED_RESIDENTS.items():
            if k != key:
                continue
            for place, _number, members in families:
                if hint and place.name != hint:
                    continue
                fit = [m for m in members if m.gender == gender and not m.username
                       and m.rel in ("husband", "wife", "parent")
                       and lo <= demo.today.year - m.birth.year <= hi]
                if fit and not any(m.username for m in members):
                    fit[0].username = username
                    _rename(members, fit[0], names[username])
                    break
            else:
                raise AssertionError(f"no household fits {username}")
        households = Household.objects.bulk_create(
            [Household(community=community, place=place, number=number)
             for place, number, _m in families], batch_size=500,
        )
        people: list[Person] = []
        usernames: list[str] = []
        for household, (_p, _n, members) in zip(households, families, strict=True):
            moved_in = demo.today - timedelta(days=demo.rng.randint(400, 9000))
            for m in members:
                people.append(Person(
                    name=m.name, gender=m.gender, birth_date=m.birth, community=community,
                    household=household, registered_on=max(m.birth, moved_in),
                ))
                usernames.append(m.username)
        Person.objects.bulk_create(people, batch_size=500)
        local = content.LOCAL_REGION[key]
        personal = []
        for p in people:
            assert p.birth_date is not None
            age = demo.age(p)
            has_phone = age >= 16 or (age >= 14 and demo.rng.random() < 0.5)
            if age >= 80 and demo.rng.random() < 0.4:
                has_phone = False  # some of the very old have no mobile of their own
            personal.append(PersonalData(
                person=p, phone=maker.phone() if has_phone else "",
                id_number=maker.id_number(p.birth_date, p.gender, maker.region(local)),
            ))
        PersonalData.objects.bulk_create(personal, batch_size=500)
        demo.residents[key] = people
        demo.named.update({u: p for u, p in zip(usernames, people, strict=True) if u})
    # Officials who live elsewhere.
    for username, (gender, age, _kind, _place) in NAMED_OFFICIALS.items():
        birth = maker.birth(age)
        person = Person.objects.create(name=names[username], gender=gender, birth_date=birth,
                                       registered_on=demo.term_start)
        PersonalData.objects.create(person=person, phone=maker.phone(),
                                    id_number=maker.id_number(birth, gender, "420106"))
        demo.named[username] = person


# --- Roles and the committee -------------------------------------------------------------


def _adults(demo: Demo, key: str, lo: int, hi: int, *, gender: str = "",
            exclude: set[int] | None = None) -> list[Person]:
    exclude = exclude or set()
    named = {p.pk for p in demo.named.values()}
    return [p for p in demo.residents[key]
            if lo <= demo.age(p) <= hi and p.pk not in exclude and p.pk not in named
            and (not gender or p.gender == gender)]


def build_roles(demo: Demo) -> None:
    rng = demo.rng
    start = demo.term_start
    roles: list[Role] = []
    for key in KEYS:
        community = demo.places[key]
        # Representatives: about one for every twelve households, elected group by group.
        reps: list[Person] = []
        by_group: dict[int, list[Person]] = {}
        groups = {g.pk: g for g in demo.groups[key]}
        place_group = {p.pk: p.parent_id for p in Place.objects.filter(parent__in=groups.values())}
        households = {h.pk: h for h in Household.objects.filter(community=community)}
        for p in _adults(demo, key, 30, 70):
            assert p.household_id is not None
            h = households[p.household_id]
            group_id = h.place_id if h.place_id in groups else place_group[h.place_id]
            assert group_id is not None
            by_group.setdefault(group_id, []).append(p)
        for group_id, candidates in sorted(by_group.items()):
            n_households = len({p.household_id for p in demo.residents[key]
                                if p.household_id is not None
                                and (households[p.household_id].place_id == group_id
                                     or place_group.get(households[p.household_id].place_id)
                                     == group_id)})
            seen: set[int | None] = set()
            chosen = []
            for p in rng.sample(candidates, len(candidates)):
                if p.household_id not in seen:
                    seen.add(p.household_id)
                    chosen.append(p)
                if len(chosen) >= round(n_households / 12):
                    break
            reps += chosen
            roles += [Role(person=p, place=groups[group_id], kind=RoleKind.REPRESENTATIVE,
                           start=start) for p in chosen]
        demo.reps[key] = reps
        # Opinion couriers: chosen here, appointed by build_couriers (their roles come from
        # their appointments).
        couriers = [demo.named["courier"]] if key == "community" else []
        rep_ids = {p.pk for p in reps}
        couriers += rng.sample(_adults(demo, key, 35, 65, exclude=rep_ids), 2 - len(couriers))
        demo.couriers[key] = couriers
    # Community workers, the street and the city.
    for username, (_g, _a, kind, place_key) in NAMED_OFFICIALS.items():
        roles.append(Role(person=demo.named[username], place=demo.places[place_key], kind=kind,
                          start=start))
    roles.append(Role(person=demo.named["village_staff"], place=demo.places["village"],
                      kind=RoleKind.STAFF, start=start))
    Role.objects.bulk_create(roles)


def courier_term_start(today: date) -> date:
    """The first of the month the couriers' current one-year term began (some months ago)."""
    return (today - timedelta(days=200)).replace(day=1)


# Where each community announced its recruitment of couriers (公开招聘).
COURIER_NOTICE = {"community": "社区公示栏、社区微信公众号", "village": "村务公开栏、村民微信群"}
COURIER_SUBSIDY = Decimal("300.00")  # 适当的工作补贴: yuan a month


def build_couriers(demo: Demo) -> None:
    """民情专递员 (002 一聘): last year each community recruited its couriers openly and
    appointed them for a year; the party committee assessed them at the end of that year
    (一年一考核) and the community reappointed them for the current one (一年一聘)."""
    tl = demo.timeline
    start = courier_term_start(demo.today)
    first = start.replace(year=start.year - 1)  # the 1st of a month: every year has it
    announced, closes = first - timedelta(days=45), first - timedelta(days=25)
    staff = {"community": demo.named["staff"], "village": demo.named["village_staff"]}
    assessors = {"community": "幸福社区党委", "village": "桃园村党支部"}

    def at(day: date, hour: int) -> datetime:
        return demo.local((demo.today - day).days, hour, 30)

    for key in KEYS:
        actor = demo.user(staff[key])
        box: dict[Any, Any] = {}

        def recruit(_key: str = key, _actor: Any = actor, _box: dict[Any, Any] = box) -> None:
            _box["recruitment"] = places_services.record_recruitment(
                actor=_actor, community=demo.places[_key], announced_on=announced,
                announced_where=COURIER_NOTICE[_key], closes_on=closes)

        tl.at(at(announced, 10), recruit)
        for person in demo.couriers[key]:
            named = person.pk == demo.named["courier"].pk
            result = AssessmentResult.EXCELLENT if named else AssessmentResult.COMPETENT
            comment = ("全年入户走访一百余户，为不用手机的老人代为反映民情十余件，件件有登记、"
                       "有回音。" if named else "按时走访所联系的楼栋，民情登记及时、规范。")

            def appoint(_p: Person = person, _actor: Any = actor,
                        _box: dict[Any, Any] = box) -> None:
                _box[_p.pk] = places_services.appoint_courier(
                    actor=_actor, recruitment=_box["recruitment"], person=_p, term_start=first,
                    subsidy=COURIER_SUBSIDY)

            def assess(_p: Person = person, _actor: Any = actor, _box: dict[Any, Any] = box,
                       _result: str = result, _comment: str = comment,
                       _by: str = assessors[key]) -> None:
                places_services.assess_courier(
                    actor=_actor, appointment=_box[_p.pk], assessed_on=clock.localdate(),
                    result=_result, comment=_comment, assessed_by=_by)

            def reappoint(_p: Person = person, _actor: Any = actor,
                          _box: dict[Any, Any] = box) -> None:
                places_services.reappoint_courier(actor=_actor, appointment=_box[_p.pk],
                                                  subsidy=COURIER_SUBSIDY)

            tl.at(at(closes + timedelta(days=7), 15), appoint)
            tl.at(at(start - timedelta(days=12), 9), assess)
            tl.at(at(start - timedelta(days=5), 11), reappoint)


def build_committee(demo: Demo) -> None:
    """The 7+X committee: the seven standing seats of both communities, one person each."""
    rng = demo.rng
    start, end = demo.term_start, term_end(demo.term_start)
    memberships: list[CommitteeMembership] = []
    roles: list[Role] = []
    for key in KEYS:
        community = demo.places[key]
        taken = {p.pk for p in demo.reps[key]} | {p.pk for p in demo.couriers[key]}

        def pick(lo: int, hi: int, gender: str = "", _taken: set[int] = taken, _key: str = key
                 ) -> Person:
            person = rng.choice(_adults(demo, _key, lo, hi, gender=gender, exclude=_taken))
            _taken.add(person.pk)
            return person

        if key == "community":
            party, chair, supervisor = (demo.named["party"], demo.named["chair"],
                                        demo.named["supervisor"])
        else:
            party, chair, supervisor = pick(45, 58), demo.named["village_chair"], pick(55, 68)
        seats = {
            Seat.PARTY: party,  # 党组织书记
            Seat.COMMITTEE: chair,  # 村(居)委会主任, who chairs the consultation committee
            Seat.SUPERVISORY: supervisor,
            Seat.RESIDENTS: rng.choice(demo.reps[key]),
            Seat.WOMEN: pick(35, 58, Gender.FEMALE),  # 妇联主席
            Seat.ORGANISATIONS: pick(38, 62),  # 志愿者协会 / 农民专业合作社
            Seat.RESPECTED: pick(65, 78),  # 退休教师、老党员
        }
        memberships += [CommitteeMembership(community=community, person=p, seat=seat,
                                            term_start=start, term_end=end)
                        for seat, p in seats.items()]
        roles += [Role(person=party, place=community, kind=RoleKind.PARTY, start=start),
                  Role(person=chair, place=community, kind=RoleKind.CHAIR, start=start),
                  Role(person=supervisor, place=community, kind=RoleKind.SUPERVISOR, start=start)]
        demo.committee[key] = list(seats.values())
    CommitteeMembership.objects.bulk_create(memberships)
    Role.objects.bulk_create(roles)
    # 桃园村's social-organisations member moved to the county town last week: the seat is
    # vacant until the next appointment, and the board says the committee is incomplete.
    CommitteeMembership.objects.filter(community=demo.places["village"],
                                       seat=Seat.ORGANISATIONS).update(
        ended_on=demo.today - timedelta(days=6))


# --- Accounts ----------------------------------------------------------------------------


def _needed(demo: Demo, key: str) -> tuple[int, int]:
    """Signatures the threshold needs now: (residents, representatives)."""
    community = demo.places[key]
    cfg = CommunitySettings.objects.get(community=community)
    eligible = selectors.eligible_residents(community, demo.today, cfg.voting_age)
    reps = len(selectors.representative_ids(community, demo.today))
    res = signatures_needed(eligible, Fraction(cfg.resident_share_num, cfg.resident_share_den))
    rep = signatures_needed(reps, Fraction(cfg.representative_share_num,
                                           cfg.representative_share_den))
    assert res is not None and rep is not None
    return res, rep


def build_accounts(demo: Demo) -> None:
    """The documented accounts, and accounts for enough residents to sign the proposals.

    One password hash is computed once and shared, so hundreds of accounts cost one hash.
    """
    User = get_user_model()
    hashed = make_password(PASSWORD)
    existing = set(User.objects.filter(username__in=[a.username for a in ACCOUNTS])
                   .values_list("username", flat=True))
    clash = existing - {"admin"}
    if clash:
        raise RuntimeError(f"these usernames are taken already: {', '.join(sorted(clash))}")
    pairs: list[tuple[Any, Person | None]] = []
    for a in ACCOUNTS:
        if a.username == "admin":
            if "admin" in existing:
                demo.notes.append("admin 已存在，未修改其密码 / admin existed: password unchanged")
            else:
                pairs.append((User(username="admin", password=hashed, is_staff=True,
                                   is_superuser=True), None))
            continue
        if a.username in ADMINISTRATORS:
            pairs.append((User(username=a.username, password=hashed), None))
            continue
        person = demo.named[a.username]
        pairs.append((User(username=a.username, password=hashed, first_name=person.name), person))
    # Other residents with accounts: representatives, committee members, couriers, and
    # enough adults to carry a proposal past its threshold.
    named = {p.pk for p in demo.named.values()}
    for key in KEYS:
        needed, _rep = _needed(demo, key)
        chosen = {p.pk: p for p in [*demo.reps[key], *demo.committee[key], *demo.couriers[key]]
                  if p.pk not in named}
        others = _adults(demo, key, 22, 78, exclude=set(chosen))
        extra = needed + 20 if key == "community" else 40
        for p in demo.rng.sample(others, extra):
            chosen[p.pk] = p
        pool = sorted(chosen.values(), key=lambda p: p.pk)
        for i, person in enumerate(pool, start=1):
            pairs.append((User(username=f"{POOL_PREFIX[key]}{i:03d}", password=hashed,
                               first_name=person.name), person))
        demo.pool[key] = pool
    users = User.objects.bulk_create([u for u, _p in pairs], batch_size=500)
    for user in users:
        if user.username in ADMINISTRATORS:
            core_services.grant_duty(actor=core_services.INSTALLER, user=user,
                                     duty=ADMINISTRATORS[user.username])
    people = []
    for user, (_u, holder) in zip(users, pairs, strict=True):
        if holder is not None:
            holder.user = user
            people.append(holder)
    Person.objects.bulk_update(people, ["user"], batch_size=500)
    # Fresh rows, so that ``user.person`` resolves inside the services.
    for user in User.objects.filter(pk__in=[u.pk for u in users]).select_related("person"):
        held: Person | None = getattr(user, "person", None)
        if held is not None:
            demo.users[held.pk] = user


# --- Opinions ----------------------------------------------------------------------------

# How many opinions of each community end in each state.
OPINION_PLAN = {
    "community": {"rated": 9, "answered": 6, "topic": 3, "referred": 4, "acknowledged": 3,
                  "submitted": 3},
    "village": {"rated": 7, "answered": 5, "topic": 3, "referred": 3, "acknowledged": 3,
                "submitted": 3},
}
OPEN = (OpinionState.SUBMITTED, OpinionState.ACKNOWLEDGED, OpinionState.REFERRED,
        OpinionState.TOPIC)


@dataclass
class OpinionPlan:
    text: content.OpinionText
    state: str
    path: str = "direct"  # how an answered opinion got there: direct, referred, topic
    raiser: Person | None = None
    courier: Person | None = None
    days_ago: int = 0


def _plan_opinions(demo: Demo, key: str) -> list[OpinionPlan]:
    rng = demo.rng
    texts = list(content.COMMUNITY_OPINIONS if key == "community" else content.VILLAGE_OPINIONS)
    rng.shuffle(texts)
    counts = dict(OPINION_PLAN[key])
    assert sum(counts.values()) == len(texts)
    plans: list[OpinionPlan] = []
    # Referred opinions need a department to be referred to.
    for t in [t for t in texts if t.department][: counts.pop("referred")]:
        plans.append(OpinionPlan(t, OpinionState.REFERRED, path="referred"))
        texts.remove(t)
    states = [s for s, n in counts.items() for _ in range(n)]
    for t, state in zip(texts, states, strict=True):
        plan = OpinionPlan(t, state)
        if state == OpinionState.TOPIC:
            plan.path = "topic"
        elif state in (OpinionState.ANSWERED, OpinionState.RATED):
            roll = rng.random()
            if t.department and roll < 0.45:
                plan.path = "referred"
            elif roll > 0.85:
                plan.path = "topic"
        plans.append(plan)
    # When: open ones half overdue (raised weeks ago, still open), half fresh.
    overdue_turn = 0
    for plan in plans:
        if plan.state in OPEN:
            overdue_turn += 1
            if overdue_turn % 2:
                plan.days_ago = rng.randint(22, 40)
            else:
                plan.days_ago = rng.randint(0, 2) if plan.state == "submitted" else rng.randint(3, 7)
        else:
            plan.days_ago = rng.randint(24, 110)
    # Who: the demo residents get a matter in several states; couriers record opinions
    # for old people without a phone; other residents with accounts raise the rest.
    first = {"community": "resident", "village": "villager"}[key]
    mine = {"community": {first: ["submitted", "answered", "rated", "referred", "topic"],
                          "resident2": ["acknowledged", "rated"]},
            "village": {first: ["submitted", "answered", "rated", "acknowledged"]}}[key]
    for username, states_wanted in mine.items():
        for state in states_wanted:
            plan = next(p for p in plans if p.state == state and p.raiser is None)
            plan.raiser = demo.named[username]
            if username == first and state == "answered":
                plan.days_ago, plan.path = 6, "direct"  # answered lately: rate it in the browser
            if username == first and state == "submitted":
                plan.days_ago = 1
    elders = [p for p in demo.residents[key] if demo.age(p) >= 68 and p.user_id is None]
    unassigned = [p for p in plans if p.raiser is None]
    for plan in [p for p in unassigned if p.state != OpinionState.RATED][:3 if key == "community"
                                                                       else 5]:
        plan.raiser = rng.choice(elders)
        plan.courier = rng.choice(demo.couriers[key])
    residents = [p for p in demo.pool[key] if demo.age(p) >= 20]
    for plan in plans:
        if plan.raiser is None:
            plan.raiser = rng.choice(residents)
    return plans


def _schedule_opinion(demo: Demo, key: str, plan: OpinionPlan, staff: Any) -> None:
    rng, tl = demo.rng, demo.timeline
    community = demo.places[key]
    raiser = plan.raiser
    assert raiser is not None and raiser.household is not None
    place_here = plan.text.category in ("property", "dispute", "utilities", "safety")
    place = raiser.household.place if place_here else community
    box: dict[str, Opinion] = {}

    def raise_() -> None:
        if plan.courier is not None:
            box["o"] = intake.raise_opinion(
                actor=demo.user(plan.courier), community=community, place=place,
                title=plan.text.title, text=plan.text.text, category=plan.text.category,
                on_behalf_of=raiser)
        else:
            box["o"] = intake.raise_opinion(
                actor=demo.user(raiser), community=community, place=place,
                title=plan.text.title, text=plan.text.text, category=plan.text.category)

    if plan.days_ago == 0:
        t = demo.now - timedelta(minutes=rng.randint(20, 300))
    else:
        t = demo.local(plan.days_ago, rng.randint(7, 21), rng.randint(0, 59))
    tl.at(t, raise_)
    if plan.state == OpinionState.SUBMITTED:
        return
    t = demo.daytime(t + timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59)))
    tl.at(t, lambda: intake.acknowledge_opinion(actor=staff, opinion=box["o"]))
    if plan.state == OpinionState.ACKNOWLEDGED:
        return
    t = demo.daytime(t + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6)))
    if plan.path == "referred":
        tl.at(t, lambda: intake.refer_opinion(actor=staff, opinion=box["o"],
                                              department=demo.departments[plan.text.department],
                                              note=f"已转{plan.text.department}办理"))
        t = demo.daytime(t + timedelta(days=rng.randint(3, 7), hours=rng.randint(0, 6)))
    elif plan.path == "topic":
        tl.at(t, lambda: intake.make_topic_candidate(
            actor=staff, opinion=box["o"], note="涉及多数居民利益，提交协商委员会议事"))
        t = demo.daytime(t + timedelta(days=rng.randint(6, 9), hours=rng.randint(0, 6)))
    if plan.state in (OpinionState.REFERRED, OpinionState.TOPIC):
        return
    answer = content.TOPIC_ANSWER if plan.path == "topic" else plan.text.answer
    tl.at(t, lambda: intake.answer_opinion(actor=staff, opinion=box["o"], answer=answer))
    if plan.state == OpinionState.ANSWERED:
        return
    t = demo.daytime(t + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6)), 7, 22)
    rating = rng.choices([3, 2, 1], [70, 20, 10])[0]
    comment = rng.choice(content.RATING_COMMENTS[rating])
    tl.at(t, lambda: intake.rate_opinion(actor=demo.user(raiser), opinion=box["o"],
                                         rating=rating, comment=comment))


def build_opinions(demo: Demo) -> None:
    staff_of = {"community": demo.user(demo.named["staff"]),
                "village": demo.user(demo.named["village_staff"])}
    for key in KEYS:
        for plan in _plan_opinions(demo, key):
            _schedule_opinion(demo, key, plan, staff_of[key])


# --- Joint proposals ---------------------------------------------------------------------


def _sign(demo: Demo, box: dict[str, JointProposal], person: Person) -> None:
    """Sign while the proposal collects signatures (the threshold may have closed it)."""
    state = JointProposal.objects.filter(pk=box["p"].pk).values_list("state", flat=True)[0]
    if state == ProposalState.OPEN:
        intake.sign_proposal(actor=demo.user(person), proposal=box["p"])


def _signing(demo: Demo, box: dict[str, JointProposal], person: Person) -> Callable[[], None]:
    return lambda: _sign(demo, box, person)


def _proposal(demo: Demo, key: str, which: str, proposer: Person, *, opened_days_ago: int,
              signers: list[Person], sign_days: float, end: str = "",
              end_days_ago: int = 0, unsign: Person | None = None) -> None:
    """Schedule a proposal's life: drafted, opened, signed one by one, then ``end``."""
    rng, tl = demo.rng, demo.timeline
    text = content.PROPOSALS[key][which]
    box: dict[str, JointProposal] = {}
    drafted = demo.local(opened_days_ago + rng.randint(1, 3), rng.randint(8, 21), rng.randint(0, 59))

    def draft() -> None:
        box["p"] = intake.draft_proposal(actor=demo.user(proposer), title=text.title,
                                         text=text.text, category=text.category)

    tl.at(drafted, draft)
    if which == "draft":
        return
    opened = demo.local(opened_days_ago, rng.randint(8, 11), rng.randint(0, 59))
    tl.at(opened, lambda: intake.open_proposal(actor=demo.user(proposer), proposal=box["p"]))
    step = timedelta(days=sign_days) / max(1, len(signers))
    t = opened
    for person in signers:
        t += step * rng.uniform(0.5, 1.5)
        tl.at(demo.daytime(t, 7, 22), _signing(demo, box, person))
    if unsign is not None:
        tl.at(demo.daytime(t + timedelta(days=1, hours=3), 7, 22),
              lambda: intake.withdraw_signature(actor=demo.user(unsign), proposal=box["p"]))
    if end == "withdrawn":
        tl.at(demo.local(end_days_ago, 16, 20),
              lambda: intake.withdraw_proposal(actor=demo.user(proposer), proposal=box["p"]))
    elif end == "closed":
        # The nightly job closes it the night after its signing period ended.
        cfg = CommunitySettings.objects.get(community=demo.places[key])
        closes_on = demo.today - timedelta(days=opened_days_ago - cfg.proposal_signing_days)
        days = (demo.today - closes_on).days - 1
        tl.at(demo.local(days, 1, 0), lambda: intake.close_expired_proposals())


def build_proposals(demo: Demo) -> None:
    rng = demo.rng
    # 幸福社区: one past its threshold by residents' signatures (≥1/10), one two short.
    key = "community"
    needed, rep_needed = _needed(demo, key)
    reps = [p for p in demo.pool[key] if p in demo.reps[key]]
    named = {p.pk for p in demo.named.values()}
    plain = [p for p in demo.pool[key] if p not in demo.reps[key] and p.pk not in named
             and demo.age(p) >= 20]
    rng.shuffle(plain)
    assert len(plain) >= needed + 3, "not enough residents with accounts to reach the threshold"
    few_reps = rng.sample(reps, min(len(reps), rep_needed - 2, 4))  # never the 1/5 of them
    resident = demo.named["resident"]

    def mix(people: list[Person], with_reps: list[Person]) -> list[Person]:
        out = list(people)
        for r in with_reps:
            out.insert(rng.randrange(len(out) + 1), r)
        return out

    # The proposer signs first when opening; a few more are scheduled than the threshold
    # needs, and those after the reaching signature find signing closed.
    _proposal(demo, key, "reached", resident, opened_days_ago=24, sign_days=12,
              signers=mix(plain[: needed + 2 - len(few_reps)], few_reps))
    near_proposer = plain[-1]
    near_signers = mix(plain[: needed - 3 - len(few_reps[:2])], few_reps[:2])
    _proposal(demo, key, "near", near_proposer, opened_days_ago=7, sign_days=6.5,
              signers=near_signers)
    # One signer of the open proposal takes the signature back.
    _proposal(demo, key, "open", plain[-2], opened_days_ago=12, sign_days=9,
              signers=mix([plain[5], *rng.sample(plain[6:-2], 16)], few_reps[:1]), unsign=plain[5])
    _proposal(demo, key, "draft", resident, opened_days_ago=2, signers=[], sign_days=0)
    _proposal(demo, key, "closed", plain[-3], opened_days_ago=52, sign_days=14,
              signers=rng.sample(plain[:-3], 9), end="closed")
    _proposal(demo, key, "withdrawn", plain[-4], opened_days_ago=20, sign_days=3,
              signers=rng.sample(plain[:-4], 4), end="withdrawn", end_days_ago=16)

    # 桃园村: one past its threshold by representatives' signatures (≥1/5 of them).
    key = "village"
    _needed_res, rep_needed = _needed(demo, key)
    reps = [p for p in demo.pool[key] if p in demo.reps[key]]
    plain = [p for p in demo.pool[key] if p not in demo.reps[key] and p.pk not in named
             and demo.age(p) >= 20]
    rng.shuffle(plain)
    rng.shuffle(reps)
    assert len(reps) >= rep_needed + 2
    _proposal(demo, key, "reached", reps[0], opened_days_ago=30, sign_days=9,
              signers=mix(reps[1: rep_needed + 2], plain[:3]))
    _proposal(demo, key, "open", plain[-1], opened_days_ago=9, sign_days=8,
              signers=mix(rng.sample(plain[:-1], 13), reps[:1]))
    _proposal(demo, key, "draft", demo.named["villager"], opened_days_ago=3, signers=[],
              sign_days=0)
    _proposal(demo, key, "closed", plain[-2], opened_days_ago=56, sign_days=15,
              signers=rng.sample(plain[:-2], 6), end="closed")
    _proposal(demo, key, "withdrawn", plain[-3], opened_days_ago=15, sign_days=2,
              signers=rng.sample(plain[:-3], 2), end="withdrawn", end_days_ago=12)


# --- What was built, and the accounts table ---------------------------------------------


def summary(demo: Demo) -> list[str]:
    lines = []
    for key in KEYS:
        c = demo.places[key]
        needed, rep_needed = _needed(demo, key)
        cfg = CommunitySettings.objects.get(community=c)
        eligible = selectors.eligible_residents(c, demo.today, cfg.voting_age)
        opinions = Counter(Opinion.objects.filter(community=c).values_list("state", flat=True))
        overdue = Opinion.objects.filter(community=c, state__in=OPEN, due_date__lt=demo.today).count()
        proposals = Counter(JointProposal.objects.filter(community=c).values_list("state", flat=True))
        seats = CommitteeMembership.objects.filter(community=c)
        lines += [
            f"{c.name}: {Household.objects.filter(community=c).count()} 户 households, "
            f"{Person.objects.filter(community=c).count()} 人 people ({eligible} 18 岁以上 adults), "
            f"{len(demo.reps[key])} 代表 representatives, "
            f"{seats.count()} 委员 committee seats "
            f"(+{XMember.objects.filter(topic__community=c).count()} X members of topics)",
            "  民情 opinions: " + ", ".join(f"{s} {n}" for s, n in sorted(opinions.items()))
            + f" (overdue {overdue})",
            "  联名提议 proposals: " + ", ".join(f"{s} {n}" for s, n in sorted(proposals.items()))
            + f"; threshold {needed} residents or {rep_needed} representatives",
        ]
        near = JointProposal.objects.filter(community=c, state=ProposalState.OPEN).order_by(
            "-resident_signatures").first()
        if near is not None:
            lines.append(f"  “{near.title}”: {near.resident_signatures} signatures, "
                         f"{max(0, needed - near.resident_signatures)} more reach the threshold")
    for key in KEYS:
        c = demo.places[key]
        topics = Counter(Topic.objects.filter(community=c).values_list("state", flat=True))
        order = list(TOPIC_STATES)
        lines.append(f"  {c.name} 议题 topics: " + ", ".join(
            f"{s} {topics[s]}" for s in sorted(topics, key=order.index)))
    lines.append(
        f"议题 topics: {Topic.objects.count()}, 会议 meetings: {Meeting.objects.count()}, "
        f"公示 notices: {Notice.objects.count()}, 落实任务 tasks: "
        f"{ImplementationTask.objects.count()}; audit events: {audit.verify().checked}")
    lines += demo.notes
    return lines


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def accounts_table() -> str:
    """The demo accounts, as ``make demo`` prints them."""
    User = get_user_model()
    present = set(User.objects.filter(username__in=[a.username for a in ACCOUNTS])
                  .values_list("username", flat=True))
    rows = [("用户名 username", "密码 password", "姓名 name", "身份 role", "地点 place")]
    rows += [(a.username, PASSWORD, a.name or "—", a.who, a.place)
             for a in ACCOUNTS if a.username in present]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = ["演示账号 Demo accounts (http://127.0.0.1:8000/)"]
    for i, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[j]) if j < 4 else cell
                               for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("-" * (sum(widths) + 8 + max(_width(r[4]) for r in rows)))
    pools = []
    for key, name in (("community", COMMUNITY), ("village", VILLAGE)):
        n = User.objects.filter(username__regex=rf"^{POOL_PREFIX[key]}\d{{3}}$").count()
        if n:
            pools.append(f"{POOL_PREFIX[key]}001–{POOL_PREFIX[key]}{n:03d} ({name})")
    if pools:
        lines.append(f"其他居民/村民账号 more residents, same password: {', '.join(pools)}")
    texted = (PersonalData.objects.filter(person__user__username__in=present)
              .exclude(phone_index__isnull=True).exclude(phone_index="")
              .select_related("person").order_by("person__user__username").first())
    if texted is not None and texted.phone:
        lines.append(f"短信验证码登录 sign in by SMS code (/login/code/): {texted.person.name} "
                     f"{texted.phone}; the code lands in var/outbox/messages.jsonl")
    return "\n".join(lines)
