"""How big the national Yishi would be on Citus, sharded by community: a simulation.

``manage.py shard_volume`` reads the current PostgreSQL database's table sizes and row
counts (the catalogue: ``pg_total_relation_size``, ``pg_class.reltuples``) and how many
opinions each of its communities holds, and extrapolates each table to a national scale
(710,000 communities and villages, a billion opinions over ten years by default) by what
it grows with: opinions, community-years, communities, or nothing. Then it spreads the
distributed tables over N shards as hash distribution would, drawing each of the national
communities from the database's real distribution of opinions per community, and prints
the mean and the largest shard, and what every node holds besides (the reference tables).

``TABLES`` is the placement ``docs/scaling.md`` argues for: every table of Yishi is
distributed by community, a reference table (a copy on every node) or local to the
coordinator. It is a description for the simulation and the docs; nothing here shards.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from yishi.intake.models import Opinion
from yishi.places.models import Place, PlaceKind

DISTRIBUTED = "distributed"  # by community: one community's rows on one shard
REFERENCE = "reference"  # a copy on every node, joinable from any shard
LOCAL = "local"  # on the coordinator only

OPINIONS = "opinions"
COMMUNITY_YEARS = "community-years"
COMMUNITIES = "communities"
FIXED = "fixed"

# The distribution column every distributed table carries (added where a table reaches
# its community only through its parent today).
COMMUNITY = "community_id"


@dataclass(frozen=True)
class Placement:
    kind: str
    grows_with: str
    # The distribution column: community_id, added (True) where the table has none yet.
    column: str = ""
    added: bool = False


def _d(grows_with: str, *, column: str = COMMUNITY, added: bool = False) -> Placement:
    return Placement(DISTRIBUTED, grows_with, column, added)


def _r(grows_with: str = FIXED) -> Placement:
    return Placement(REFERENCE, grows_with)


def _l(grows_with: str = FIXED) -> Placement:
    return Placement(LOCAL, grows_with)


TABLES: dict[str, Placement] = {
    # intake: the opinions and what hangs on them
    "intake_opinion": _d(OPINIONS),
    "intake_opinionstep": _d(OPINIONS, added=True),
    "intake_opinionphoto": _d(OPINIONS, added=True),
    "intake_jointproposal": _d(COMMUNITY_YEARS),
    "intake_signature": _d(COMMUNITY_YEARS, added=True),
    "intake_subcategory": _d(COMMUNITIES),
    # consult: a topic and everything under it
    "consult_topic": _d(COMMUNITY_YEARS),
    "consult_riskassessment": _d(COMMUNITY_YEARS, added=True),
    "consult_topictransition": _d(COMMUNITY_YEARS, added=True),
    "consult_xmember": _d(COMMUNITY_YEARS, added=True),
    "consult_plan": _d(COMMUNITY_YEARS, added=True),
    "consult_participant": _d(COMMUNITY_YEARS, added=True),
    "consult_meeting": _d(COMMUNITY_YEARS, added=True),
    "consult_attendance": _d(COMMUNITY_YEARS, added=True),
    "consult_meetingstep": _d(COMMUNITY_YEARS, added=True),
    "consult_speech": _d(COMMUNITY_YEARS, added=True),
    "consult_vote": _d(COMMUNITY_YEARS, added=True),
    "consult_votermark": _d(COMMUNITY_YEARS, added=True),
    "consult_ballotbox": _d(COMMUNITY_YEARS, added=True),
    "consult_minutes": _d(COMMUNITY_YEARS, added=True),
    "consult_amendment": _d(COMMUNITY_YEARS, added=True),
    "consult_assembly": _d(COMMUNITY_YEARS, added=True),
    "consult_assemblyattendance": _d(COMMUNITY_YEARS, added=True),
    "consult_outcome": _d(COMMUNITY_YEARS, added=True),
    "consult_procedurestep": _d(COMMUNITY_YEARS, added=True),
    "consult_consultsettings": _d(COMMUNITIES),
    "consult_majorityrule": _d(COMMUNITIES),
    "consult_catalogueitem": _d(COMMUNITIES),
    # followup
    "followup_implementationtask": _d(COMMUNITY_YEARS),
    "followup_taskprogress": _d(COMMUNITY_YEARS, added=True),
    "followup_progressphoto": _d(COMMUNITY_YEARS, added=True),
    "followup_dissent": _d(COMMUNITY_YEARS, added=True),
    "followup_dissentexplanation": _d(COMMUNITY_YEARS, added=True),
    "followup_entrustedanswer": _d(COMMUNITY_YEARS),
    "followup_correction": _d(COMMUNITY_YEARS),
    "followup_legalopinion": _d(COMMUNITY_YEARS),
    "followup_followupsettings": _r(COMMUNITIES),  # a street's or a township's too
    # disclosure
    "disclosure_notice": _d(COMMUNITY_YEARS),
    "disclosure_noticeattachment": _d(COMMUNITY_YEARS, added=True),
    "disclosure_disclosureitem": _d(COMMUNITY_YEARS),
    "disclosure_disclosurecontent": _d(COMMUNITY_YEARS, added=True),
    "disclosure_disclosurereview": _d(COMMUNITY_YEARS, added=True),
    "disclosure_disclosuresettings": _d(COMMUNITIES),
    "disclosure_lostworksubsidy": _d(COMMUNITY_YEARS),
    # ledger: a community's figures with it; the rollups (streets and up) on the
    # coordinator, in a table of their own (docs/scaling.md)
    "ledger_figures": _d(COMMUNITY_YEARS, column="place_id"),
    "ledger_stalefigures": _d(COMMUNITY_YEARS, column="place_id"),
    "ledger_ledgersettings": _r(COMMUNITIES),  # the dashboards read every community's
    "ledger_exportjob": _l(),
    "ledger_figuresrebuild": _l(),
    # places: the tree and the staff's appointments everywhere, the people with their community
    "places_place": _r(COMMUNITIES),
    "places_role": _r(COMMUNITIES),
    "places_referraldepartment": _r(),  # a street's departments: a few rows per street
    "places_communitysettings": _d(COMMUNITIES),
    "places_household": _d(COMMUNITIES),
    "places_person": _d(COMMUNITIES),
    "places_personaldata": _d(COMMUNITIES, added=True),
    "places_committeemembership": _d(COMMUNITIES),
    # opinion couriers (002 一聘): a recruitment and a term a year, the assessment with its term
    "places_courierrecruitment": _d(COMMUNITY_YEARS),
    "places_courierappointment": _d(COMMUNITY_YEARS),
    "places_courierassessment": _d(COMMUNITY_YEARS, added=True),
    # core: each community's audit chain, head, counters and messages with it
    "core_auditevent": _d(OPINIONS, added=True),
    "core_audithead": _d(COMMUNITIES, added=True),
    "core_counter": _d(COMMUNITY_YEARS, added=True),
    "core_notification": _d(OPINIONS, added=True),
    "core_delivery": _d(OPINIONS, added=True),
    "core_reminder": _d(COMMUNITY_YEARS, added=True),
    "core_calendarday": _r(),
    "core_calendaryear": _r(),
    "core_workerbeat": _l(),
    "core_signinguard": _l(),
    "core_signincode": _l(),
    "core_passworddue": _l(),
    "core_adminduty": _l(),
    # Django and libraries: accounts everywhere (distributed rows point to them), the rest
    # on the coordinator
    "auth_user": _r(COMMUNITIES),
    "auth_group": _r(),
    "auth_permission": _r(),
    "auth_group_permissions": _r(),
    "auth_user_groups": _r(),
    "auth_user_user_permissions": _r(),
    "django_content_type": _r(),
    "django_session": _l(COMMUNITIES),
    "django_admin_log": _l(),
    "django_migrations": _l(),
    "django_tasks_database_dbtaskresult": _l(),
    "otp_totp_totpdevice": _l(),
}
# A table of the database that Yishi does not know (another app's): counted where it is.
UNKNOWN = Placement(LOCAL, FIXED)
# Below this many rows a table's size is its empty pages and index roots, not its rows:
# it is counted at its size here and not extrapolated (the report names it).
MIN_ROWS = 100


@dataclass(frozen=True)
class Scale:
    """The national picture the figures are extrapolated to."""

    communities: int = 600_000 + 110_000  # villages and urban communities
    opinions: int = 1_000_000_000
    years: int = 10


@dataclass(frozen=True)
class TableSize:
    table: str
    bytes: int
    rows: int


@dataclass(frozen=True)
class Measured:
    """What the database holds: its tables, communities, years of opinions, and each
    community's number of opinions (zeros included)."""

    tables: list[TableSize]
    communities: int
    years: int
    opinions_per_community: list[int] = field(default_factory=list)

    @property
    def opinions(self) -> int:
        return sum(self.opinions_per_community)


@dataclass(frozen=True)
class Projection:
    table: str
    placement: Placement
    measured: TableSize
    bytes_per_community_year: float
    bytes_per_opinion: float
    bytes: float  # at the national scale
    rows: float
    extrapolated: bool = True


def placement(table: str) -> Placement:
    return TABLES.get(table, UNKNOWN)


def growth_factor(grows_with: str, m: Measured, scale: Scale) -> float:
    """How many times the national scale holds what the database holds of ``grows_with``."""
    if grows_with == OPINIONS:
        return scale.opinions / m.opinions
    if grows_with == COMMUNITY_YEARS:
        return (scale.communities * scale.years) / (m.communities * m.years)
    if grows_with == COMMUNITIES:
        return scale.communities / m.communities
    return 1.0


def project(m: Measured, scale: Scale) -> list[Projection]:
    """Every table at the national scale, largest first."""
    if m.communities < 1 or m.years < 1 or m.opinions < 1:
        raise ValueError("the database holds no communities or no opinions to extrapolate from")
    community_years = m.communities * m.years
    out = []
    for t in m.tables:
        p = placement(t.table)
        extrapolated = t.rows >= MIN_ROWS
        factor = growth_factor(p.grows_with, m, scale) if extrapolated else 1.0
        out.append(Projection(
            table=t.table, placement=p, measured=t,
            bytes_per_community_year=t.bytes / community_years,
            bytes_per_opinion=t.bytes / m.opinions,
            bytes=t.bytes * factor, rows=t.rows * factor, extrapolated=extrapolated))
    return sorted(out, key=lambda p: (-p.bytes, p.table))


def totals(projections: Sequence[Projection]) -> dict[str, float]:
    """National bytes per placement (distributed, reference, local)."""
    sums = {DISTRIBUTED: 0.0, REFERENCE: 0.0, LOCAL: 0.0}
    for p in projections:
        sums[p.placement.kind] += p.bytes
    return sums


@dataclass(frozen=True)
class ShardSpread:
    shards: int
    mean: float
    largest: float
    smallest: float
    communities_in_largest: int


def simulate_shards(*, by_opinions: float, evenly: float, opinions_per_community: Sequence[int],
                    communities: int, shards: int, seed: int = 1) -> ShardSpread:
    """Hash distribution of ``communities`` over ``shards``.

    Each community is drawn from ``opinions_per_community`` (the database's, with its
    zeros) and lands on a shard at random: a hash of the community's id splits the ids
    into equal ranges, which for a few hundred thousand ids is a uniform draw. The bytes
    of the tables that grow with opinions (``by_opinions``, national) follow each
    community's opinions; the rest (``evenly``) are the same for every community.
    """
    if shards < 1 or communities < 1 or not opinions_per_community:
        raise ValueError("need at least one shard, one community and a distribution")
    rng = random.Random(seed)
    drawn = rng.choices(list(opinions_per_community), k=communities)
    mean_opinions = sum(opinions_per_community) / len(opinions_per_community)
    per_community = evenly / communities
    sizes = [0.0] * shards
    counts = [0] * shards
    for opinions in drawn:
        weight = opinions / mean_opinions if mean_opinions else 1.0
        s = rng.randrange(shards)
        sizes[s] += per_community + weight * by_opinions / communities
        counts[s] += 1
    largest = max(range(shards), key=sizes.__getitem__)
    return ShardSpread(shards=shards, mean=sum(sizes) / shards, largest=sizes[largest],
                       smallest=min(sizes), communities_in_largest=counts[largest])


def split_distributed(projections: Sequence[Projection]) -> tuple[float, float]:
    """National bytes of the distributed tables: (growing with opinions, the rest)."""
    by_opinions = sum(p.bytes for p in projections
                      if p.placement.kind == DISTRIBUTED and p.placement.grows_with == OPINIONS)
    rest = sum(p.bytes for p in projections
               if p.placement.kind == DISTRIBUTED and p.placement.grows_with != OPINIONS)
    return by_opinions, rest


def size(n: float) -> str:
    """Bytes in binary units, about three significant digits: 1.23 GiB, 432 GiB."""
    unit = "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1000 or unit == "TiB":
            break
        n /= 1024
    if unit == "B" or abs(n) >= 100:
        return f"{n:.0f} {unit}"
    return f"{n:.1f} {unit}" if abs(n) >= 10 else f"{n:.2f} {unit}"


def report(m: Measured, scale: Scale, shard_counts: Sequence[int], *, seed: int = 1) -> list[str]:
    """The lines ``manage.py shard_volume`` prints."""
    projections = project(m, scale)
    lines = [
        _("Measured: %(communities)s communities, %(years)s years, %(opinions)s opinions "
          "(%(per)s a community-year).") % {
            "communities": f"{m.communities:,}", "years": m.years,
            "opinions": f"{m.opinions:,}",
            "per": f"{m.opinions / (m.communities * m.years):.1f}"},
        _("National: %(communities)s communities, %(opinions)s opinions over %(years)s years "
          "(%(per)s a community-year).") % {
            "communities": f"{scale.communities:,}", "opinions": f"{scale.opinions:,}",
            "years": scale.years,
            "per": f"{scale.opinions / (scale.communities * scale.years):.1f}"},
        "",
        "| " + " | ".join([_("table"), _("placement"), _("grows with"), _("rows now"),
                          _("size now"), _("per community-year"), _("per opinion"),
                          _("national rows"), _("national size")]) + " |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for p in projections:
        if p.extrapolated:
            lines.append("| " + " | ".join([
                p.table, p.placement.kind, p.placement.grows_with, f"{p.measured.rows:,}",
                size(p.measured.bytes), size(p.bytes_per_community_year),
                size(p.bytes_per_opinion), f"{p.rows:,.0f}", size(p.bytes)]) + " |")
    sums = totals(projections)
    few = [p for p in projections if not p.extrapolated]
    lines += [
        "",
        _("Not extrapolated, fewer than %(rows)s rows here, counted at their size here "
          "(%(size)s in all): %(tables)s.") % {
            "rows": MIN_ROWS, "size": size(sum(p.bytes for p in few)),
            "tables": ", ".join(f"{p.table} ({p.measured.rows:,})"
                                for p in sorted(few, key=lambda p: p.table)) or "–"},
        _("National total: %(all)s; distributed %(distributed)s, reference %(reference)s "
          "(a copy on every node), local to the coordinator %(local)s.") % {
            "all": size(sum(sums.values())), "distributed": size(sums[DISTRIBUTED]),
            "reference": size(sums[REFERENCE]), "local": size(sums[LOCAL])},
        "",
        "| " + " | ".join([_("shards"), _("mean shard"), _("largest shard"),
                          _("largest / mean"), _("smallest shard"),
                          _("communities on the largest")]) + " |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    by_opinions, evenly = split_distributed(projections)
    for n in shard_counts:
        s = simulate_shards(by_opinions=by_opinions, evenly=evenly,
                            opinions_per_community=m.opinions_per_community,
                            communities=scale.communities, shards=n, seed=seed)
        lines.append(f"| {n} | {size(s.mean)} | {size(s.largest)} | {s.largest / s.mean:.3f} "
                     f"| {size(s.smallest)} | {s.communities_in_largest:,} |")
    biggest = max(m.opinions_per_community)
    lines += [
        "",
        _("Each node also holds the reference tables: %(reference)s. The largest community "
          "here has %(biggest)s opinions, %(times)s times the mean.") % {
            "reference": size(sums[REFERENCE]), "biggest": f"{biggest:,}",
            "times": f"{biggest / (m.opinions / m.communities):.1f}"},
    ]
    return lines


# --- Reading the database ----------------------------------------------------------------

TABLE_SIZES_SQL = """
    SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
    ORDER BY c.relname
"""


def measure(connection: Any, *, exact: bool = False) -> Measured:
    """The sizes from the catalogue; rows from ``reltuples`` (the last ANALYZE), counted
    where the table was never analysed (-1) or when ``exact``."""
    with connection.cursor() as cursor:
        cursor.execute(TABLE_SIZES_SQL)
        raw = cursor.fetchall()
        tables = []
        for name, nbytes, rows in raw:
            if exact or rows < 0:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
                rows = cursor.fetchone()[0]
            tables.append(TableSize(name, int(nbytes), int(rows)))
    using = connection.alias
    community_ids = list(Place.objects.using(using).filter(kind=PlaceKind.COMMUNITY)
                         .values_list("pk", flat=True))
    counts = dict(Opinion.objects.using(using).order_by().values_list("community_id")
                  .annotate(n=Count("pk")).values_list("community_id", "n"))
    years = Opinion.objects.using(using).order_by().values("year").distinct().count()
    return Measured(tables=tables, communities=len(community_ids), years=years,
                    opinions_per_community=[counts.get(pk, 0) for pk in community_ids])

