"""Reads for ledgers (台账) and dashboards. Every figure is counted by the database.

A **consultation** (协商活动) is a meeting of one of the community's own topics that was
held — opened, and possibly closed — in the calendar year (Asia/Shanghai); a second
consultation on the same topic is another consultation; a meeting that was scheduled but
never opened, or was cancelled, is not one. 000 §(二)(6) asks for at least 4 a year.

Dashboards group by the place tree: a street's page has a row per community, a district's
or a city's a row per street (the community's parent). The pages read the precomputed rows
of ``figures``; the functions here count the same figures from the records, for a
community's ledger page and as the definition the rows are checked against. Each figure is
one GROUP BY query over the place's subtree (``path`` prefix).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from yishi.consult.models import Attendance, Meeting, Outcome, Topic
from yishi.core import clock
from yishi.core.taxonomy import Category
from yishi.intake.models import Opinion
from yishi.intake.rules import OPEN_OPINION_STATES
from yishi.places.models import Place, PlaceKind

from . import followup_records, rules
from .models import LedgerSettings

SATISFIED = 3  # intake.rules.RATINGS: 3 满意


@dataclass(frozen=True)
class Period:
    """A calendar year in the site's time zone, and the day overdue items are judged on."""

    year: int
    start: datetime
    end: datetime  # exclusive
    today: date

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)


def period(year: int, today: date | None = None) -> Period:
    zone = ZoneInfo(settings.TIME_ZONE)
    return Period(
        year=year,
        start=datetime(year, 1, 1, tzinfo=zone),
        end=datetime(year + 1, 1, 1, tzinfo=zone),
        today=today or clock.localdate(),
    )


def row_kind(place: Place) -> str:
    """What a dashboard's rows are: communities under a street, streets under anything above."""
    if place.kind in (PlaceKind.STREET, PlaceKind.COMMUNITY):
        return PlaceKind.COMMUNITY
    return PlaceKind.STREET


def _key(prefix: str, rows: str) -> str:
    """The field to GROUP BY: the community itself, or the street above it (its parent)."""
    base = f"{prefix}__" if prefix else ""
    if rows == PlaceKind.COMMUNITY:
        return f"{base}id" if prefix else "pk"
    return f"{base}parent_id"


def subtree_ids(place: Place) -> QuerySet[Place, Any]:
    """The ids of the place and everything beneath it (a subquery, never loaded)."""
    return Place.objects.filter(path__startswith=place.path).values("pk")


def _in(prefix: str, place: Place) -> Q:
    """Rows whose community lies in the place's subtree.

    Written as ``community IN (places under the path prefix)`` rather than a join on the
    path: both databases then start from the few places of a street and look the records up
    by their community index, instead of reading every record of the city first.
    """
    return Q(**{f"{prefix}__in": subtree_ids(place)})


# --- Figures per row ---------------------------------------------------------------------


@dataclass
class Row:
    """One dashboard row (a community or a street) or a ledger's per-community summary."""

    place: Place
    communities: int = 0
    met: int = 0
    minimum: int = rules.DEFAULT_MINIMUM_CONSULTATIONS
    consultations: int = 0
    topics: int = 0
    opinions: int = 0
    answered: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue_opinions: int = 0
    overdue_answers: int = 0
    overdue_tasks: int = 0
    days: dict[int, int] = field(default_factory=dict)
    # The calendar's cadences: key -> cadence.Tally of periods held / due / missed
    # (``cadence_records.fill``); a cadence asked of none of the row's communities is absent.
    cadences: dict[str, Any] = field(default_factory=dict)

    @property
    def cadences_missed(self) -> int:
        """Periods missed, every cadence together (the dashboards' flag)."""
        return sum(t.missed for t in self.cadences.values())

    @property
    def median_days(self) -> float | None:
        return rules.median_from_histogram(self.days.items())

    @property
    def satisfied_share(self) -> float | None:
        return rules.share(self.satisfied, self.rated)

    @property
    def satisfied_percent(self) -> str:
        s = self.satisfied_share
        return "" if s is None else f"{s * 100:.1f}%"

    @property
    def below_minimum(self) -> int:
        return self.communities - self.met

    @property
    def minimum_met(self) -> bool:
        """For a community row: the 000 §(二)(6) check."""
        return rules.minimum_met(self.consultations, self.minimum)


def _consultation_counts(place: Place, p: Period, rows: str) -> list[dict[str, Any]]:
    """Per row: communities, those meeting their minimum, consultations held, topics raised.

    One query in two levels: the year's meetings and topics are counted per community
    (derived tables), then the communities are folded into rows with the minimum check.
    The ORM has no joins on derived tables, so this one is SQL, portable between SQLite and
    PostgreSQL; ``path`` holds digits and slashes only, so its LIKE prefix needs no escaping.
    """
    place_t = Place._meta.db_table
    meeting_t = Meeting._meta.db_table
    attendance_t = Attendance._meta.db_table  # a meeting nobody signed in to is not counted
    topic_t = Topic._meta.db_table
    settings_t = LedgerSettings._meta.db_table
    row_col = "c.id" if rows == PlaceKind.COMMUNITY else "c.parent_id"
    prefix = place.path + "%"
    default = int(rules.DEFAULT_MINIMUM_CONSULTATIONS)
    sql = f"""
        SELECT {row_col} AS row_id,
               COUNT(*) AS communities,
               SUM(CASE WHEN COALESCE(h.n, 0) >= COALESCE(s.min_consultations, {default})
                        THEN 1 ELSE 0 END) AS met,
               SUM(COALESCE(h.n, 0)) AS consultations,
               SUM(COALESCE(r.n, 0)) AS topics_raised,
               MAX(COALESCE(s.min_consultations, {default})) AS min_minimum
        FROM {place_t} c
        LEFT JOIN (
            SELECT t.community_id AS community_id, COUNT(*) AS n
            FROM {meeting_t} m
            JOIN {topic_t} t ON t.id = m.topic_id
            WHERE m.opened_at >= %s AND m.opened_at < %s
              AND EXISTS (SELECT 1 FROM {attendance_t} a WHERE a.meeting_id = m.id)
              AND t.community_id IN (SELECT id FROM {place_t} WHERE path LIKE %s)
            GROUP BY t.community_id
        ) h ON h.community_id = c.id
        LEFT JOIN (
            SELECT t.community_id AS community_id, COUNT(*) AS n
            FROM {topic_t} t
            WHERE t.created_at >= %s AND t.created_at < %s
              AND t.community_id IN (SELECT id FROM {place_t} WHERE path LIKE %s)
            GROUP BY t.community_id
        ) r ON r.community_id = c.id
        LEFT JOIN {settings_t} s ON s.community_id = c.id
        WHERE c.kind = %s AND c.path LIKE %s
        GROUP BY {row_col}
    """
    start = connection.ops.adapt_datetimefield_value(p.start)
    end = connection.ops.adapt_datetimefield_value(p.end)
    params: list[Any] = [start, end, prefix, start, end, prefix, str(PlaceKind.COMMUNITY), prefix]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _opinion_counts(place: Place, p: Period, rows: str) -> QuerySet[Any]:
    """Per row and whole days to answer (None: not answered yet): the year's opinions, and
    how many of them were rated and rated satisfied. One pass over the year's opinions feeds
    the counts, the answer-time median and the satisfaction share."""
    from .db import DaysBetween

    return (
        Opinion.objects.filter(_in("community", place), year=p.year)
        .annotate(days=DaysBetween("submitted_at", "answered_at"))
        .order_by()
        .values(_key("community", rows), "days")
        .annotate(
            n=Count("pk"),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating=SATISFIED)),
        )
    )


def _overdue_opinion_counts(place: Place, p: Period, rows: str) -> QuerySet[Any]:
    """Per row: opinions still unanswered after their due date, whatever their year."""
    return (
        Opinion.objects.filter(_in("community", place), state__in=OPEN_OPINION_STATES,
                               due_date__lt=p.today)
        .order_by()
        .values(_key("community", rows))
        .annotate(n=Count("pk"))
    )


def row_figures(place: Place, p: Period, rows: str | None = None) -> list[Row]:
    """Every row under ``place`` with its figures; rows without records show zeros."""
    rows = rows or row_kind(place)
    places = list(
        Place.objects.filter(kind=rows, path__startswith=place.path)
        .select_related("parent").order_by("path")
    )
    by_id = {pl.pk: Row(place=pl) for pl in places}

    for r in _consultation_counts(place, p, rows):
        row = by_id.get(r["row_id"])
        if row is None:
            continue
        row.communities = int(r["communities"])
        row.met = int(r["met"] or 0)
        row.consultations = int(r["consultations"] or 0)
        row.topics = int(r["topics_raised"] or 0)
        row.minimum = int(r["min_minimum"] or rules.DEFAULT_MINIMUM_CONSULTATIONS)

    o_key = _key("community", rows)
    for r in _opinion_counts(place, p, rows):
        row = by_id.get(r[o_key])
        if row is None:
            continue
        # Adding up the buckets the database counted (a few per row), not opinions.
        row.opinions += r["n"]
        row.rated += r["rated"]
        row.satisfied += r["satisfied"]
        if r["days"] is not None:
            row.answered += r["n"]
            day = max(0, int(r["days"]))
            row.days[day] = row.days.get(day, 0) + r["n"]
    for r in _overdue_opinion_counts(place, p, rows):
        row = by_id.get(r[o_key])
        if row is not None:
            row.overdue_opinions = r["n"]

    for kind, counts in followup_records.overdue_counts(place, p.today, rows).items():
        for place_id, n in counts.items():
            row = by_id.get(place_id)
            if row is not None:
                setattr(row, kind, n)
    return [by_id[pl.pk] for pl in places]


def totals(rows: list[Row], place: Place) -> Row:
    """The page's total row: the rows' figures added up (rows are already aggregates)."""
    total = Row(place=place)
    days: dict[int, int] = defaultdict(int)
    for r in rows:
        for name in ("communities", "met", "consultations", "topics", "opinions", "answered",
                     "rated", "satisfied", "overdue_opinions", "overdue_answers",
                     "overdue_tasks"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for d, n in r.days.items():
            days[d] += n
    total.days = dict(days)
    return total


def categories_by_month(place: Place, p: Period) -> dict[str, list[int]]:
    """Opinions registered per category and month of the year (12 numbers per category)."""
    from .db import LocalMonth

    found = (
        Opinion.objects.filter(_in("community", place), year=p.year)
        .annotate(month=LocalMonth("submitted_at"))
        .order_by()
        .values("category", "month")
        .annotate(n=Count("pk"))
    )
    series: dict[str, list[int]] = {}
    for r in found:
        month = r["month"]
        if not month or not 1 <= month <= 12:
            continue
        series.setdefault(r["category"], [0] * 12)[month - 1] += r["n"]
    order = [c for c in Category.values if c in series]
    return {c: series[c] for c in order}


@dataclass
class Dashboard:
    place: Place
    period: Period
    rows_kind: str
    rows: list[Row]
    total: Row
    months: dict[str, list[int]]
    row_count: int = 0  # every row under the place; ``rows`` may be one page of them


def dashboard(place: Place, p: Period, *, rows: slice | None = None) -> Dashboard:
    """The street's or city's dashboard, read from the precomputed figures (``figures``);
    ``rows``: one page of its rows."""
    from . import cadence_records
    from .figures import read_dashboard

    d = read_dashboard(place, p, rows=rows)
    cadence_records.fill(d.rows, d.total, place, p, d.rows_kind)
    return d


def dashboard_row_count(place: Place) -> int:
    return Place.objects.filter(kind=row_kind(place), path__startswith=place.path).count()


def dashboard_from_records(place: Place, p: Period) -> Dashboard:
    """The same dashboard counted from the records: what the figures must equal (the tests
    and the rebuild's definitions; a city's costs a second of CPU, so no page calls it)."""
    from . import cadence_records

    rows = row_figures(place, p)
    d = Dashboard(place=place, period=p, rows_kind=row_kind(place), rows=rows,
                  total=totals(rows, place), months=categories_by_month(place, p),
                  row_count=len(rows))
    cadence_records.fill(d.rows, d.total, place, p, d.rows_kind)
    return d


# --- The ledger's records ----------------------------------------------------------------


def _held_in(p: Period) -> Q:
    return Q(opened_at__gte=p.start, opened_at__lt=p.end)


def _counted_in(p: Period) -> Q:
    """Held in the year with someone signed in: a meeting opened before an empty room is
    not a consultation (000 §(二)(6))."""
    return _held_in(p) & Q(Exists(Attendance.objects.filter(meeting=OuterRef("pk"))))


def ledger_topics(place: Place, p: Period) -> QuerySet[Topic]:
    """Topics of the year: raised in it, or consulted (a meeting held) in it."""
    consulted = Meeting.objects.filter(_counted_in(p), _in("topic__community", place)).values(
        "topic_id")
    held = (
        Meeting.objects.filter(_counted_in(p), topic=OuterRef("pk"))
        .order_by().values("topic").annotate(n=Count("pk")).values("n")
    )
    return (
        Topic.objects.filter(_in("community", place))
        .filter(Q(created_at__gte=p.start, created_at__lt=p.end) | Q(pk__in=consulted))
        .annotate(held=Coalesce(Subquery(held, output_field=IntegerField()), 0))
        .select_related("community", "outcome")
        .order_by("community__path", "created_at", "pk")
    )


def ledger_meetings(place: Place, p: Period) -> QuerySet[Meeting]:
    """Meetings held in the year (someone signed in), and those scheduled in it that have
    not been held."""
    scheduled = Q(opened_at__isnull=True, starts_at__gte=p.start, starts_at__lt=p.end) & ~Q(
        state="cancelled")
    return (
        Meeting.objects.filter(_in("topic__community", place))
        .filter(_counted_in(p) | scheduled)
        .select_related("topic__community", "plan", "vote")
        .order_by("topic__community__path", F("opened_at").asc(nulls_last=True), "starts_at",
                  "pk")
    )


def ledger_outcomes(place: Place, p: Period) -> QuerySet[Outcome]:
    """Outcomes of the year's topics."""
    topics = ledger_topics(place, p).values("pk")
    return (
        Outcome.objects.filter(topic__in=topics)
        .select_related("topic__community", "meeting")
        .order_by("topic__community__path", "filed_at", "pk")
    )


def overdue_opinions(place: Place, p: Period) -> QuerySet[Opinion]:
    """Opinions still unanswered after their due date (一事一馈), as of today."""
    return (
        Opinion.objects.filter(_in("community", place), state__in=OPEN_OPINION_STATES,
                               due_date__lt=p.today)
        .select_related("community")
        .order_by("community__path", "due_date", "pk")
    )


def record_counts(place: Place, p: Period) -> dict[str, int]:
    """How many rows each sheet of the ledger will have (the export's progress total)."""
    counts = {
        "summary": Place.objects.filter(kind=PlaceKind.COMMUNITY,
                                        path__startswith=place.path).count(),
        "topics": ledger_topics(place, p).count(),
        "meetings": ledger_meetings(place, p).count(),
        "outcomes": ledger_outcomes(place, p).count(),
        "overdue_opinions": overdue_opinions(place, p).count(),
    }
    counts.update(followup_records.record_counts(place, p))
    from .cadence_records import period_count

    counts["cadences"] = period_count(place)
    return counts


def local(dt: datetime | None) -> datetime | None:
    """A stored datetime as a naive local one (spreadsheets have no time zones)."""
    if dt is None:
        return None
    return timezone.localtime(dt).replace(tzinfo=None)


def overdue_days(due: date | None, today: date) -> int:
    return max(0, (today - due).days) if due else 0


def available_years(today: date) -> list[int]:
    return list(range(today.year, max(rules.FIRST_YEAR, today.year - 5) - 1, -1))


def place_name_path(place: Place) -> str:
    """城市 / 区 / 街道 / 社区, for headers."""
    return " / ".join(a.name for a in place.ancestors())
