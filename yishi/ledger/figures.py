"""Dashboard figures (看板数字): counted once per change, read by every dashboard request.

The street and city dashboards read ``Figures`` rows (``models.py``), never the records: a
city's page adds up a row per street, a street's a row per community, whatever the size of
the city. The rows are kept like this (docs/background-work.md, "Dashboard figures"):

1. **Mark.** Saving or deleting a record a figure depends on (an opinion, a topic, a
   meeting, a sign-in, an entrusted answer, a task, a community's minimum, a community's
   place in the tree) inserts a ``StaleFigures`` note for the community and year it counts
   in, in the same transaction (the receivers below, connected in ``apps.py``). A plain
   insert: writers never wait on each other or on a refresh, and a rolled-back change leaves
   no note.
2. **Refresh.** Right after the commit the same process counts the noted cells again from
   the records (``refresh_pending``); the sweep ``ledger.refresh_figures`` does it for notes
   a crash left behind, every time the scheduler runs. A refresh locks the cell's rows
   (``select_for_update(of=("self",))``: only those rows), reads the notes, counts, writes,
   adds the community's parent up again under its own row lock, and deletes the notes it
   read, in one transaction.
3. **Up the tree, by the worker.** A street's sum that changed notes its district, in the
   same transaction, and enqueues the task ``ledger.tasks.refresh_figures`` (one at a time:
   none is added while one waits); the worker adds the district up from its streets' rows
   and the city from its districts', each noting the next place up. So a city's page reads
   its own total and a page of streets, not 400 streets; until the worker has caught up
   (a note is left under the place), the page adds its rows up itself, as before.
4. **Rebuild.** ``manage.py rebuild_figures`` (and the daily sweep ``ledger.rebuild_figures``)
   counts every community from its records, compares, corrects what differs under the same
   locks, and reports each correction.

Why this is exact under concurrency. A note is committed with its change, so a refresh that
read a note counts after that change committed (on PostgreSQL each statement of a READ
COMMITTED transaction sees what committed before it, and the count runs after the lock and
the read of the notes). A change whose note the refresh did not see keeps its note, so it is
counted by the next refresh. Two refreshes of one cell queue on its row lock, and the second
counts after the first committed; a street's sum is taken under the street row's lock after
the community's own row was written, so two communities of a street refreshed at once both
end up in it. Counting is idempotent: a duplicate refresh writes the same numbers.

Lock order (no cycles): a community's rows of one year, then its parent's rows of that year;
a district's and a city's only in their own transactions, each after the places under it.
Writers of records take none of these locks; a refresh holds no lock a writer needs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from yishi.consult.models import Attendance, Meeting, Topic
from yishi.core import clock
from yishi.core.taxonomy import Category
from yishi.followup.models import EntrustedAnswer, ImplementationTask
from yishi.intake.models import Opinion
from yishi.intake.rules import OPEN_OPINION_STATES
from yishi.places.models import Place, PlaceKind

from . import rules
from .db import DaysBetween, LocalMonth, LocalYear
from .models import Figures, LedgerSettings, StaleFigures

if TYPE_CHECKING:
    from .selectors import Dashboard, Period

log = logging.getLogger(__name__)

SATISFIED = 3  # intake.rules.RATINGS: 3 满意
COUNTS = ("opinions", "answered", "rated", "satisfied", "consultations", "topics", "met",
          "open_opinions", "open_answers", "open_tasks")
JSONS = ("categories", "answer_days", "open_days")
OPEN_KINDS = ("opinions", "answers", "tasks")

# Places whose sum adds up the sums of the places under them (a street's adds up its
# communities'); kept by the worker (step 3 above).
UPPER_KINDS = (PlaceKind.DISTRICT, PlaceKind.CITY)
SUMMED_KINDS = (PlaceKind.STREET, PlaceKind.DISTRICT)  # the places whose sums are summed

Values = dict[str, Any]  # one row's figures, as stored
YearRows = dict[int, Values]  # month (0–12) → figures


def blank() -> Values:
    return {**{f: 0 for f in COUNTS}, "categories": {}, "answer_days": {}, "open_days": {}}


def _empty(v: Values) -> bool:
    return not any(v[f] for f in COUNTS) and not any(v[f] for f in JSONS)


def _add(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Add ``other`` into ``into``: numbers summed, lists element by element, dicts by key."""
    for k, v in other.items():
        if isinstance(v, dict):
            _add(into.setdefault(k, {}), v)
        elif isinstance(v, list):
            cur = into.setdefault(k, [0] * len(v))
            for i, n in enumerate(v):
                cur[i] += n
        else:
            into[k] = into.get(k, 0) + v


def _stored(f: Figures) -> Values:
    return {name: getattr(f, name) for name in (*COUNTS, *JSONS)}


def _normal(rows: YearRows | None) -> YearRows:
    """Rows to compare: empty months dropped (a missing row counts as zeros)."""
    return {m: v for m, v in (rows or {}).items() if not _empty(v)}


# --- Counting from the records --------------------------------------------------------------


def _year_span(year: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _minimum(community_id: int) -> int:
    found = (LedgerSettings.objects.filter(community_id=community_id)
             .values_list("min_consultations", flat=True).first())
    return int(found) if found is not None else rules.DEFAULT_MINIMUM_CONSULTATIONS


def count_community(community_id: int, year: int | None = None) -> dict[int, YearRows]:
    """A community's rows, per year, counted from its records (``year``: that one only).

    The same definitions as the ledger's (``selectors``): opinions of the year by their
    numbering year and registration month; consultations are meetings held in the year
    (Asia/Shanghai) with someone signed in; topics raised in the year; overdue items are
    open ones past their due date, whatever their year.
    """
    cells: dict[int, dict[int, Values]] = defaultdict(dict)

    def cell(y: int, m: int) -> Values:
        return cells[y].setdefault(m, blank())

    opinions = Opinion.objects.filter(community_id=community_id)
    if year is not None:
        opinions = opinions.filter(year=year)
    for r in (opinions.annotate(month=LocalMonth("submitted_at"),
                                days=DaysBetween("submitted_at", "answered_at"))
              .order_by().values("year", "month", "category", "days")
              .annotate(n=Count("pk"), rated=Count("pk", filter=Q(rating__isnull=False)),
                        satisfied=Count("pk", filter=Q(rating=SATISFIED)))):
        c = cell(r["year"], r["month"])
        c["opinions"] += r["n"]
        c["rated"] += r["rated"]
        c["satisfied"] += r["satisfied"]
        c["categories"][r["category"]] = c["categories"].get(r["category"], 0) + r["n"]
        if r["days"] is not None:
            c["answered"] += r["n"]
            day = str(max(0, int(r["days"])))
            c["answer_days"][day] = c["answer_days"].get(day, 0) + r["n"]

    held = Meeting.objects.filter(
        topic__community_id=community_id, opened_at__isnull=False,
    ).filter(Exists(Attendance.objects.filter(meeting=OuterRef("pk"))))
    raised = Topic.objects.filter(community_id=community_id)
    if year is not None:
        start, end = _year_span(year)
        held = held.filter(opened_at__gte=start, opened_at__lt=end)
        raised = raised.filter(created_at__gte=start, created_at__lt=end)
    for qs, at, name in ((held, "opened_at", "consultations"), (raised, "created_at", "topics")):
        for r in (qs.annotate(y=LocalYear(at), month=LocalMonth(at)).order_by()
                  .values("y", "month").annotate(n=Count("pk"))):
            cell(r["y"], r["month"])[name] += r["n"]

    due_sets: list[tuple[str, Any, str]] = [
        ("opinions", Opinion.objects.filter(community_id=community_id,
                                            state__in=OPEN_OPINION_STATES), "due_date"),
        ("answers", EntrustedAnswer.objects.awaiting().filter(community_id=community_id),
         "due_date"),
        ("tasks", ImplementationTask.objects.open().filter(community_id=community_id),
         "deadline"),
    ]
    for kind, qs, due in due_sets:
        if year is not None:
            qs = qs.filter(**{f"{due}__gte": date(year, 1, 1), f"{due}__lt": date(year + 1, 1, 1)})
        for r in qs.order_by().values(due).annotate(n=Count("pk")):
            d: date = r[due]
            c = cell(d.year, d.month)
            c[f"open_{kind}"] += r["n"]
            by_day = c["open_days"].setdefault(kind, {})
            by_day[str(d.day)] = by_day.get(str(d.day), 0) + r["n"]

    minimum = _minimum(community_id)
    out: dict[int, YearRows] = {}
    for y, months in cells.items():
        total = blank()
        series: dict[str, list[int]] = {}
        for m, v in months.items():
            _add(total, {k: v[k] for k in COUNTS})
            _add(total["answer_days"], v["answer_days"])
            for cat, n in v["categories"].items():
                series.setdefault(cat, [0] * 12)[m - 1] += n
        total["categories"] = series
        total["met"] = int(rules.minimum_met(total["consultations"], minimum))
        out[y] = {0: total, **months}
    return out


def sum_rollup(rows: Iterable[YearRows]) -> YearRows:
    """The rows of a place that add up its communities' rows (month by month)."""
    out: YearRows = {}
    for year_rows in rows:
        for m, v in year_rows.items():
            _add(out.setdefault(m, blank()), v)
    return out


# --- Writing under the cell's lock ----------------------------------------------------------


@dataclass
class Correction:
    place_id: int
    rollup: bool
    year: int
    month: int
    before: Values | None
    after: Values | None

    def __str__(self) -> str:
        what = "sum under place" if self.rollup else "community"
        changed = [
            f"{k} {(self.before or {}).get(k, 0 if k in COUNTS else {})!r}"
            f" → {(self.after or {}).get(k, 0 if k in COUNTS else {})!r}"
            for k in (*COUNTS, *JSONS)
            if (self.before or blank())[k] != (self.after or blank())[k]
        ]
        return f"{what} {self.place_id} · {self.year}-{self.month:02d}: " + "; ".join(changed)


def _lock(place_id: int, rollup: bool, year: int) -> dict[int, Figures]:
    """The place's rows of the year, locked (the month-0 row is made first, as the anchor).

    ``of=("self",)``: only these rows; nothing of the place tree is locked.
    """
    Figures.objects.bulk_create([Figures(place_id=place_id, rollup=rollup, year=year, month=0)],
                                ignore_conflicts=True)
    return {f.month: f for f in Figures.objects.select_for_update(of=("self",))
            .filter(place_id=place_id, rollup=rollup, year=year).order_by("month")}


def _write(place_id: int, rollup: bool, year: int, stored: dict[int, Figures],
           counted: YearRows) -> list[Correction]:
    """Make the stored rows say what was counted; the differences, as corrections.

    A month with nothing in it has no row (a row of zeros is the same and is removed);
    month 0 always has one, the cell's lock anchor.
    """
    now = clock.now()
    fixes: list[Correction] = []
    new: list[Figures] = []
    for month in range(13):
        after = counted.get(month)
        if after is not None and month and _empty(after):
            after = None
        if month == 0 and after is None:
            after = blank()
        row = stored.get(month)
        before = _stored(row) if row is not None else None
        if before == after or (after is None and before is not None and _empty(before)):
            if after is None and row is not None:
                row.delete()
            continue
        fixes.append(Correction(place_id, rollup, year, month, before, after))
        if after is None:
            assert row is not None
            row.delete()
        elif row is None:
            new.append(Figures(place_id=place_id, rollup=rollup, year=year, month=month,
                               computed_at=now, **after))
        else:
            for k, v in after.items():
                setattr(row, k, v)
            row.computed_at = now
            row.save(update_fields=[*after, "computed_at"])
    if new:
        Figures.objects.bulk_create(new)
    return fixes


def refresh_community(community_id: int, year: int, *,
                      with_parent: bool = True) -> list[Correction]:
    """Count one community's year again from its records, then its parent's sum (unless the
    caller adds the parents up itself afterwards, as the rebuild does)."""
    with transaction.atomic():
        place = Place.objects.filter(pk=community_id).values("parent_id").first()
        if place is None:  # the place is gone, and its rows with it
            Figures.objects.filter(place_id=community_id).delete()
            return []
        stored = _lock(community_id, False, year)
        fixes = _write(community_id, False, year, stored,
                       count_community(community_id, year).get(year, {}))
        if place["parent_id"] and with_parent:
            fixes += refresh_rollup(place["parent_id"], year)
        return fixes


def _child_rows(parent_id: int, year: int | None = None) -> dict[int, list[YearRows]]:
    """Stored rows of the places directly under ``parent_id`` (a community's own rows, a
    street's or a district's sum): year → [their rows]."""
    qs = Figures.objects.filter(
        Q(rollup=False, place__kind=PlaceKind.COMMUNITY)
        | Q(rollup=True, place__kind__in=SUMMED_KINDS), place__parent_id=parent_id)
    if year is not None:
        qs = qs.filter(year=year)
    found: dict[tuple[int, int], YearRows] = defaultdict(dict)
    for f in qs:
        found[f.year, f.place_id][f.month] = _stored(f)
    by_year: dict[int, list[YearRows]] = defaultdict(list)
    for (y, _pk), rows in found.items():
        by_year[y].append(rows)
    return by_year


def refresh_rollup(place_id: int, year: int) -> list[Correction]:
    """Add up the rows of the places directly under a place again, under its row lock; when
    the sum changed, note the place above it for the worker (``note_upper``)."""
    with transaction.atomic():
        place = Place.objects.filter(pk=place_id).values("parent_id").first()
        if place is None:
            return []
        stored = _lock(place_id, True, year)
        # After the lock: a place refreshed at the same time committed its own row first.
        counted = sum_rollup(_child_rows(place_id, year).get(year, []))
        fixes = _write(place_id, True, year, stored, counted)
        if fixes and place["parent_id"]:
            note_upper(place["parent_id"], year)
        return fixes


def note_upper(place_id: int, year: int) -> None:
    """Note a district's or the city's sum for the worker, in the caller's transaction, and
    make sure a refresh task is waiting once it commits."""
    StaleFigures.objects.create(place_id=place_id, rollup=True, year=year)
    transaction.on_commit(_enqueue_refresh, robust=True)


def _enqueue_refresh() -> None:
    """One waiting task is enough: it reads every note when it runs. It waits
    ``YISHI_FIGURES_DELAY`` seconds first, so a busy city's writes of those seconds are
    added up once, not once each."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .tasks import refresh_figures

    if DBTaskResult.objects.filter(task_path=refresh_figures.module_path,
                                   status=TaskResultStatus.READY).exists():
        return
    delay = float(getattr(settings, "YISHI_FIGURES_DELAY", 0))
    task = refresh_figures.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay \
        else refresh_figures
    task.enqueue()


# --- Notes of stale cells, and their refresh -------------------------------------------------


Key = tuple[int, bool, int]  # place, rollup, year


def mark(keys: Iterable[tuple[int | None, int | None]], *, rollup: bool = False) -> None:
    """Note cells to count again, in the caller's transaction; refresh them after it commits."""
    found = {(p, rollup, y) for p, y in keys if p and y and rules.FIRST_YEAR <= y <= 9999}
    if not found:
        return
    StaleFigures.objects.bulk_create(
        [StaleFigures(place_id=p, rollup=r, year=y) for p, r, y in sorted(found)])
    _refresh_after_commit(found)


def _refresh_after_commit(keys: set[Key]) -> None:
    """Count the cells once the change committed. A transaction that noted the same cell
    several times refreshes it once: the later callbacks find its notes spent (one query)."""
    # robust: a failed refresh is logged, not raised into a request whose change committed;
    # its notes stay for the sweep.
    transaction.on_commit(lambda: refresh_pending(keys=keys), robust=True)


def refresh_pending(*, keys: Iterable[Key] | None = None, limit: int = 2000) -> int:
    """Count again the cells with notes (those of ``keys`` only, if given); how many cells
    were counted.

    Each cell in its own transaction that deletes the notes read before counting; a cell
    that fails keeps its notes and is logged, the others go on.
    """
    qs = StaleFigures.objects.order_by("pk")
    if keys is not None:
        wanted = set(keys)
        if not wanted:
            return 0
        q = Q()
        for p, r, y in wanted:
            q |= Q(place_id=p, rollup=r, year=y)
        qs = qs.filter(q)
    notes: dict[Key, list[int]] = defaultdict(list)
    for pk, p, r, y in qs.values_list("pk", "place_id", "rollup", "year")[:limit]:
        notes[p, r, y].append(pk)
    # Communities before sums and the places under a place before it: the lock order.
    sums = [p for p, r, _y in notes if r]
    depth = ({pk: path.count("/") for pk, path in
              Place.objects.filter(pk__in=sums).values_list("pk", "path")} if sums else {})
    counted = 0
    for (p, r, y), pks in sorted(
            notes.items(), key=lambda kv: (kv[0][1], -depth.get(kv[0][0], 0), kv[0][2], kv[0][0])):
        try:
            with transaction.atomic():
                if r:
                    refresh_rollup(p, y)
                else:
                    refresh_community(p, y)
                StaleFigures.objects.filter(pk__in=pks).delete()
            counted += 1
        except Exception:
            log.exception("dashboard figures of %s/%s could not be refreshed", p, y)
    return counted


def refresh_all_pending(*, limit: int = 2000) -> int:
    """Drain the notes (the sweep, the worker's task): batches until none are left or a
    batch counted nothing. A batch may leave new notes for the places above the ones it
    counted; the next batch counts those."""
    done = 0
    while StaleFigures.objects.exists():
        counted = refresh_pending(limit=limit)
        if not counted:
            break
        done += counted
    return done


# --- The rebuild --------------------------------------------------------------------------


@dataclass
class RebuildReport:
    checked: int = 0
    corrections: list[Correction] = field(default_factory=list)

    @property
    def corrected(self) -> int:
        return len(self.corrections)


def _stored_rows(place_id: int, rollup: bool) -> dict[int, YearRows]:
    out: dict[int, YearRows] = defaultdict(dict)
    for f in Figures.objects.filter(place_id=place_id, rollup=rollup):
        out[f.year][f.month] = _stored(f)
    return out


def rebuild(*, say: Callable[[str], None] | None = None) -> RebuildReport:
    """Count every community from its records and every sum from them; correct what differs.

    A cell that differs is counted again under its lock before it is corrected, so a change
    committed while the rebuild ran is never overwritten with an older count, and only real
    differences are reported.
    """
    report = RebuildReport()
    communities = set(Place.objects.filter(kind=PlaceKind.COMMUNITY).values_list("pk", flat=True))
    communities |= set(Figures.objects.filter(rollup=False).values_list("place_id", flat=True)
                       .distinct())
    for pk in sorted(communities):
        counted = count_community(pk)
        stored = _stored_rows(pk, False)
        for year in sorted(set(counted) | set(stored)):
            report.checked += 1
            if _normal(counted.get(year)) != _normal(stored.get(year)):
                # The parents are compared and added up below, once each.
                report.corrections += refresh_community(pk, year, with_parent=False)
    parents = set(Place.objects.filter(kind=PlaceKind.COMMUNITY, parent__isnull=False)
                  .values_list("parent_id", flat=True).distinct())
    parents |= set(Figures.objects.filter(rollup=True).values_list("place_id", flat=True)
                   .distinct())
    paths = dict(Place.objects.filter(pk__in=parents).values_list("pk", "path"))
    for path in list(paths.values()):  # and every place above them
        parents.update(int(pk) for pk in path.strip("/").split("/") if pk)
    paths = dict(Place.objects.filter(pk__in=parents).values_list("pk", "path"))
    # The places under a place before it: a district adds up its streets' new sums.
    for pk in sorted(parents, key=lambda pk: (-paths.get(pk, "").count("/"), pk)):
        children = _child_rows(pk)
        stored = _stored_rows(pk, True)
        for year in sorted(set(children) | set(stored)):
            report.checked += 1
            if _normal(sum_rollup(children.get(year, []))) != _normal(stored.get(year)):
                report.corrections += refresh_rollup(pk, year)
    # Notes of cells just counted are spent.
    refresh_all_pending()
    if say:
        for c in report.corrections:
            say(str(c))
    return report


# --- Reading: the dashboard ---------------------------------------------------------------


def read_dashboard(place: Place, p: Period, *, rows: slice | None = None) -> Dashboard:
    """The dashboard of ``place`` from the figures rows, at any size of city.

    ``rows``: only those rows (a page of the table). A district's or the city's total and
    months then come from its own sum, kept by the worker, so the page reads fifty streets,
    not four hundred; while a note under it waits for the worker, or without a page, every
    row is read and added up, so the total always equals the rows.
    """
    from .selectors import Dashboard, Row, row_kind, totals

    kind = row_kind(place)
    under = Place.objects.filter(kind=kind, path__startswith=place.path)
    if rows is not None and place.kind in UPPER_KINDS and _sum_is_current(place, p.year):
        page = list(under.select_related("parent").order_by("path")[rows])
        by_id = {pl.pk: Row(place=pl) for pl in page}
        total = Row(place=place)
        series = _read_rows(by_id, kind, p, ids=[*by_id, place.pk], total=total)
        counts = Place.objects.filter(path__startswith=place.path).aggregate(
            rows=Count("pk", filter=Q(kind=kind)),
            communities=Count("pk", filter=Q(kind=PlaceKind.COMMUNITY)))
        total.communities = counts["communities"]
        return Dashboard(place=place, period=p, rows_kind=kind,
                         rows=[by_id[pl.pk] for pl in page], total=total,
                         months={c: series[c] for c in Category.values if c in series},
                         row_count=counts["rows"])
    places = list(under.select_related("parent").order_by("path"))
    by_id = {pl.pk: Row(place=pl) for pl in places}
    series = _read_rows(by_id, kind, p, ids=under.values("pk"))
    all_rows = [by_id[pl.pk] for pl in places]
    return Dashboard(place=place, period=p, rows_kind=kind,
                     rows=all_rows if rows is None else all_rows[rows],
                     total=totals(all_rows, place),
                     months={c: series[c] for c in Category.values if c in series},
                     row_count=len(all_rows))


def _sum_is_current(place: Place, year: int) -> bool:
    """The place's own sum of the year exists and no note under it waits for the worker."""
    waiting = StaleFigures.objects.filter(rollup=True, year=year,
                                          place__path__startswith=place.path,
                                          place__kind__in=UPPER_KINDS)
    stale = (Figures.objects.filter(place=place, rollup=True, year=year, month=0)
             .annotate(stale=Exists(waiting)).values_list("stale", flat=True).first())
    return stale is False


def _read_rows(by_id: dict[int, Any], kind: str, p: Period, *, ids: Any,
               total: Any = None) -> dict[str, list[int]]:
    """Fill the rows (``by_id``; ``total`` for the place's own sum, when its id is among
    ``ids``) from the figures of ``ids``; the months series (of the total if given, else
    of the rows)."""
    rollup = kind != PlaceKind.COMMUNITY
    default = rules.DEFAULT_MINIMUM_CONSULTATIONS
    key = "parent_id" if rollup else "pk"
    communities = Place.objects.filter(kind=PlaceKind.COMMUNITY, **{f"{key}__in": list(by_id)})
    for r in (communities.order_by().values(key).annotate(
            n=Count("pk"),
            minimum=Max(Coalesce("ledger_settings__min_consultations", Value(default))))):
        row = by_id.get(r[key])
        if row is not None:
            row.communities = r["n"]
            row.minimum = int(r["minimum"] or default)

    def target(pk: int) -> Any:
        return total if total is not None and pk == total.place.pk else by_id.get(pk)

    series: dict[str, list[int]] = {}
    mine = Figures.objects.filter(rollup=rollup, place__in=ids)
    for (pk, opinions, answered, rated, satisfied, consultations, topics, met, answer_days,
         categories) in mine.filter(year=p.year, month=0).values_list(
            "place_id", "opinions", "answered", "rated", "satisfied", "consultations",
            "topics", "met", "answer_days", "categories"):
        row = target(pk)
        if row is None:
            continue
        row.opinions, row.answered, row.rated, row.satisfied = (
            opinions, answered, rated, satisfied)
        row.consultations, row.topics, row.met = consultations, topics, met
        row.days = {int(d): n for d, n in answer_days.items()}
        if total is not None and row is not total:
            continue  # the months are the total's own
        for cat, counts in categories.items():
            acc = series.get(cat)
            if acc is None:
                series[cat] = list(counts)
            else:
                series[cat] = [x + y for x, y in zip(acc, counts, strict=True)]

    today = p.today
    before = Q(year__lt=today.year) | Q(year=today.year, month__lt=today.month)
    for r in (mine.filter(before, month__gte=1).order_by().values("place_id")
              .annotate(o=Sum("open_opinions"), a=Sum("open_answers"), t=Sum("open_tasks"))):
        row = target(r["place_id"])
        if row is not None:
            row.overdue_opinions, row.overdue_answers, row.overdue_tasks = r["o"], r["a"], r["t"]
    for pk, days in mine.filter(year=today.year, month=today.month).values_list(
            "place_id", "open_days"):
        row = target(pk)
        if row is None:
            continue
        for kind_, name in zip(OPEN_KINDS, ("overdue_opinions", "overdue_answers",
                                            "overdue_tasks"), strict=True):
            late = sum(n for d, n in days.get(kind_, {}).items() if int(d) < today.day)
            setattr(row, name, getattr(row, name) + late)
    return series


# --- What marks a cell stale ----------------------------------------------------------------

MISSING = object()


def _local_year(dt: datetime | None) -> int | None:
    return timezone.localtime(dt).year if dt is not None else None


def _year(d: date | None) -> int | None:
    return d.year if d is not None else None


def _values(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """Field values without loading deferred fields one query each (one query for all)."""
    found = {n: instance.__dict__.get(n, MISSING) for n in names}
    missing = [n for n, v in found.items() if v is MISSING]
    if missing and instance.pk is not None:
        row = type(instance)._base_manager.filter(pk=instance.pk).values(*missing).first() or {}
        found.update({n: row.get(n) for n in missing})
    return found


def _remember(names: tuple[str, ...]) -> Callable[..., None]:
    def post_init(sender: Any, instance: Any, **kwargs: Any) -> None:
        if instance.pk is not None:
            instance._figures_was = {n: instance.__dict__.get(n, MISSING) for n in names}
    return post_init


def _was(instance: Any) -> dict[str, Any]:
    was = getattr(instance, "_figures_was", None) or {}
    return {k: v for k, v in was.items() if v is not MISSING}


def _after_save(instance: Any, names: tuple[str, ...]) -> None:
    instance._figures_was = {n: instance.__dict__.get(n, MISSING) for n in names}


def _unchanged(instance: Any, now: dict[str, Any], kwargs: dict[str, Any]) -> bool:
    """A save that changed none of the fields a figure reads (a topic's state, a meeting's
    minutes, an opinion's text) notes nothing: most saves of a live meeting are such."""
    if "created" not in kwargs or kwargs["created"]:  # a deletion, or a new record
        return False
    was = getattr(instance, "_figures_was", None) or {}
    return len(was) == len(now) and all(was[k] is not MISSING and was[k] == v
                                        for k, v in now.items())


# The fields each figure reads, per model; the first ones also say which cells.
OPINION_FIELDS = ("community_id", "year", "due_date", "submitted_at", "answered_at", "state",
                  "rating", "category")


def _opinion_keys(v: dict[str, Any]) -> set[tuple[Any, Any]]:
    c = v.get("community_id")
    return {(c, v.get("year")), (c, _year(v.get("due_date")))}


def opinion_changed(sender: Any, instance: Opinion, **kwargs: Any) -> None:
    now = _values(instance, OPINION_FIELDS)
    if not _unchanged(instance, now, kwargs):
        mark(_opinion_keys(now) | _opinion_keys(_was(instance)))
    _after_save(instance, OPINION_FIELDS)


def _due_receiver(fields: tuple[str, ...]) -> Callable[..., None]:
    community, due = fields[:2]

    def changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        now = _values(instance, fields)
        if not _unchanged(instance, now, kwargs):
            was = _was(instance)
            mark({(now[community], _year(now[due])),
                  (was.get(community), _year(was.get(due)))})
        _after_save(instance, fields)
    return changed


ANSWER_FIELDS = ("community_id", "due_date", "state")
TASK_FIELDS = ("community_id", "deadline", "state")
TOPIC_FIELDS = ("community_id", "created_at")
MEETING_FIELDS = ("topic_id", "opened_at")
PLACE_FIELDS = ("parent_id", "kind")


def topic_changed(sender: Any, instance: Topic, **kwargs: Any) -> None:
    now = _values(instance, TOPIC_FIELDS)
    if _unchanged(instance, now, kwargs):
        return
    was = _was(instance)
    keys = {(now["community_id"], _local_year(now["created_at"])),
            (was.get("community_id"), _local_year(was.get("created_at")))}
    old = was.get("community_id")
    if old is not None and old != now["community_id"] and not kwargs.get("created"):
        # A topic moved to another community takes its meetings along.
        years = {_local_year(at) for at in Meeting.objects.filter(topic_id=instance.pk)
                 .exclude(opened_at=None).values_list("opened_at", flat=True)}
        keys |= {(c, y) for c in (old, now["community_id"]) for y in years}
    mark(keys)
    _after_save(instance, TOPIC_FIELDS)


def meeting_changed(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    now = _values(instance, MEETING_FIELDS)
    if _unchanged(instance, now, kwargs):
        return
    was = _was(instance)
    topics = {t for t in (now["topic_id"], was.get("topic_id")) if t}
    community: dict[Any, int] = dict(
        Topic.objects.filter(pk__in=topics).values_list("pk", "community_id"))
    mark({(community.get(v.get("topic_id")), _local_year(v.get("opened_at")))
          for v in (now, was)})
    _after_save(instance, MEETING_FIELDS)


def attendance_changed(sender: Any, instance: Attendance, **kwargs: Any) -> None:
    """The first sign-in makes a held meeting a consultation (and the last one gone, not)."""
    found = (Meeting.objects.filter(pk=instance.meeting_id)
             .values_list("topic__community_id", "opened_at").first())
    if found and found[1] is not None:
        mark({(found[0], _local_year(found[1]))})


def _community_years(community_id: int) -> set[int]:
    return set(Figures.objects.filter(place_id=community_id, rollup=False, month=0)
               .values_list("year", flat=True))


def settings_changed(sender: Any, instance: LedgerSettings, **kwargs: Any) -> None:
    """A new minimum changes whether each year of the community met it."""
    years = _community_years(instance.community_id)
    mark({(instance.community_id, y) for y in years})


def place_will_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Remember a place's parent and kind before a save (one query: places are saved
    rarely and loaded everywhere, so nothing is kept on every loaded place)."""
    if instance.pk is not None:
        instance._figures_was = (Place._base_manager.filter(pk=instance.pk)
                                 .values(*PLACE_FIELDS).first() or {})


def _place_years(place_id: int) -> set[int]:
    """The years a place has figures for: its own (a community's) or its sum's."""
    return set(Figures.objects.filter(place_id=place_id, month=0)
               .values_list("year", flat=True).distinct())


def place_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A community moved under another street, a street under another district (or made,
    or no longer a community): the sums it was in and the ones it is in now."""
    now = _values(instance, PLACE_FIELDS)
    was = _was(instance)
    instance._figures_was = None
    if kwargs.get("created") or not was or (was.get("parent_id") == now["parent_id"]
                                            and was.get("kind") == now["kind"]):
        return
    years = _place_years(instance.pk)
    if PlaceKind.COMMUNITY in (was.get("kind"), now["kind"]):
        mark({(instance.pk, y) for y in years})
    for parent in {was.get("parent_id"), now["parent_id"]}:
        mark({(parent, y) for y in years}, rollup=True)


def place_deleted(sender: Any, instance: Place, **kwargs: Any) -> None:
    if instance.parent_id:
        mark({(instance.parent_id, y) for y in _place_years(instance.pk)}, rollup=True)


def connect() -> None:
    """Connect the receivers (``LedgerConfig.ready``)."""
    from django.db.models import signals

    def both(model: Any, receiver: Callable[..., None], names: tuple[str, ...] = ()) -> None:
        uid = f"ledger.figures.{model._meta.label_lower}"
        if names:
            signals.post_init.connect(_remember(names), sender=model, weak=False,
                                      dispatch_uid=f"{uid}.init")
        signals.post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        signals.post_delete.connect(receiver, sender=model, weak=False,
                                    dispatch_uid=f"{uid}.delete")

    both(Opinion, opinion_changed, OPINION_FIELDS)
    both(EntrustedAnswer, _due_receiver(ANSWER_FIELDS), ANSWER_FIELDS)
    both(ImplementationTask, _due_receiver(TASK_FIELDS), TASK_FIELDS)
    both(Topic, topic_changed, TOPIC_FIELDS)
    both(Meeting, meeting_changed, MEETING_FIELDS)
    both(Attendance, attendance_changed)
    both(LedgerSettings, settings_changed)
    signals.pre_save.connect(place_will_change, sender=Place, weak=False,
                             dispatch_uid="ledger.figures.place.pre_save")
    signals.post_save.connect(place_changed, sender=Place, weak=False,
                              dispatch_uid="ledger.figures.place.save")
    signals.pre_delete.connect(place_deleted, sender=Place, weak=False,
                               dispatch_uid="ledger.figures.place.delete")
