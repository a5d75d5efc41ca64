"""Intake pages: thin views over services and selectors."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yishi.core.exceptions import RuleViolation
from yishi.places.models import PersonalData, Place
from yishi.places.permissions import (
    is_staff_anywhere,
    is_staff_at,
    person_of,
    role_paths,
    staff_scope_q,
)

from . import selectors, services
from .access import get_opinion_for_user, get_proposal_for_user
from .forms import AnswerForm, OpinionForm, ProposalForm, RateForm, ReferForm
from .models import Signature
from .rules import OPINION_TRANSITIONS, RATINGS, ProposalState, signatures_needed


def _courier_communities(user: object) -> list[Place]:
    from yishi.places.models import RoleKind

    paths = role_paths(user, {RoleKind.COURIER})
    if not paths:
        return []
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return list(Place.objects.filter(q, kind="community"))


@login_required
def opinion_new(request: HttpRequest) -> HttpResponse:
    """Raise an opinion; a courier records one for a resident (民情专递)."""
    me = person_of(request.user)
    courier_mode = request.GET.get("for") == "resident" or "resident" in request.POST
    if courier_mode:
        communities = _courier_communities(request.user)
        if not communities:
            raise Http404
        community = communities[0]
    else:
        if me is None or me.community is None:
            messages.error(request, _("Only residents registered in a community can raise an "
                                      "opinion."))
            return redirect("home")
        community = me.community
    form = OpinionForm(request.POST or None, request.FILES or None, community=community,
                       courier=courier_mode)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                on_behalf_of = None
                if courier_mode:
                    key = data["resident"]
                    pd = PersonalData.objects.select_related("person").filter(
                        Q(phone=key) | Q(id_number=key), person__community=community
                    ).first()
                    if pd is None:
                        raise RuleViolation(_("No resident with that number is registered in "
                                              "this community."), rule="resident")
                    on_behalf_of = pd.person
                opinion = services.raise_opinion(
                    actor=request.user, community=community, place=data["place"],
                    title=data["title"], text=data["text"], category=data["category"],
                    photos=data["photos"], on_behalf_of=on_behalf_of,
                )
            except RuleViolation as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Registered as %(number)s. You will be answered by "
                                            "%(date)s.") % {"number": opinion.number,
                                                            "date": opinion.due_date})
                return redirect("intake:opinion", opinion.pk)
        status = 400
    return render(request, "intake/opinion_new.html",
                  {"form": form, "community": community, "courier_mode": courier_mode},
                  status=status)


@login_required
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = get_opinion_for_user(request.user, pk)
    me = person_of(request.user)
    staff = is_staff_at(request.user, opinion.community)
    actions = [a for (s, a) in OPINION_TRANSITIONS if s == opinion.state and a != "rate"]
    return render(request, "intake/opinion_detail.html", {
        "opinion": opinion,
        "steps": opinion.steps.select_related("actor").all(),
        "photos": opinion.photos.all(),
        "staff": staff,
        "actions": actions if staff else [],
        "refer_form": ReferForm(),
        "answer_form": AnswerForm(),
        "rate_form": RateForm(),
        "can_rate": opinion.state == "answered" and me is not None
        and me.pk == opinion.raised_by_id,
        "ratings": RATINGS,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def opinion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    opinion = get_opinion_for_user(request.user, pk)
    try:
        if action == "acknowledge":
            services.acknowledge_opinion(actor=request.user, opinion=opinion)
        elif action == "refer":
            refer = ReferForm(request.POST)
            if not refer.is_valid():
                raise RuleViolation(_("Name the department (at most 100 characters)."))
            services.refer_opinion(actor=request.user, opinion=opinion,
                                   department=refer.cleaned_data["department"],
                                   note=refer.cleaned_data["note"])
        elif action == "make_topic":
            services.make_topic_candidate(actor=request.user, opinion=opinion)
        elif action == "answer":
            answer = AnswerForm(request.POST)
            if not answer.is_valid():
                raise RuleViolation(_("Please write the answer (at most 2000 characters)."))
            services.answer_opinion(actor=request.user, opinion=opinion,
                                    answer=answer.cleaned_data["answer"])
        elif action == "rate":
            rate = RateForm(request.POST)
            if not rate.is_valid():
                raise RuleViolation(_("Choose one of the ratings."))
            services.rate_opinion(actor=request.user, opinion=opinion,
                                  rating=rate.cleaned_data["rating"],
                                  comment=rate.cleaned_data["comment"])
        else:
            raise Http404
    except RuleViolation as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Saved."))
    return redirect("intake:opinion", opinion.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The staff work queue: open opinions where the user works, overdue first."""
    if not is_staff_anywhere(request.user):
        raise Http404
    today = timezone.localdate()
    scope = staff_scope_q(request.user, "community__path")
    show_all = request.GET.get("all") == "1"
    qs = selectors.staff_queue(scope, today=today, only_open=not show_all)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "intake/queue.html",
                  {"page": page, "today": today, "show_all": show_all})


@login_required
def my_opinions(request: HttpRequest) -> HttpResponse:
    me = person_of(request.user)
    if me is None:
        raise Http404
    page = Paginator(selectors.opinions_for_resident(me), 30).get_page(request.GET.get("page"))
    return render(request, "intake/my_opinions.html", {"page": page, "today": timezone.localdate()})


# --- Joint proposals --------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    me = person_of(request.user)
    if me is None or me.community is None:
        raise Http404
    qs = selectors.proposals_of_community(me.community)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    drafts = me.proposals.filter(state=ProposalState.DRAFT)
    return render(request, "intake/proposal_list.html",
                  {"page": page, "drafts": drafts, "community": me.community})


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                proposal = services.draft_proposal(actor=request.user, **form.cleaned_data)
            except RuleViolation as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Draft saved. Open it for signatures when ready."))
                return redirect("intake:proposal", proposal.pk)
        status = 400
    return render(request, "intake/proposal_new.html", {"form": form}, status=status)


def _proposal_context(request: HttpRequest, proposal) -> dict[str, object]:  # type: ignore[no-untyped-def]
    me = person_of(request.user)
    cfg = services.settings_for(proposal.community)
    today = timezone.localdate()
    eligible = selectors.eligible_residents(proposal.community, today, cfg.voting_age)
    reps = len(selectors.representative_ids(proposal.community, today))
    my_sig = (Signature.objects.filter(proposal=proposal, person=me).first() if me else None)
    return {
        "proposal": proposal,
        "my_signature": my_sig if my_sig and my_sig.withdrawn_at is None else None,
        "is_proposer": me is not None and me.pk == proposal.proposer_id,
        "eligible": eligible,
        "representatives": reps,
        "needed_residents": signatures_needed(
            eligible, Fraction(cfg.resident_share_num, cfg.resident_share_den)),
        "needed_representatives": signatures_needed(
            reps, Fraction(cfg.representative_share_num, cfg.representative_share_den)),
        "resident_share": Fraction(cfg.resident_share_num, cfg.resident_share_den),
        "representative_share": Fraction(cfg.representative_share_num,
                                         cfg.representative_share_den),
        "today": today,
    }


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    return render(request, "intake/proposal_detail.html", _proposal_context(request, proposal))


@login_required
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    handlers = {
        "open": services.open_proposal,
        "sign": services.sign_proposal,
        "unsign": services.withdraw_signature,
        "withdraw": services.withdraw_proposal,
    }
    if action not in handlers:
        raise Http404
    error = ""
    try:
        proposal = handlers[action](actor=request.user, proposal=proposal)
    except RuleViolation as e:
        error = str(e)
    if request.headers.get("HX-Request"):
        proposal = get_proposal_for_user(request.user, pk)
        context = _proposal_context(request, proposal)
        context["error"] = error
        return render(request, "intake/_signature_panel.html", context)
    if error:
        messages.error(request, error)
    elif proposal.state == ProposalState.REACHED and action in ("sign", "open"):
        messages.success(request, _("The threshold is reached: this is now a mandatory topic."))
    else:
        messages.success(request, _("Saved."))
    return redirect("intake:proposal", pk)


