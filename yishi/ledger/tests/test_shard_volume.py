"""``manage.py shard_volume`` (docs/scaling.md): every table placed for Citus, the
extrapolation's arithmetic, the simulated hash distribution, and the command on a small
generated city (PostgreSQL) or its refusal elsewhere."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from yishi.ledger import shard_volume as sv

CITY = sv.Measured(
    tables=[sv.TableSize("intake_opinion", 1_000_000, 2_000),
            sv.TableSize("consult_topic", 400_000, 400),
            sv.TableSize("places_person", 50_000, 500),
            sv.TableSize("places_place", 20_000, 110),
            sv.TableSize("auth_permission", 8_000, 288),
            sv.TableSize("core_auditevent", 16_384, 3),  # a few rows: not extrapolated
            sv.TableSize("someone_elses", 4_000, 1_000)],
    communities=100, years=2, opinions_per_community=[20] * 100)
NATION = sv.Scale(communities=1_000, opinions=100_000, years=10)


def _by_table(projections: list[sv.Projection]) -> dict[str, sv.Projection]:
    return {p.table: p for p in projections}


# --- The placement ----------------------------------------------------------------------


def test_every_table_of_the_project_is_placed_and_no_placement_is_stale() -> None:
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    assert tables - set(sv.TABLES) == set()
    assert set(sv.TABLES) - tables == {"django_migrations"}


def test_a_distributed_table_adds_the_community_only_where_it_has_none() -> None:
    for model in apps.get_models(include_auto_created=True):
        p = sv.TABLES[model._meta.db_table]
        if p.kind != sv.DISTRIBUTED:
            continue
        columns = {f.column for f in model._meta.concrete_fields}
        if p.added:
            assert p.column == sv.COMMUNITY and sv.COMMUNITY not in columns, model
        else:
            assert p.column in columns, model


def test_the_tree_accounts_and_calendar_are_on_every_node_and_the_queue_on_the_coordinator():
    for table in ("places_place", "places_role", "auth_user", "core_calendarday",
                  "ledger_ledgersettings"):
        assert sv.TABLES[table].kind == sv.REFERENCE, table
    for table in ("django_session", "django_tasks_database_dbtaskresult", "core_workerbeat",
                  "ledger_exportjob"):
        assert sv.TABLES[table].kind == sv.LOCAL, table
    for table in ("intake_opinion", "consult_topic", "core_auditevent", "core_audithead",
                  "core_counter", "ledger_figures", "disclosure_notice"):
        assert sv.TABLES[table].kind == sv.DISTRIBUTED, table


# --- The arithmetic ---------------------------------------------------------------------


def test_each_table_grows_with_what_it_follows() -> None:
    assert sv.growth_factor(sv.OPINIONS, CITY, NATION) == 100_000 / 2_000
    assert sv.growth_factor(sv.COMMUNITY_YEARS, CITY, NATION) == (1_000 * 10) / (100 * 2)
    assert sv.growth_factor(sv.COMMUNITIES, CITY, NATION) == 10
    assert sv.growth_factor(sv.FIXED, CITY, NATION) == 1
    p = _by_table(sv.project(CITY, NATION))
    assert p["intake_opinion"].bytes == 1_000_000 * 50 and p["intake_opinion"].rows == 100_000
    assert p["consult_topic"].bytes == 400_000 * 50 and p["consult_topic"].rows == 20_000
    assert p["places_person"].bytes == 500_000 and p["places_place"].rows == 1_100
    assert p["auth_permission"].bytes == 8_000 and p["auth_permission"].rows == 288
    assert p["someone_elses"].placement == sv.UNKNOWN and p["someone_elses"].bytes == 4_000


def test_bytes_per_community_year_and_per_opinion() -> None:
    p = _by_table(sv.project(CITY, NATION))["intake_opinion"]
    assert p.bytes_per_community_year == 1_000_000 / 200
    assert p.bytes_per_opinion == 500


def test_a_table_of_a_few_rows_is_counted_at_its_size_not_extrapolated() -> None:
    p = _by_table(sv.project(CITY, NATION))["core_auditevent"]
    assert not p.extrapolated and p.bytes == 16_384 and p.rows == 3


def test_totals_by_placement_and_largest_table_first() -> None:
    projections = sv.project(CITY, NATION)
    assert projections[0].table == "intake_opinion"
    sums = sv.totals(projections)
    assert sums[sv.DISTRIBUTED] == 50_000_000 + 20_000_000 + 500_000 + 16_384
    assert sums[sv.REFERENCE] == 200_000 + 8_000
    assert sums[sv.LOCAL] == 4_000
    assert sv.split_distributed(projections) == (50_000_000 + 16_384, 20_000_000 + 500_000)


def test_nothing_to_extrapolate_from_is_refused() -> None:
    empty = sv.Measured(tables=[], communities=3, years=1, opinions_per_community=[0, 0, 0])
    with pytest.raises(ValueError):
        sv.project(empty, NATION)


# --- The hash distribution --------------------------------------------------------------


def test_equal_communities_spread_evenly_and_the_shards_add_up() -> None:
    s = sv.simulate_shards(by_opinions=6e12, evenly=4e12, opinions_per_community=[140] * 50,
                           communities=710_000, shards=32)
    assert s.mean == pytest.approx(1e13 / 32)
    assert s.smallest <= s.mean <= s.largest < 1.03 * s.mean  # ~22,000 communities a shard
    assert 21_500 < s.communities_in_largest < 23_000


def test_the_largest_shard_follows_the_real_skew_of_opinions() -> None:
    # One community in ten holds all the opinions: few communities a shard, visible skew.
    skewed = [0] * 9 + [1_000]
    s = sv.simulate_shards(by_opinions=1e9, evenly=0, opinions_per_community=skewed,
                           communities=200, shards=16, seed=3)
    even = sv.simulate_shards(by_opinions=1e9, evenly=0, opinions_per_community=[100] * 10,
                              communities=200, shards=16, seed=3)
    assert s.largest / s.mean > even.largest / even.mean
    assert even.mean * 16 == pytest.approx(1e9)


def test_the_same_seed_draws_the_same_shards() -> None:
    args = {"by_opinions": 1e12, "evenly": 1e11, "opinions_per_community": [1, 50, 300, 120],
            "communities": 10_000, "shards": 16}
    assert sv.simulate_shards(**args, seed=7) == sv.simulate_shards(**args, seed=7)  # type: ignore[arg-type]


def test_sizes_read_in_binary_units() -> None:
    assert sv.size(512) == "512 B"
    assert sv.size(1010 * 1024) == "0.99 MiB"
    assert sv.size(442 * 1024**2) == "442 MiB"
    assert sv.size(52.6 * 1024**3) == "52.6 GiB"
    assert sv.size(3 * 1024**5) == "3072 TiB"


def test_the_report_has_a_row_per_table_and_per_shard_count() -> None:
    lines = sv.report(CITY, NATION, [16, 32, 64])
    text = "\n".join(lines)
    assert "| intake_opinion | distributed | opinions | 2,000 |" in text
    assert "| core_auditevent |" not in text and "core_auditevent (3)" in text
    for n in (16, 32, 64):
        assert any(line.startswith(f"| {n} | ") for line in lines), n


# --- The command ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")
@pytest.mark.django_db
def test_on_a_small_generated_city_it_prints_every_table_and_the_shards() -> None:
    call_command("generate_city", "--small", stdout=io.StringIO())
    out = io.StringIO()
    call_command("shard_volume", "--shards", "8", "16", "--exact", stdout=out)
    text = out.getvalue()
    # 600 opinions here, a billion nationally: the opinion table scales exactly.
    assert "| intake_opinion | distributed | opinions | 600 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| intake_opinion |"))
    assert row.split(" | ")[7] == "1,000,000,000"
    assert "| consult_topic | distributed | community-years |" in text
    assert "places_place (" in text  # a small city's few places: counted, not extrapolated
    assert any(line.startswith("| 8 | ") for line in text.splitlines())
    assert any(line.startswith("| 16 | ") for line in text.splitlines())
    measured = sv.measure(connection)
    assert (measured.communities, measured.years, measured.opinions) == (20, 2, 600)
    assert len(measured.opinions_per_community) == 20
    sizes = {t.table: t for t in measured.tables}
    assert sizes["intake_opinion"].rows == 600 and sizes["intake_opinion"].bytes > 0


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")
@pytest.mark.django_db
def test_on_an_empty_database_it_says_to_generate_a_city_first() -> None:
    with pytest.raises(CommandError, match="generate_city"):
        call_command("shard_volume", stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_elsewhere_than_postgresql_it_says_it_needs_postgresql() -> None:
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("shard_volume", stdout=io.StringIO())
