"""Staff pages: post a notice, lay out and publish the 三务公开 schedule, see what is overdue."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yishi.core import clock
from yishi.core import files as stored_files
from yishi.core.confirm import Confirm
from yishi.core.refusals import attempt
from yishi.places.models import Place, PlaceKind
from yishi.places.permissions import communities_for_staff, is_staff_anywhere, is_staff_at, staff_scope_q

from . import selectors, services
from .forms import (
    DisclosureItemForm,
    FinanceCadenceForm,
    NoticeForm,
    ReviewForm,
    ScheduleForm,
    SubsidyForm,
)
from .models import DisclosureContent, DisclosureItem, LostWorkSubsidy
from .preview import publish_confirmed
from .rules import parse_small_int

# 公示 cannot be taken back: each publication asks first, showing the notice (preview.py).
CONFIRMS = {
    "notice_new": Confirm(
        question=gettext_lazy("Post this notice on the board?"),
        detail=gettext_lazy("Everyone can read it at once, and a posted notice cannot be "
                            "changed or taken down."),
        button=gettext_lazy("Post on the board")),
    "item_publish": Confirm(
        question=gettext_lazy("Publish this disclosure on the board?"),
        detail=gettext_lazy("Everyone can read it at once, and a posted notice cannot be "
                            "changed or taken down."),
        button=gettext_lazy("Publish on the board")),
}


def get_community_for_staff(user: object, pk: int) -> Place:
    """404 alike for "no such community" and "not yours"."""
    place = Place.objects.filter(pk=pk, kind=PlaceKind.COMMUNITY).select_related("parent").first()
    if place is None or not is_staff_at(user, place):
        raise Http404
    return place


def get_item_for_staff(user: object, pk: int) -> DisclosureItem:
    item = DisclosureItem.objects.select_related("community", "notice").filter(pk=pk).first()
    if item is None or not is_staff_at(user, item.community):
        raise Http404
    return item


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    if not is_staff_anywhere(request.user):
        raise Http404
    today = clock.localdate()
    scope = staff_scope_q(request.user, "community__path")
    return render(request, "disclosure/staff/desk.html", {
        "communities": communities_for_staff(request.user)[:200],
        "due": list(DisclosureItem.objects.filter(scope, notice__isnull=True, due_on__gte=today)
                    .select_related("community").order_by("due_on")[:20]),
        "overdue_count": selectors.overdue_disclosures(scope, today).count(),
        "today": today,
        # 即将到期: due within a week; later ones are listed without the warning.
        "soon_by": today + timedelta(days=7),
    })


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """The township's oversight: disclosures past their due date, oldest first."""
    if not is_staff_anywhere(request.user):
        raise Http404
    today = clock.localdate()
    qs = selectors.overdue_disclosures(staff_scope_q(request.user, "community__path"), today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "disclosure/staff/overdue.html",
                  {"page": page, "today": today, "query": ""})


@login_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_community_for_staff(request.user, pk)
    form = NoticeForm(request.POST or None, request.FILES or None,
                      initial={"issuer": _("%(community)s Residents' Committee")
                               % {"community": community.name}})
    status = 200
    if request.method == "POST":
        # Asks first, with the notice as the public will see it; posts once confirmed.
        done = publish_confirmed(
            request, CONFIRMS["notice_new"], form=form, back=request.path,
            publish=lambda d, files, draft: (services.draft_notice if draft
                                             else services.publish_notice)(
                actor=request.user, community=community, title=d["title"], body=d["body"],
                starts_on=d["starts_on"], ends_on=d["ends_on"], kind=d["kind"],
                issuer=d["issuer"], issued_on=d["issued_on"], attachments=files),
            done=_("The notice is posted."))
        if done is not None:
            return done
        status = 400
    return render(request, "disclosure/staff/notice_new.html",
                  {"form": form, "community": community}, status=status)


@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """A community's disclosures for a year; lay out the statutory ones, add phased work."""
    community = get_community_for_staff(request.user, pk)
    today = clock.localdate()
    year = parse_small_int(request.GET.get("year"), digits=4) or today.year
    year = year if 2000 <= year <= 2100 else today.year
    schedule_form = ScheduleForm(initial={"year": year})
    item_form = DisclosureItemForm()
    cadence_form = FinanceCadenceForm(
        initial={"finance_cadence": services.finance_cadence(community)})
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "cadence":  # finances quarterly or monthly
            cadence_form = FinanceCadenceForm(request.POST)
            ok = attempt(request, lambda d: services.set_finance_cadence(
                actor=request.user, community=community, cadence=d["finance_cadence"]),
                form=cadence_form, invalid=_("Choose how often finances are disclosed."),
                done=_("Saved. It applies to the years laid out from now on.")).ok
        elif request.POST.get("action") == "add":  # one phased item
            item_form = DisclosureItemForm(request.POST)
            ok = attempt(request, lambda d: services.add_disclosure_item(
                actor=request.user, community=community, kind=d["kind"], label=d["label"],
                due_on=d["due_on"]), form=item_form, invalid=_("Check the fields below.")).ok
        else:  # the statutory items of a year
            schedule_form = ScheduleForm(request.POST)
            ok = attempt(request, lambda d: services.schedule_disclosures(
                actor=request.user, community=community, year=d["year"]),
                form=schedule_form, invalid=_("Choose a year between 2000 and 2100."),
                done=lambda created: _("%(n)d disclosures added to the schedule.")
                % {"n": len(created)}).ok
            if ok:
                year = schedule_form.cleaned_data["year"]
        if ok:
            return redirect(f"{request.path}?year={year}")
        status = 400
    return render(request, "disclosure/staff/schedule.html", {
        "community": community, "year": year,
        "items": selectors.schedule_rows(community, year, today),
        "schedule_form": schedule_form, "item_form": item_form, "cadence_form": cadence_form,
    }, status=status)


@login_required
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_staff(request.user, pk)
    if item.notice_id is not None:
        return redirect("disclosure:notice", item.notice_id)
    today = clock.localdate()
    form = NoticeForm(request.POST or None, request.FILES or None, with_kind=False, initial={
        "title": _("%(kind)s disclosure: %(period)s")
        % {"kind": item.get_kind_display(), "period": item.label},
        "issuer": _("%(community)s Residents' Committee") % {"community": item.community.name},
        "starts_on": today,
    })
    status = 200
    if request.method == "POST":
        done = publish_confirmed(
            request, CONFIRMS["item_publish"], form=form, back=request.path,
            publish=lambda d, files, draft: (services.draft_disclosure if draft
                                             else services.publish_disclosure)(
                actor=request.user, item=item, title=d["title"], body=d["body"],
                starts_on=d["starts_on"], ends_on=d["ends_on"], issuer=d["issuer"],
                attachments=files),
            done=_("Disclosed and posted on the board."))
        if done is not None:
            return done
        status = 400
    rows = selectors.contents_rows(item)
    return render(request, "disclosure/staff/item_publish.html", {
        "form": form, "item": item, "community": item.community, "rows": rows,
        "covered": sum(1 for r in rows if r["covered"]),
        "review": selectors.latest_review(item),
    }, status=status)


@login_required
def item_contents(request: HttpRequest, pk: int) -> HttpResponse:
    """A disclosure's contents checklist (ticked or attached) and the supervisory
    committee's review, both before it can be published (004 第一篇 四.4)."""
    item = get_item_for_staff(request.user, pk)
    if item.notice_id is not None:
        return redirect("disclosure:notice", item.notice_id)
    may_review = services.is_supervisor_of(request.user, item.community)
    review_form = ReviewForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "review":
            review_form = ReviewForm(request.POST)
            ok = attempt(request, lambda d: services.review_disclosure(
                actor=request.user, item=item, approve=d["decision"] == "approve",
                reason=d["reason"]), form=review_form, invalid=_("Check the fields below."),
                done=lambda r: _("Agreed to publish.") if r.decision == "approve"
                else _("Returned to the community's staff with the reason.")).ok
        else:
            uploads = {key.removeprefix("file_"): f for key, f in request.FILES.items()
                       if key.startswith("file_") and isinstance(f, UploadedFile)}
            ok = attempt(request, lambda d: services.record_contents(
                actor=request.user, item=item, ticked=request.POST.getlist("tick"),
                files=uploads, dropped=request.POST.getlist("drop")),
                done=_("The contents are saved.")).ok
        if ok:
            return redirect(request.path)
        status = 400
    rows = selectors.contents_rows(item)
    return render(request, "disclosure/staff/item_contents.html", {
        "item": item, "community": item.community, "rows": rows,
        "complete": all(r["covered"] for r in rows),
        "review": selectors.latest_review(item), "may_review": may_review,
        "review_form": review_form,
    }, status=status)


@login_required
def item_content_file(request: HttpRequest, pk: int, code: str) -> HttpResponseBase:
    """A line's file before publication, for the staff and the supervisory committee."""
    item = get_item_for_staff(request.user, pk)
    line = DisclosureContent.objects.filter(item=item, code=code).exclude(file="").first()
    if line is None:
        raise Http404
    return stored_files.serve(line.file, content_type=line.content_type, filename=line.name)


@login_required
def subsidies(request: HttpRequest, pk: int) -> HttpResponse:
    """误工补贴 paid to those who organised consultations (000 (四)(3)), newest first; each
    is posted with the village-affairs disclosure of its quarter."""
    community = get_community_for_staff(request.user, pk)
    form = SubsidyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if attempt(request, lambda d: services.record_subsidy(
                actor=request.user, community=community, payee=d["payee"],
                purpose=d["purpose"], amount=d["amount"], paid_on=d["paid_on"]),
                form=form, show="form", done=_("The subsidy is registered.")).ok:
            return redirect(request.path)
        status = 400
    rows = (LostWorkSubsidy.objects.filter(community=community)
            .select_related("disclosure").order_by("-paid_on", "-id")[:100])
    return render(request, "disclosure/staff/subsidies.html",
                  {"community": community, "form": form, "rows": rows}, status=status)
