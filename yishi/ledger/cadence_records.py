"""The calendar's cadences (``cadence.CADENCES``) read from the records, for the ledger, the
dashboards and the reminders.

One query whatever the size of the place, a UNION ALL: the communities under it, once per
cadence asked of them with their minimum, and GROUP BYs over the year's records (the
consultation meetings and the assemblies) counting what was held per community, source and
day. The pure
``cadence.cadence_periods`` then gives each community's periods; communities with the same
records and minimum share one computation (most have none).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate

from yishi.consult.models import Assembly, Meeting
from yishi.places.models import Place, PlaceKind

from . import cadence

if TYPE_CHECKING:
    from .selectors import Period, Row

MEETING_FORMS = sorted({f for c in cadence.CADENCES.values() if c.counts == "meetings"
                        for f in c.forms})
ASSEMBLY_KINDS = sorted({k for c in cadence.CADENCES.values() if c.counts == "assemblies"
                         for k in c.kinds})


@dataclass
class CommunityCadences:
    """One community's periods of each cadence it is asked for, in the table's order."""

    pk: int
    name: str
    parent_id: int | None
    periods: dict[str, list[cadence.CadencePeriod]] = field(default_factory=dict)

    def tallies(self) -> dict[str, cadence.Tally]:
        return {key: _tally(tuple(ps)) for key, ps in self.periods.items()}


@lru_cache(maxsize=4096)
def _tally(periods: tuple[cadence.CadencePeriod, ...]) -> cadence.Tally:
    return cadence.tally(periods)  # read only: the rows add it into their own


@lru_cache(maxsize=4096)
def _periods(key: str, year: int, days: tuple[date, ...], today: date,
             minimum: int) -> tuple[cadence.CadencePeriod, ...]:
    return tuple(cadence.cadence_periods(cadence.CADENCES[key], year, days, today, minimum))


def _as_date(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _applies(c: cadence.Cadence) -> Q:
    """The communities asked for the cadence, as a filter (``cadence.applies`` in SQL)."""
    if c.applies_to == "all":
        return Q()
    if c.applies_to in ("village", "urban"):
        return Q(is_village=c.applies_to == "village")
    return Q(pk__in=[])  # another level's cadence


def _columns(qs: QuerySet[Any], **values: Any) -> QuerySet[Any]:
    """The union's columns, in one order for every part of it."""
    return qs.annotate(**{name: values[name] for name in COLUMNS if name != "n"})


# Prefixed: the names must not be a field of any of the models (Place has name and path).
COLUMNS = ("k_cid", "k_parent", "k_name", "k_path", "k_src", "k_what", "k_day", "n")


def _rows(place: Place, p: Period) -> QuerySet[Any]:
    """One query (a UNION ALL): a row per community and cadence asked of it, with its
    minimum (``src`` "place"); and the year's meetings and assemblies that count, per
    community, source, kind and day held (``src`` "meetings" / "assemblies")."""
    from .selectors import _counted_in, subtree_ids

    under = subtree_ids(place)
    text: CharField[Any, Any] = CharField()
    day: DateField[Any, Any] = DateField()
    # A typed NULL: PostgreSQL types the first two parts' bare NULLs as text, and the
    # communities' parent ids (bigint) then do not match them.
    blank = {"k_parent": Cast(Value(None), output_field=BigIntegerField()),
             "k_name": Value("", output_field=text),
             "k_path": Value("", output_field=text)}
    meetings = _columns(
        Meeting.objects.filter(_counted_in(p), topic__community__in=under,
                               plan__form__in=MEETING_FORMS).order_by(),
        k_cid=F("topic__community_id"), **blank, k_src=Value("meetings", output_field=text),
        k_what=F("plan__form"), k_day=TruncDate("opened_at"),
    ).values(*COLUMNS[:-1]).annotate(n=Count("pk"))
    assemblies = _columns(
        Assembly.objects.filter(held_on__gte=p.first_day, held_on__lte=p.last_day,
                                topic__community__in=under, kind__in=ASSEMBLY_KINDS).order_by(),
        k_cid=F("topic__community_id"), **blank, k_src=Value("assemblies", output_field=text),
        k_what=F("kind"), k_day=F("held_on"),
    ).values(*COLUMNS[:-1]).annotate(n=Count("pk"))
    communities = Place.objects.filter(kind=PlaceKind.COMMUNITY,
                                       path__startswith=place.path).order_by()
    asked = [
        _columns(communities.filter(_applies(c)), k_cid=F("pk"),
                 k_parent=F("parent_id"), k_name=F("name"), k_path=F("path"),
                 k_src=Value("place", output_field=text), k_what=Value(c.key, output_field=text),
                 k_day=Value(None, output_field=day))
        .annotate(n=Coalesce(F(f"ledger_settings__{c.setting}"), Value(c.floor)))
        .values(*COLUMNS)
        for c in cadence.CADENCES.values()
    ]
    return meetings.union(assemblies, *asked, all=True)


def communities(place: Place, p: Period) -> list[CommunityCadences]:
    """Every community under ``place`` (itself, if it is one) with its periods of the year,
    in the tree's order; one query."""
    sources: dict[tuple[str, str], list[str]] = {}
    for c in cadence.CADENCES.values():
        for what in (c.forms if c.counts == "meetings" else c.kinds):
            sources.setdefault((c.counts, what), []).append(c.key)
    held: dict[tuple[int, str], list[date]] = {}
    asked: dict[int, tuple[str, CommunityCadences, dict[str, int]]] = {}
    for r in _rows(place, p):
        if r["k_src"] == "place":
            entry = asked.get(r["k_cid"])
            if entry is None:
                entry = asked[r["k_cid"]] = (r["k_path"], CommunityCadences(
                    pk=r["k_cid"], name=r["k_name"], parent_id=r["k_parent"]), {})
            entry[2][r["k_what"]] = int(r["n"])
            continue
        day = _as_date(r["k_day"])
        for key in sources.get((r["k_src"], r["k_what"]), []):
            held.setdefault((r["k_cid"], key), []).extend([day] * int(r["n"]))
    out = []
    for _path, one, minimums in sorted(asked.values(), key=lambda e: e[0]):
        for c in cadence.CADENCES.values():  # the table's order
            if c.key in minimums:
                days = tuple(sorted(held.get((one.pk, c.key), ())))
                one.periods[c.key] = list(_periods(
                    c.key, p.year, days, p.today, cadence.minimum_for(c, minimums[c.key])))
        out.append(one)
    return out


def _copy(t: cadence.Tally) -> cadence.Tally:
    return cadence.Tally(held=t.held, due=t.due, missed=t.missed, communities=t.communities)


def fill(rows: Iterable[Row], total: Row | None, place: Place, p: Period, kind: str, *,
         found: list[CommunityCadences] | None = None) -> None:
    """Set ``cadences`` (key → Tally) on each row (communities, or streets: their
    communities added up) and on ``total`` (everything under ``place``); ``found``: the
    communities already read."""
    by_id = {r.place.pk: r for r in rows}
    for r in by_id.values():
        r.cadences = {}
    grand: dict[str, cadence.Tally] = {}
    for com in communities(place, p) if found is None else found:
        row = by_id.get(com.pk if kind == PlaceKind.COMMUNITY else com.parent_id or 0)
        for key, t in com.tallies().items():
            if row is not None:
                row.cadences.setdefault(key, cadence.Tally()).add(t)
            grand.setdefault(key, cadence.Tally()).add(t)
    if total is not None:
        total.cadences = {k: _copy(t) for k, t in grand.items()}


def period_count(place: Place) -> int:
    """How many rows the ledger's cadence sheet has (the export's progress): one query."""
    found = (Place.objects.filter(kind=PlaceKind.COMMUNITY, path__startswith=place.path)
             .order_by().values("is_village").annotate(n=Count("pk")))
    return sum(r["n"] * len(cadence.PERIODS[c.period]) for r in found
               for c in cadence.CADENCES.values() if cadence.applies(c, is_village=r["is_village"]))


@dataclass(frozen=True)
class LedgerPeriod:
    community: str
    meeting: cadence.Cadence  # the cadence
    period: cadence.CadencePeriod


def ledger_periods(found: Iterable[CommunityCadences]) -> list[LedgerPeriod]:
    """The ledger's sheet: every period of every cadence of each community, in order."""
    return [LedgerPeriod(com.name, cadence.CADENCES[key], period)
            for com in found for key, periods in com.periods.items() for period in periods]


def board(cadences: dict[str, cadence.Tally]) -> Iterator[tuple[cadence.Cadence,
                                                                cadence.Tally | None]]:
    """Each cadence of the table with its tally (None: asked of none of these communities)."""
    for c in cadence.CADENCES.values():
        t = cadences.get(c.key)
        yield c, (t if t is not None and t.communities else None)
