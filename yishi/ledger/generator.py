"""City-scale data for the dashboards' benchmark: places, residents, opinions, topics with
their plans, meetings, votes and outcomes (posted on the boards), implementation tasks and
entrusted answers,
written with ``bulk_create`` in batches.

This bypasses the services on purpose (no audit events, no notifications): it fills a
database to measure reads, not to model a real city's history. It does leave the numbering
counters where the generated numbers end, so the city then takes writes through the
services (opinions are the only records numbered by a counter; meetings are numbered
within their topic). Sizes are parameters; the
defaults are the issue's city: 4,000 communities, 1,000,000 opinions, 40,000 topics a year.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from yishi.consult.models import Attendance, Meeting, Outcome, Participant, Plan, Topic, Vote
from yishi.core import clock, numbering
from yishi.disclosure.models import Notice, NoticeKind
from yishi.disclosure.search import index_text
from yishi.intake.models import Opinion
from yishi.intake.rules import opinion_counter_scope, opinion_number
from yishi.places.models import Person, Place, PlaceKind, ReferralDepartment

from . import followup_records

CITY_NAME = "基准市"
COMMUNITIES_PER_STREET = 10
STREETS_PER_DISTRICT = 25
PEOPLE_PER_COMMUNITY = 6
M = TypeVar("M", bound=models.Model)

CATEGORY_WEIGHTS = [
    ("property", 22), ("sanitation", 18), ("traffic", 12), ("safety", 6), ("utilities", 8),
    ("welfare", 9), ("assets", 3), ("construction", 6), ("public_service", 5), ("dispute", 6),
    ("governance", 3), ("other", 2),
]
TOPIC_TITLES = ["加装电梯", "小区停车位规划", "垃圾分类投放点", "路灯维修", "活动室开放时间",
                "楼道清理", "绿化补种", "物业费调整", "健身器材更新", "雨污分流改造"]


@dataclass(frozen=True)
class Sizes:
    communities: int = 4000
    opinions: int = 1_000_000
    topics: int = 40_000  # a year
    years: int = 2  # this year (to date) and the ones before it
    batch: int = 5000
    seed: int = 20261125

    @classmethod
    def small(cls) -> Sizes:
        return cls(communities=20, opinions=600, topics=120, years=2, batch=200)


class AlreadyGenerated(Exception):
    pass


@contextmanager
def _keep_created_at() -> Iterator[None]:
    """``Topic.created_at`` is ``auto_now_add``; a generated history needs its own times.

    Updating them afterwards (``bulk_update``) is a CASE over every row, which SQLite does
    slowly; switching the flag off for the insert keeps it one INSERT per batch.
    """
    f = Topic._meta.get_field("created_at")
    saved = f.auto_now_add  # type: ignore[union-attr]
    f.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        f.auto_now_add = saved  # type: ignore[union-attr]


def _batched(items: Iterator[M], size: int) -> Iterator[list[M]]:
    chunk: list[M] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Generator:
    def __init__(self, sizes: Sizes, *, today: date | None = None,
                 say: Callable[[str], None] = lambda s: None) -> None:
        self.s = sizes
        self.rng = random.Random(sizes.seed)
        self.say = say
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = clock.now()
        self.today = today or clock.localdate()
        self.first_year = self.today.year - sizes.years + 1
        self.start = datetime(self.first_year, 1, 1, tzinfo=self.zone)
        self.communities: list[Place] = []
        self.people: dict[int, list[int]] = {}
        self.categories = [c for c, _ in CATEGORY_WEIGHTS]
        self.weights = [w for _, w in CATEGORY_WEIGHTS]
        self.timings: dict[str, float] = {}

    def run(self) -> dict[str, float]:
        if Place.objects.filter(parent__isnull=True, name=CITY_NAME).exists():
            raise AlreadyGenerated(f"{CITY_NAME} is already in this database")
        for step in (self.places, self.people_rows, self.topics, self.opinions):
            t0 = time.perf_counter()
            step()
            self.timings[step.__name__] = time.perf_counter() - t0
            self.say(f"{step.__name__}: {self.timings[step.__name__]:.1f} s")
        return self.timings

    # --- places and people ----------------------------------------------------------------

    def _level(self, kind: str, parents: list[Place], count: int, name: str,
               **extra: Any) -> list[Place]:
        rows = [
            Place(name=name.format(i=i + 1), kind=kind, parent=parents[i % len(parents)],
                  **extra)
            for i in range(count)
        ]
        out: list[Place] = []
        with transaction.atomic():
            for chunk in _batched(iter(rows), self.s.batch):
                out += Place.objects.bulk_create(chunk)
            for p in out:
                p.path = f"{p.parent.path if p.parent else '/'}{p.pk}/"
            Place.objects.bulk_update(out, ["path"], batch_size=self.s.batch)
        return out

    def places(self) -> None:
        city = Place(name=CITY_NAME, kind=PlaceKind.CITY)
        city.save()
        n_streets = max(1, self.s.communities // COMMUNITIES_PER_STREET)
        n_districts = max(1, n_streets // STREETS_PER_DISTRICT)
        districts = self._level(PlaceKind.DISTRICT, [city], n_districts, "第{i}区")
        streets = self._level(PlaceKind.STREET, districts, n_streets, "第{i}街道")
        ReferralDepartment.objects.add_defaults(streets, batch_size=self.s.batch)
        self.communities = self._level(PlaceKind.COMMUNITY, streets, self.s.communities,
                                       "第{i}社区")

    def people_rows(self) -> None:
        rows = (
            Person(name=f"居民{c.pk}-{i}", community=c, registered_on=date(2020, 1, 1))
            for c in self.communities for i in range(PEOPLE_PER_COMMUNITY)
        )
        with transaction.atomic():
            for chunk in _batched(rows, self.s.batch):
                for p in Person.objects.bulk_create(chunk):
                    self.people.setdefault(p.community_id, []).append(p.pk)  # type: ignore[arg-type]
        User = get_user_model()
        self.user, _ = User.objects.get_or_create(username="city-generator")

    # --- topics, plans, meetings, votes, outcomes -------------------------------------------

    def _when(self, year: int) -> datetime:
        start = datetime(year, 1, 1, tzinfo=self.zone)
        end = min(datetime(year + 1, 1, 1, tzinfo=self.zone), self.now)
        return start + timedelta(seconds=self.rng.uniform(0, (end - start).total_seconds()))

    def topics(self) -> None:
        # Uneven activity: some communities are busy, some fall short of the minimum.
        activity = [self.rng.choice((0.2, 0.6, 1.0, 1.0, 1.4, 1.8)) for _ in self.communities]
        for year in range(self.first_year, self.today.year + 1):
            share = 1.0
            if year == self.today.year:  # this year so far
                share = (self.today.timetuple().tm_yday) / 365
            n = int(self.s.topics * share)
            picks = self.rng.choices(self.communities, weights=activity, k=n)
            for chunk in _batched(iter(picks), self.s.batch):
                self._topic_batch(chunk, year)

    def _topic_batch(self, communities: list[Place], year: int) -> None:
        rng = self.rng
        topics, created = [], []
        for c in communities:
            at = self._when(year)
            cat = rng.choices(self.categories, self.weights)[0]
            entrusted = rng.random() < 0.1
            topics.append(Topic(
                community=c, title=rng.choice(TOPIC_TITLES), text="基准数据", category=cat,
                source="entrusted" if entrusted else "opinion", state="closed",
                kind="major" if rng.random() < 0.15 else "general", screening_decision="accept",
                screened_at=at, entrusted_by="区住建局" if entrusted else "",
            ))
            created.append(at)
        for t, at in zip(topics, created, strict=True):
            t.created_at = at
        with transaction.atomic(), _keep_created_at():
            topics = Topic.objects.bulk_create(topics)
            plans = []
            for t, at in zip(topics, created, strict=True):
                person = self.people[t.community_id][0]
                plans.append(Plan(
                    topic=t, starts_at=at + timedelta(days=14), location="社区议事厅",
                    form=rng.choice(("council", "dialogue", "hearing", "online")),
                    rules_text="过半数通过", convener_id=person, recorder_id=person,
                    drafted_by=self.user, drafted_at=at + timedelta(days=3),
                ))
            plans = Plan.objects.bulk_create(plans)
            meetings: list[Meeting] = []
            for t, plan in zip(topics, plans, strict=True):
                sittings = 2 if rng.random() < 0.1 else 1
                for number in range(1, sittings + 1):
                    starts = plan.starts_at + timedelta(days=21 * (number - 1))
                    held = starts < self.now
                    last = number == sittings
                    meetings.append(Meeting(
                        topic=t, plan=plan, number=number, starts_at=starts, location=plan.location,
                        state="closed" if held else "scheduled", members=9, members_present=8,
                        opened_at=starts if held else None,
                        closed_at=starts + timedelta(hours=2) if held else None,
                        result=("consensus" if last else "no_consensus") if held else "",
                    ))
                if not any(m.opened_at for m in meetings[-sittings:]):
                    t.state = "notified"
            meetings = Meeting.objects.bulk_create(meetings)
            # The convener signs in to every meeting held (a meeting before an empty room is
            # not counted as a consultation).
            conveners = {p.plan_id: p for p in Participant.objects.bulk_create(
                [Participant(plan=plan, kind="seat", person_id=plan.convener_id)
                 for plan in plans])}
            Attendance.objects.bulk_create(
                [Attendance(meeting=m, participant=conveners[m.plan_id], at=m.opened_at)
                 for m in meetings if m.opened_at is not None])
            open_topics = [t for t in topics if t.state != "closed"]
            if open_topics:
                Topic.objects.filter(pk__in=[t.pk for t in open_topics]).update(state="notified")
            votes, outcomes = [], []
            for m in meetings:
                if m.opened_at is None:
                    continue
                yes = rng.randint(4, 9)
                votes.append(Vote(
                    meeting=m, method="hands", question="是否同意协商方案", yes=yes, no=9 - yes,
                    abstain=0, counted=True, present=9, members=9, passed=yes > 4,
                    opened_at=m.opened_at, closed_at=m.opened_at + timedelta(hours=1),
                ))
                if m.result == "consensus":
                    filed = m.opened_at + timedelta(days=2)
                    pub = timezone.localtime(filed).date()
                    outcomes.append(Outcome(
                        topic_id=m.topic_id, kind="consensus", meeting=m, memo="经协商形成共识。",
                        filed_at=filed, filed_by=self.user, published_from=pub,
                        published_until=pub + timedelta(days=7),
                    ))
            Vote.objects.bulk_create(votes)
            outcomes = Outcome.objects.bulk_create(outcomes)
            self._outcome_notices(topics, outcomes)
            followup_records.generate_for(self, topics, outcomes)

    def _outcome_notices(self, topics: list[Topic], outcomes: list[Outcome]) -> None:
        """Each published outcome on its community's board for its posting period, as
        ``consult.services.outcomes`` posts it, so the public pages show a city's boards."""
        by_pk = {t.pk: t for t in topics}
        rows = []
        for o in outcomes:
            if o.filed_at is None or o.published_from is None or o.published_until is None:
                continue  # not published (the generator publishes every outcome)
            t = by_pk[o.topic_id]
            title = f"{t.title}协商结果公示"
            body = (f"关于“{t.title}”的协商已于{timezone.localtime(o.filed_at):%Y年%m月%d日}形成共识。"
                    "经协商形成共识，现予公示。公示期内如有意见，请向社区居委会反映。")
            issuer = f"{t.community.name}协商委员会"
            rows.append(Notice(
                community_id=t.community_id, title=title, body=body, kind=NoticeKind.OUTCOME,
                issuer=issuer, issued_on=o.published_from, starts_on=o.published_from,
                ends_on=o.published_until, search_text=index_text(title, body, issuer),
                source_type="consult.topic", source_id=t.pk, created_by=self.user,
                created_at=o.filed_at,
            ))
        Notice.objects.bulk_create(rows, batch_size=self.s.batch)

    # --- opinions ------------------------------------------------------------------------

    def opinions(self) -> None:
        rng = self.rng
        seqs: dict[tuple[int, int], int] = {}
        span = (self.now - self.start).total_seconds()
        community_ids = [c.pk for c in self.communities]

        def rows() -> Iterator[Opinion]:
            for _ in range(self.s.opinions):
                cid = rng.choice(community_ids)
                at = self.start + timedelta(seconds=rng.uniform(0, span))
                local = timezone.localtime(at, self.zone)
                year = local.year
                seq = seqs[(cid, year)] = seqs.get((cid, year), 0) + 1
                due = local.date() + timedelta(days=14)
                r = rng.random()
                answered_at = rating = None
                state = "acknowledged"
                if r < 0.85 or due < self.today - timedelta(days=60):
                    answered_at = at + timedelta(hours=rng.expovariate(1 / 120))
                    if answered_at > self.now:
                        answered_at = None
                if answered_at is not None:
                    state = "answered"
                    if rng.random() < 0.7:
                        state = "rated"
                        rating = rng.choices((3, 2, 1), (70, 22, 8))[0]
                person = self.people[cid]
                yield Opinion(
                    community_id=cid, place_id=cid, year=year, seq=seq,
                    number=opinion_number(year, seq), title="反映问题", text="基准数据",
                    category=rng.choices(self.categories, self.weights)[0],
                    raised_by_id=person[seq % len(person)], state=state, submitted_at=at,
                    due_date=due, answered_at=answered_at, rating=rating,
                    answer="已答复" if answered_at else "",
                )

        done = 0
        for chunk in _batched(rows(), self.s.batch):
            with transaction.atomic():
                Opinion.objects.bulk_create(chunk)
            done += len(chunk)
            if done % (self.s.batch * 20) == 0:
                self.say(f"  opinions: {done:,}")
        # The services number the next opinion of a community after the generated ones.
        numbering.raise_to({(opinion_counter_scope(cid), year): last
                            for (cid, year), last in seqs.items()})


def generate(sizes: Sizes, *, today: date | None = None,
             say: Callable[[str], None] = lambda s: None) -> dict[str, float]:
    return Generator(sizes, today=today, say=say).run()
