"""Places pages: the register import for staff, its template, and the committee page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yishi.core import clock
from yishi.core.refusals import attempt
from yishi.core.text import safe_cell

from . import services
from .forms import RegisterImportForm
from .importers import TEMPLATE_HEADERS
from .models import CommitteeMembership, Seat
from .permissions import (
    communities_for_staff,
    get_community_for_user,
    is_staff_anywhere,
    is_staff_at,
)


@login_required
def register_import(request: HttpRequest) -> HttpResponse:
    """Staff upload a resident register (居民花名册) and read what was imported."""
    communities = communities_for_staff(request.user)
    if not communities:
        raise Http404
    form = RegisterImportForm(request.POST or None, request.FILES or None,
                              communities=communities)
    report = None
    status = 200
    if request.method == "POST":
        # The report is shown on this page; a refused file is an error on the file field.
        imported = attempt(request, lambda d: services.import_register(
            actor=request.user, community=d["community"], file=d["file"]),
            form=form, show="form", field="file")
        report = imported.result
        status = 200 if imported.ok else 400
    return render(request, "places/register_import.html",
                  {"form": form, "report": report, "communities": communities}, status=status)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_COLUMNS = ("身份证号", "手机号", "户号")  # typed as text, or Excel eats the ID's digits


@login_required
def register_template(request: HttpRequest) -> HttpResponse:
    """An empty register with the header row, ID and phone columns formatted as text."""
    if not is_staff_anywhere(request.user):
        raise Http404
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "居民花名册"
    ws.append([safe_cell(h) for h in TEMPLATE_HEADERS])
    for col, header in enumerate(TEMPLATE_HEADERS, start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.column_dimensions[letter].width = 22 if header in ("身份证号", "出生日期") else 14
        if header in TEXT_COLUMNS:
            ws.column_dimensions[letter].number_format = "@"
        choices = {"性别": '"男,女"', "是否居民代表": '"是,否"'}.get(header)
        if choices:
            dv = DataValidation(type="list", formula1=choices, allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}20001")
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = "attachment; filename=\"register-template.xlsx\""
    return response


@dataclass
class SeatRow:
    seat: str
    label: str
    membership: CommitteeMembership | None
    upcoming: bool


def _serving(m: CommitteeMembership, today: date) -> bool:
    return m.term_start <= today and all(d is None or d >= today for d in (m.term_end, m.ended_on))


@login_required
def committee(request: HttpRequest, community_id: int) -> HttpResponse:
    """协商委员会: the seven fixed seats with holder and term, and the X members by topic."""
    community = get_community_for_user(request.user, community_id)
    today = clock.localdate()
    memberships = list(
        CommitteeMembership.objects.filter(community=community)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .select_related("person").order_by("term_start", "pk")
    )
    seats = []
    for seat in Seat:
        mine = [m for m in memberships if m.seat == seat.value]
        current = next((m for m in mine if _serving(m, today)), None)
        upcoming = current is None and bool(mine)
        seats.append(SeatRow(seat.value, str(seat.label), current or (mine[0] if mine else None),
                             upcoming))
    # The X members belong to their topics (consult); the page links to their list.
    return render(request, "places/committee.html", {
        "community": community, "seats": seats, "today": today,
        "staff": is_staff_at(request.user, community),
    })
