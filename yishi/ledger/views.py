"""Ledger and dashboard pages: thin views over ``selectors``, ``exports`` and ``services``.

Every view loads its place or job through ``access`` (404 alike for missing and not
yours); a bad year or an unknown place is a 404, never a server error.
"""

from __future__ import annotations

import csv
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yishi.core import clock, files
from yishi.core.exceptions import RuleViolation
from yishi.core.refusals import attempt
from yishi.core.replicas import reads_from_replica
from yishi.core.text import safe_cell
from yishi.places.models import Place, PlaceKind
from yishi.places.permissions import is_staff_at, staff_paths

from . import access, cadence, cadence_records, charts, exports, selectors, services
from .models import ExportFormat, ExportStatus
from .sheets import Sheet, ledger_sheets

R = TypeVar("R", bound=HttpResponseBase)


def _attachment(response: R, place: Place, year: int, fmt: str) -> R:
    ascii_name = exports.filename(place, year, fmt)
    utf8_name = quote(exports.display_filename(place, year, fmt))
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}")
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The places the user oversees, each linking to its dashboard or ledger."""
    paths = staff_paths(request.user)
    if not paths:
        raise Http404
    if "/" in paths:
        places = list(Place.objects.filter(parent__isnull=True).order_by("path"))
    else:
        places = list(Place.objects.filter(path__in=paths).order_by("path"))
    return render(request, "ledger/index.html", {"places": places,
                                                 "year": clock.localdate().year})


# Rows of the dashboard's table a page: a city has hundreds of streets, and the CSV holds
# them all.
DASHBOARD_PAGE_ROWS = 50


def _num(value: int, bad: bool = False) -> str:
    return f'<td class="num bad">{value}</td>' if bad else f'<td class="num">{value}</td>'


def _days(median: float | None) -> str:
    return "—" if median is None else floatformat(median, -1)


def _dashboard_rows(d: selectors.Dashboard, rows: list[selectors.Row]) -> list[str]:
    """The table's rows built once into escaped cells, so the template only places them
    (a city's page of fifty streets costs a millisecond, not the template's fifty)."""
    year = d.period.year
    yes = f'<span class="good">{escape(_("Yes"))}</span>'
    no = f'<span class="bad">{escape(_("No"))}</span>'
    out: list[str] = []
    for r in rows:
        name = escape(r.place.name)
        if d.rows_kind == PlaceKind.COMMUNITY:
            href = reverse("ledger:ledger", args=[r.place.pk, year])
            head = (f'<td><a href="{href}">{name}</a></td>{_num(r.consultations)}'
                    f'{_num(r.minimum)}<td>{yes if r.minimum_met else no}</td>')
        else:
            href = reverse("ledger:dashboard", args=[r.place.pk])
            above = escape(r.place.parent.name) if r.place.parent else ""
            head = (f'<td><a href="{href}?year={year}">{name}</a></td><td>{above}</td>'
                    f'{_num(r.communities)}{_num(r.met)}'
                    f'{_num(r.below_minimum, bool(r.below_minimum))}{_num(r.consultations)}')
        out.append(mark_safe(  # noqa: S308 (every value above is escaped or a number)
            f'<tr data-place="{r.place.pk}">{head}{_num(r.topics)}{_num(r.opinions)}'
            f'<td class="num">{_days(r.median_days)}</td>'
            f'<td class="num">{escape(r.satisfied_percent or "—")}</td>'
            f'{_num(r.overdue_opinions, bool(r.overdue_opinions))}'
            f'{_num(r.overdue_answers, bool(r.overdue_answers))}'
            f'{_num(r.overdue_tasks, bool(r.overdue_tasks))}'
            f'{_num(r.cadences_missed, bool(r.cadences_missed))}</tr>'))
    return out


def _cadence_cells(r: selectors.Row) -> str:
    cells = []
    for _c, t in cadence_records.board(r.cadences):
        if t is None:  # asked of none of the row's communities (a village's cadence in a town)
            cells.append('<td class="num">—</td>' * 3)
        else:
            cells.append(f"{_num(t.held)}{_num(t.due)}{_num(t.missed, bool(t.missed))}")
    return "".join(cells)


def _cadence_rows(d: selectors.Dashboard, rows: list[selectors.Row]) -> list[str]:
    """The calendar's table: per row (and the total) each cadence's periods held, due and
    missed; escaped once here like the figures' table."""
    out: list[str] = []
    for r in rows:
        out.append(mark_safe(  # noqa: S308 (the name is escaped; the rest are numbers)
            f'<tr data-calendar="{r.place.pk}"><td>{escape(r.place.name)}</td>'
            f'{_cadence_cells(r)}</tr>'))
    out.append(mark_safe(  # noqa: S308
        f'<tr class="total" data-calendar="total"><th scope="row">{escape(_("Total"))}</th>'
        f'{_cadence_cells(d.total)}</tr>'))
    return out


def _dashboard(request: HttpRequest, pk: int) -> selectors.Dashboard:
    place = access.get_place_for_staff(request.user, pk)
    year = access.year_or_404(request.GET.get("year"))
    return selectors.dashboard(place, selectors.period(year))


@login_required
@reads_from_replica
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """A street's page (a row per community) or a district's or city's (a row per street)."""
    place = access.get_place_for_staff(request.user, pk)
    year = access.year_or_404(request.GET.get("year"))
    if place.kind == PlaceKind.COMMUNITY:
        return redirect("ledger:ledger", pk=place.pk, year=year)
    # The page's rows only: a city's page reads fifty streets and its own total.
    page = Paginator(range(selectors.dashboard_row_count(place)),
                     DASHBOARD_PAGE_ROWS).get_page(request.GET.get("page"))
    first = max(0, page.start_index() - 1)
    d = selectors.dashboard(place, selectors.period(year), rows=slice(first, page.end_index()))
    rows = d.rows
    return render(request, "ledger/dashboard.html", {
        "d": d, "place": d.place, "year": d.period.year, "charts": charts.dashboard_charts(d, rows),
        "page": page, "rows": _dashboard_rows(d, rows), "query": f"year={d.period.year}",
        "cadences": list(cadence.CADENCES.values()), "cadence_rows": _cadence_rows(d, rows),
        "years": selectors.available_years(d.period.today),
        # Breadcrumbs only up to the places the user may open (a street official stops there).
        "ancestors": [a for a in d.place.ancestors().exclude(pk=d.place.pk)
                      if is_staff_at(request.user, a)],
        "formats": ExportFormat.choices,
    })


# The CSV's column headers, translated when the file is written (Chinese for Excel users).
CSV_HEADERS: list[Any] = [
    gettext_lazy("Place"), gettext_lazy("Above"), gettext_lazy("Communities"),
    gettext_lazy("At the minimum"), gettext_lazy("Below the minimum"),
    gettext_lazy("Consultations held"), gettext_lazy("Topics raised"),
    gettext_lazy("Opinions registered"), gettext_lazy("Opinions answered"),
    gettext_lazy("Median days to answer"), gettext_lazy("Ratings"),
    gettext_lazy("Satisfied share"), gettext_lazy("Opinions overdue"),
    gettext_lazy("Entrusted answers overdue"), gettext_lazy("Tasks overdue"),
    gettext_lazy("Calendar meetings missed"),
]


def _cadence_header(meeting: object, figure: object) -> str:
    return _("%(meeting)s: %(figure)s") % {"meeting": meeting, "figure": figure}


# Then each cadence's periods held, due and missed (会议日历), in the table's order.
CADENCE_CSV_FIGURES = {"held": gettext_lazy("periods held"), "due": gettext_lazy("periods due"),
                       "missed": gettext_lazy("periods missed")}
CSV_HEADERS += [lazy(_cadence_header, str)(c.label, figure)
                for c in cadence.CADENCES.values() for figure in CADENCE_CSV_FIGURES.values()]


def _csv_row(r: selectors.Row) -> list[Any]:
    median = r.median_days
    s = r.satisfied_share
    return [
        r.place.name, r.place.parent.name if r.place.parent else "", r.communities, r.met,
        r.below_minimum, r.consultations, r.topics, r.opinions, r.answered,
        "" if median is None else f"{median:g}", r.rated, "" if s is None else f"{s:.3f}",
        r.overdue_opinions, r.overdue_answers, r.overdue_tasks, r.cadences_missed,
        *[("" if t is None else getattr(t, f)) for _c, t in cadence_records.board(r.cadences)
          for f in CADENCE_CSV_FIGURES],
    ]


@login_required
@reads_from_replica
def dashboard_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard's table as CSV (UTF-8 with a BOM, so Excel reads the Chinese names)."""
    d = _dashboard(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(str(h)) for h in CSV_HEADERS])
    for r in d.rows:
        writer.writerow([safe_cell(v) for v in _csv_row(r)])  # a place's name is never a formula
    total = _csv_row(d.total)
    total[0], total[1] = _("Total"), d.place.name
    writer.writerow([safe_cell(v) for v in total])
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{d.place.pk}-{d.period.year}.csv"')
    return response


# Rows of each table on the ledger page: the page is for looking a year over; the XLSX
# and the PDF are the ledger as filed and hold every row.
LEDGER_PAGE_ROWS = 100


def _page_table(sheet: Sheet) -> dict[str, Any]:
    """A table of the ledger page: every record counted, the first ``LEDGER_PAGE_ROWS``
    built once into rows of escaped cells, so the template only places them."""
    records = list(sheet.records())
    rows = [mark_safe("".join(f"<td>{escape(exports.cell_text(v))}</td>" for v in row))  # noqa: S308
            for row in sheet.build(records[:LEDGER_PAGE_ROWS])]
    return {"sheet": sheet, "count": len(records), "rows": rows,
            "more": len(records) - len(rows)}


@login_required
def ledger(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """台账: a community's topics, meetings, outcomes, tasks and answers for a year."""
    place = access.get_community_for_staff(request.user, pk)
    year = access.year_or_404(str(year))
    if request.GET.get("year"):  # the year picker
        chosen = access.year_or_404(request.GET["year"])
        if chosen != year:
            return redirect("ledger:ledger", pk=place.pk, year=chosen)
    p = selectors.period(year)
    [row] = selectors.row_figures(place, p, rows=PlaceKind.COMMUNITY) or [selectors.Row(place)]
    tables = [_page_table(s) for s in ledger_sheets(place, p, summary=[row])
              if s.key != "summary"]  # fills the row's cadences too
    return render(request, "ledger/ledger.html", {
        "place": place, "year": year, "p": p, "row": row, "tables": tables,
        "cadence_cards": [(c, t) for c, t in cadence_records.board(row.cadences)
                          if t is not None],
        "header": exports.header_lines(place, p, str(row.minimum)),
        "years": selectors.available_years(p.today),
        "street": place.parent if place.parent and is_staff_at(request.user, place.parent) else None,
    })


@login_required
def ledger_file(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """A community's ledger as XLSX or PDF, built while the user waits (it is small)."""
    place = access.get_community_for_staff(request.user, pk)
    year = access.year_or_404(str(year))
    p = selectors.period(year)
    if fmt == ExportFormat.XLSX:
        data = exports.ledger_xlsx(place, p)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == ExportFormat.PDF:
        data = exports.ledger_pdf(place, p)
        ctype = "application/pdf"
    else:
        raise Http404
    return _attachment(HttpResponse(data, content_type=ctype), place, year, fmt)


@login_required
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the ledger of every community under a place; the job page shows its progress."""
    place = access.get_place_for_staff(request.user, pk)
    queued = attempt(request, lambda d: services.request_export(
        actor=request.user, place=place, year=_export_year(request.POST.get("year")),
        fmt=str(request.POST.get("format", "xlsx"))))
    if queued.result is None:
        return redirect("ledger:dashboard", pk=place.pk)
    return redirect("ledger:job", pk=queued.result.pk)


def _export_year(value: object) -> int:
    """The year asked for; one without a ledger is refused like any other input."""
    try:
        return access.year_or_404(value)
    except Http404:
        raise RuleViolation(_("There is no ledger for that year."), rule="input") from None


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    j = access.get_job_for_user(request.user, pk)
    return render(request, "ledger/job.html", {"job": j})


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls until the job has finished."""
    j = access.get_job_for_user(request.user, pk)
    return render(request, "ledger/_job_status.html", {"job": j})


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    j = access.get_job_for_user(request.user, pk)
    if j.status != ExportStatus.DONE or not j.file:
        raise Http404
    response = files.serve(j.file, content_type="application/octet-stream")
    return _attachment(response, j.place, j.year, j.format)
