"""The dashboards read precomputed figures: they must say exactly what the records say."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yishi.core import clock
from yishi.intake import services as intake
from yishi.intake.models import Opinion
from yishi.ledger import figures, selectors
from yishi.ledger import sweeps as ledger_sweeps
from yishi.ledger.generator import CITY_NAME, Sizes, generate
from yishi.ledger.management.commands.bench import _bench_user
from yishi.ledger.models import Figures, FiguresRebuild, LedgerSettings, StaleFigures
from yishi.ledger.tasks import refresh_figures as refresh_task
from yishi.places.models import Place, PlaceKind

from . import builders as b

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")

ROW_FIELDS = ("communities", "met", "minimum", "consultations", "topics", "opinions",
              "answered", "rated", "satisfied", "overdue_opinions", "overdue_answers",
              "overdue_tasks", "days")


def _snapshot(d: selectors.Dashboard) -> tuple[Any, ...]:
    rows = [(r.place.pk, *(getattr(r, f) for f in ROW_FIELDS)) for r in d.rows]
    total = tuple(getattr(d.total, f) for f in ROW_FIELDS)
    return d.rows_kind, rows, total, d.months


def assert_figures_match_records(places: list[Place], years: list[int],
                                 days: list[date]) -> None:
    """Every row and the total, read whole and read a page at a time (a district's and the
    city's page from its own sum), equal the same counted from the records."""
    for place in places:
        for year in years:
            for today in days:
                p = selectors.period(year, today)
                counted = selectors.dashboard_from_records(place, p)
                assert _snapshot(figures.read_dashboard(place, p)) == _snapshot(counted), (
                    place.name, year, today)
                kind, rows, total, months = _snapshot(counted)
                for page in (slice(0, 1), slice(1, 3), slice(0, 50)):
                    assert _snapshot(figures.read_dashboard(place, p, rows=page)) == (
                        kind, rows[page], total, months), (place.name, year, today, page)


def _at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ZONE)


def test_the_dashboards_equal_the_records_after_a_mix_of_actions(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    a, bv = city["a"], city["b"]
    resident, staff_a = users["resident_a"].user, users["staff_a"].user
    resident_b, staff_b = users["resident_b"].user, users["staff_b"].user
    # The services, each committing as a request would: the figures refresh on commit.
    with django_capture_on_commit_callbacks(execute=True):
        with clock.at(_at(2025, 8, 4)):
            in_time = intake.raise_opinion(actor=resident, community=a, place=a,
                                           title="楼道灯坏了", text="三单元楼道灯不亮",
                                           category="utilities")
        with clock.at(_at(2025, 8, 6)):
            in_time = intake.acknowledge_opinion(actor=staff_a, opinion=in_time)
            intake.answer_opinion(actor=staff_a, opinion=in_time, answer="已维修")
        with clock.at(_at(2025, 8, 7)):
            intake.rate_opinion(actor=resident, opinion=in_time, rating=3)
        with clock.at(_at(2025, 9, 1)):
            late = intake.raise_opinion(actor=resident_b, community=bv, place=bv,
                                        title="垃圾清运不及时", text="每周只来一次",
                                        category="sanitation")
        with clock.at(_at(2025, 9, 2)):
            late = intake.acknowledge_opinion(actor=staff_b, opinion=late)
        with clock.at(_at(2025, 10, 9)):
            late = intake.answer_opinion(actor=staff_b, opinion=late, answer="已增加清运次数")
            intake.rate_opinion(actor=resident_b, opinion=late, rating=1)
        # Raised on New Year's Eve in Beijing (still 2025 by its number), left open.
        with clock.at(_at(2025, 12, 31, 23, 30)):
            intake.raise_opinion(actor=resident, community=a, place=a, title="跨年噪音",
                                 text="广场舞太晚", category="sanitation")
        with clock.at(_at(2026, 1, 5)):
            open_2026 = intake.raise_opinion(actor=resident, community=a, place=a,
                                             title="停车难", text="夜里无处停车",
                                             category="traffic")
        # A topic consulted: a meeting held with someone signed in, one more for 桃园村.
        b.consultation(bv, b.at(2025, 11, 20), title="第四次议事")
        # Direct edits (the admin, a data fix) are seen too: a moved due date, a deletion,
        # a higher yearly minimum.
        Opinion.objects.filter(pk=open_2026.pk).first().delete()  # type: ignore[union-attr]
        o = Opinion.objects.filter(community=a, state="acknowledged").order_by("pk").first()
        assert o is not None
        o.due_date = date(2026, 2, 2)
        o.save()
        LedgerSettings.objects.create(community=a, min_consultations=5)
    # Communities and streets were counted after each commit; the district's and the city's
    # sums wait for the worker, with one task queued for them.
    left = set(StaleFigures.objects.values_list("place__kind", "rollup", "year"))
    assert left == {(PlaceKind.DISTRICT, True, 2025), (PlaceKind.DISTRICT, True, 2026)}
    waiting = DBTaskResult.objects.filter(task_path=refresh_task.module_path,
                                          status=TaskResultStatus.READY)
    assert waiting.count() == 1
    # Until then a page of the city adds its streets up itself, and is exact all the same.
    assert_figures_match_records([city["city"]], [2025], [date(2026, 1, 1)])
    refresh_task.call()  # what the worker runs (run for real in the test below)
    assert not StaleFigures.objects.exists()
    assert Figures.objects.filter(place=city["city"], rollup=True, year=2025, month=0).exists()

    assert_figures_match_records(
        [city["city"], city["district"], city["street"], city["other_street"]],
        [2024, 2025, 2026],
        [date(2025, 7, 1), date(2025, 10, 24), date(2026, 1, 1), date(2026, 2, 3)],
    )
    street = selectors.period(2025, date(2026, 1, 1))
    d = selectors.dashboard(city["street"], street)
    by_name = {r.place.name: r for r in d.rows}
    # 幸福社区 held 4 of its (now) 5; 桃园村 reached 4 with the new meeting.
    assert (by_name["幸福社区"].consultations, by_name["幸福社区"].minimum_met) == (4, False)
    assert (by_name["桃园村"].consultations, by_name["桃园村"].minimum_met) == (4, True)
    assert d.total.opinions == 8 and d.total.rated == 5


@pytest.mark.django_db(transaction=True)
def test_the_worker_adds_up_the_district_and_the_city(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any],
        settings: Any) -> None:
    b.refresh_figures()
    b.run_worker()
    p = selectors.period(2025, date(2025, 12, 1))
    before = figures.read_dashboard(city["city"], p, rows=slice(0, 1)).total.opinions
    settings.YISHI_FIGURES_DELAY = 5  # as deployed: the writes of five seconds added up once
    enqueued = timezone.now()
    for title in ("路灯不亮", "路灯又不亮了"):
        intake.raise_opinion(actor=users["resident_a"].user, community=city["a"],
                             place=city["a"], title=title, text="晚上太黑", category="traffic")
    assert set(StaleFigures.objects.values_list("place__kind", flat=True)) == {
        PlaceKind.DISTRICT}
    waiting = DBTaskResult.objects.filter(task_path=refresh_task.module_path,
                                          status=TaskResultStatus.READY)
    [task] = waiting
    assert task.run_after >= enqueued + timedelta(seconds=4.5)
    b.run_worker()  # not due yet: the notes stay
    assert StaleFigures.objects.exists() and waiting.exists()
    waiting.update(run_after=timezone.now())  # five seconds later
    b.run_worker()
    assert not StaleFigures.objects.exists()
    this_year = selectors.period(clock.localdate().year)
    assert_figures_match_records([city["city"], city["district"]], [this_year.year],
                                 [this_year.today])
    assert figures.read_dashboard(city["city"], p, rows=slice(0, 1)).total.opinions == before


def test_a_rolled_back_change_leaves_no_note(city: dict[str, Any]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        b.opinion(city["a"], submitted=b.at(2025, 3, 1), due=date(2025, 3, 15))
        raise RuntimeError("refused")
    assert not StaleFigures.objects.exists()


def test_the_rebuild_finds_and_corrects_a_tampered_row(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    a = city["a"]
    Figures.objects.filter(place=a, rollup=False, year=2025, month=0).update(
        opinions=F("opinions") + 5, met=0)
    Figures.objects.filter(place=city["street"], rollup=True, year=2025, month=3).delete()
    out = StringIO()
    call_command("rebuild_figures", stdout=out)
    text = out.getvalue()
    assert f"community {a.pk} · 2025-00: opinions 9 → 4; met 0 → 1" in text
    assert f"sum under place {city['street'].pk} · 2025-03" in text
    assert "corrected 2 rows" in text
    assert_figures_match_records([city["city"], city["street"]], [2025], [date(2025, 12, 1)])

    again = StringIO()
    call_command("rebuild_figures", stdout=again)
    assert "corrected 0 rows" in again.getvalue() and "corrected:" not in again.getvalue()


def test_the_daily_rebuild_sweep_runs_once_a_day(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    Figures.objects.filter(place=city["a"], rollup=False, year=2025, month=0).update(topics=0)
    assert ledger_sweeps.rebuild_figures(date(2026, 1, 2)) == 1
    Figures.objects.filter(place=city["a"], rollup=False, year=2025, month=0).update(topics=0)
    assert ledger_sweeps.rebuild_figures(date(2026, 1, 2)) == 0  # done today already
    assert FiguresRebuild.objects.get(day=date(2026, 1, 2)).corrected == 1
    assert ledger_sweeps.rebuild_figures(date(2026, 1, 3)) == 1


def test_notes_left_by_a_crash_are_counted_by_the_sweep(city: dict[str, Any]) -> None:
    # No commit here (the test's transaction): as if the process died before refreshing.
    b.opinion(city["a"], submitted=b.at(2025, 3, 1), due=date(2025, 3, 15))
    assert StaleFigures.objects.exists()
    assert ledger_sweeps.refresh_figures(date(2025, 3, 2)) >= 1
    assert not StaleFigures.objects.exists()
    assert_figures_match_records([city["city"]], [2025], [date(2025, 3, 20)])


SMALL = Sizes(communities=4, opinions=60, topics=12, years=2, batch=100)
LARGER = Sizes(communities=40, opinions=2000, topics=300, years=2, batch=500)


def _dashboard_queries(city: Place, street: Place, year: int,
                       assert_max: Any) -> dict[str, int]:
    client = Client()
    client.force_login(_bench_user(city))
    counts = {}
    for name, url in (("city", f"/ledger/places/{city.pk}/?year={year}"),
                      ("street", f"/ledger/places/{street.pk}/?year={year}"),
                      ("csv", f"/ledger/places/{city.pk}/dashboard.csv?year={year}")):
        with assert_max(MAX_QUERIES[name]) as ctx:
            assert client.get(url).status_code == 200, url
        counts[name] = len(ctx.captured_queries)
    return counts


# Session, user, the header's person and notifications, roles, the place, the count of its
# rows; then the figures: whether the place's own sum is current, the page's places, their
# communities, three reads of figures and the total's counts (a street's page reads all its
# communities' rows: no sum-is-current check). The CSV has no header and reads every row.
MAX_QUERIES = {"city": 15, "street": 14, "csv": 12}


@pytest.mark.parametrize("sizes", [SMALL, LARGER], ids=["small", "larger"])
def test_a_generated_city_reads_the_same_figures_in_the_same_queries(
        sizes: Sizes, django_assert_max_num_queries: Any) -> None:
    generate(sizes)
    figures.rebuild()
    city = Place.objects.get(name=CITY_NAME, parent__isnull=True)
    street = Place.objects.filter(kind=PlaceKind.STREET).order_by("path").first()
    assert street is not None
    today = clock.localdate()
    assert_figures_match_records([city, street], [today.year - 1, today.year], [today])
    counts = _dashboard_queries(city, street, today.year, django_assert_max_num_queries)
    # The same at both sizes (the figures' reads do not grow with the city).
    assert counts == SEEN.setdefault("counts", counts)


SEEN: dict[str, dict[str, int]] = {}


def test_a_save_that_changes_no_figure_notes_nothing(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    topic = records["t1"]
    topic.title = "加装电梯(二期)"
    topic.save()
    o = Opinion.objects.filter(community=city["a"]).first()
    assert o is not None
    o.text = "补充说明"
    o.save()
    assert not StaleFigures.objects.exists()
    o.category = "safety"
    o.save()
    assert StaleFigures.objects.exists()


def test_a_community_moved_to_another_street_moves_its_figures(
        city: dict[str, Any], records: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    a = city["a"]
    with django_capture_on_commit_callbacks(execute=True):
        a.parent = city["other_street"]
        a.save()
    assert_figures_match_records([city["city"], city["street"], city["other_street"]], [2025],
                                 [date(2025, 12, 1)])
