"""Places pages: the register import for staff, its template, and the committee page."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.refusals import Action, attempt
from yishi.core.text import safe_cell

from . import selectors, services
from .forms import AppointForm, AssessForm, ReappointForm, RecruitmentForm, RegisterImportForm
from .importers import TEMPLATE_HEADERS
from .models import (
    CommitteeMembership,
    CourierAppointment,
    CourierRecruitment,
    Place,
    PlaceKind,
    Seat,
)
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


Obj = TypeVar("Obj")

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


# --- Opinion couriers' appointments (002 一聘) --------------------------------------------


# The dispatch tables of the two couriers' pages (action name → form and service), and
# what each says when it is done.
FIX_FORM = _("Please correct the form below.")

COMMUNITY_ACTIONS: dict[str, Action[Place]] = {
    "recruit": Action(
        form=lambda c, data: RecruitmentForm(data, prefix="recruit"),
        run=lambda actor, c, d: services.record_recruitment(
            actor=actor, community=c, announced_on=d["announced_on"],
            announced_where=d["announced_where"], closes_on=d["closes_on"]),
        invalid=FIX_FORM),
    "appoint": Action(
        form=lambda c, data: AppointForm(data, community=c, prefix="appoint"),
        run=lambda actor, c, d: services.appoint_courier(
            actor=actor, recruitment=d["recruitment"], person=d["person"],
            term_start=d["term_start"], subsidy=d["subsidy"]),
        invalid=FIX_FORM),
}

TERM_ACTIONS: dict[str, Action[CourierAppointment]] = {
    "assess": Action(
        form=lambda a, data: AssessForm(data, prefix="assess"),
        run=lambda actor, a, d: services.assess_courier(
            actor=actor, appointment=a, assessed_on=d["assessed_on"], result=d["result"],
            comment=d["comment"], assessed_by=d["assessed_by"]),
        invalid=FIX_FORM),
    "reappoint": Action(
        form=lambda a, data: ReappointForm(data, appointment=a, prefix="reappoint"),
        run=lambda actor, a, d: services.reappoint_courier(actor=actor, appointment=a,
                                                           subsidy=d["subsidy"]),
        invalid=FIX_FORM),
}

DONE = {
    "recruit": _("The recruitment is recorded."),
    "appoint": _("The courier is appointed for one year."),
    "assess": _("The assessment is recorded."),
    "reappoint": _("The courier is reappointed for the next year."),
}


def _run_courier_action(request: HttpRequest, actions: Mapping[str, Action[Obj]], obj: Obj,
                        ) -> tuple[dict[str, forms.BaseForm], int | None]:
    """The page's forms (the posted one bound, so it keeps what was typed) and the status
    to answer with: None after a POST that succeeded (redirect), else 200 or the refusal's
    status. A refusal or an invalid form is shown as a message."""
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and posted not in actions:
        raise Http404  # no such action here
    page_forms: dict[str, forms.BaseForm] = {}
    for name, action in actions.items():
        assert action.form is not None
        page_forms[name] = action.form(obj, request.POST if name == posted else None)
    if not posted:
        return page_forms, 200
    chosen = actions[posted]
    done = attempt(request, lambda d: chosen.run(request.user, obj, d),
                   form=page_forms[posted], done=str(DONE[posted]), invalid=chosen.invalid)
    if done.refusal is None:
        return page_forms, None
    return page_forms, done.refusal.status


def _staff_community(user: object, community_id: int) -> Place:
    """A community the user is staff of (or above); 404 alike for "no such community" and
    "not yours"."""
    community = Place.objects.filter(pk=community_id, kind=PlaceKind.COMMUNITY).first()
    if community is None or not is_staff_at(user, community):
        raise Http404
    return community


@login_required
def couriers_index(request: HttpRequest) -> HttpResponse:
    """The staff's way in: their community's couriers, or the communities to choose from."""
    communities = communities_for_staff(request.user)
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect("places:couriers", community_id=communities[0].pk)
    return render(request, "places/couriers_choose.html", {"communities": communities})


@login_required
def couriers(request: HttpRequest, community_id: int) -> HttpResponse:
    """民情专递员: the community's couriers with their terms and assessments, and the forms
    to record a recruitment and to appoint from it (002 一聘)."""
    community = _staff_community(request.user, community_id)
    page_forms, status = _run_courier_action(request, COMMUNITY_ACTIONS, community)
    if status is None:
        return redirect("places:couriers", community_id=community.pk)
    today = clock.localdate()
    return render(request, "places/couriers.html", {
        "community": community, "today": today,
        "terms": selectors.community_couriers(community, today),
        "unrecorded": list(selectors.couriers_without_appointment(community, today)),
        "recruitments": list(CourierRecruitment.objects.filter(community=community)[:5]),
        "forms": page_forms,
    }, status=status)


@login_required
def courier_term(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """One courier's term: its assessment (一年一考核) and the reappointment (一年一聘)."""
    appointment = selectors.courier_appointment(appointment_id)
    if appointment is None or not is_staff_at(request.user, appointment.community):
        raise Http404
    page_forms, status = _run_courier_action(request, TERM_ACTIONS, appointment)
    if status is None:
        return redirect("places:courier_term", appointment_id=appointment.pk)
    today = clock.localdate()
    return render(request, "places/courier_term.html", {
        "term": selectors.courier_term(appointment, today), "today": today,
        "community": appointment.community, "forms": page_forms,
    }, status=status)
