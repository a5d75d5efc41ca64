"""Intake pages: thin views over services and selectors.

Each action runs through ``core.refusals.attempt`` (a refusal is shown, nothing written);
the staff's actions on an opinion are a dispatch table.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yishi.core import clock, files
from yishi.core.confirm import Confirm, ask_first, is_confirmed
from yishi.core.exceptions import RuleViolation
from yishi.core.held_uploads import HeldUploads
from yishi.core.refusals import Action, attempt, attempt_action
from yishi.places import selectors as places_selectors
from yishi.places.models import Person, Place
from yishi.places.permissions import (
    is_staff_anywhere,
    is_staff_at,
    person_of,
    staff_scope_q,
)

from . import selectors, services
from .access import get_opinion_for_user, get_proposal_for_user
from .forms import AnswerForm, OpinionForm, ProposalForm, RateForm, ReferForm
from .models import JointProposal, Opinion, Signature
from .rules import (
    OPINION_TRANSITIONS,
    RATINGS,
    ProposalState,
    opinion_overdue,
    signatures_needed,
)


def _resident_for_courier(key: str, communities: list[Place]) -> Person:
    """The resident a courier records for, in any community they serve (民情专递员)."""
    found = places_selectors.residents_by_number(key, communities).first()
    if found is None:
        raise RuleViolation(_("No resident with that number is registered in this community."),
                            rule="resident")
    return found


@login_required
def opinion_new(request: HttpRequest) -> HttpResponse:
    """Raise an opinion; a courier records one for a resident of any community they serve
    (民情专递): the opinion goes to the resident's community."""
    me = person_of(request.user)
    courier_mode = request.GET.get("for") == "resident" or "resident" in request.POST
    if courier_mode:
        communities = list(places_selectors.courier_communities(request.user))
        if not communities:
            raise Http404
    else:
        if me is None or me.community is None:
            messages.error(request, _("Only residents registered in a community can raise an "
                                      "opinion."))
            return redirect("home")
        communities = [me.community]
    form = OpinionForm(request.POST or None, request.FILES or None, communities=communities,
                       courier=courier_mode, held=HeldUploads(request.session))
    status = 200
    if request.method == "POST":
        def register(d: dict[str, Any]) -> Opinion:
            community, resident = communities[0], None
            if courier_mode:  # the opinion goes to the resident's community
                resident = _resident_for_courier(d["resident"], communities)
                community = resident.community or community
            return services.raise_opinion(
                actor=request.user, community=community, place=d["place"], title=d["title"],
                text=d["text"], category=d["category"], photos=d["photos"],
                on_behalf_of=resident,
            )

        raised = attempt(request, register, form=form, show="form", done=lambda o: _(
            "Registered as %(number)s. You will be answered by %(date)s.")
            % {"number": o.number, "date": o.due_date})
        if raised.result is not None:
            form.release_photos()
            return redirect("intake:opinion", raised.result.pk)
        form.keep_photos()  # the browser forgets chosen files: the page shows them kept
        status = 400
    return render(request, "intake/opinion_new.html",
                  {"form": form, "communities": communities, "courier_mode": courier_mode},
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
        "refer_form": ReferForm(opinion=opinion) if "refer" in actions and staff else None,
        "answer_form": AnswerForm(),
        "rate_form": RateForm(),
        "can_rate": opinion.state == "answered" and me is not None
        and me.pk == opinion.raised_by_id,
        "ratings": RATINGS,
        "overdue": opinion_overdue(opinion.state, opinion.due_date, clock.localdate()),
        "confirms": OPINION_CONFIRMS,
    })


@login_required
def opinion_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponseBase:
    """A resident's photo, for whoever may read the opinion (404 for anyone else)."""
    opinion = get_opinion_for_user(request.user, pk)
    found = opinion.photos.filter(pk=photo).first()
    if found is None:
        raise Http404
    kind = {".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}
    suffix = found.image.name[found.image.name.rfind("."):].lower()
    return files.serve(found.image, content_type=kind.get(suffix, "image/jpeg"))


# What staff (and the raiser, for "rate") do with an opinion: each action's form and service.
OPINION_ACTIONS: dict[str, Action[Opinion]] = {
    "acknowledge": Action(run=lambda user, opinion, d: services.acknowledge_opinion(
        actor=user, opinion=opinion)),
    "refer": Action(
        form=lambda opinion, post: ReferForm(post, opinion=opinion),
        run=lambda user, opinion, d: services.refer_opinion(
            actor=user, opinion=opinion, department=d["department"], note=d["note"])),
    "make_topic": Action(run=lambda user, opinion, d: services.make_topic_candidate(
        actor=user, opinion=opinion)),
    "answer": Action(
        form=lambda opinion, post: AnswerForm(post),
        invalid=gettext_lazy("Please write the answer (at most 2000 characters)."),
        run=lambda user, opinion, d: services.answer_opinion(
            actor=user, opinion=opinion, answer=d["answer"])),
    "rate": Action(
        form=lambda opinion, post: RateForm(post),
        invalid=gettext_lazy("Choose one of the ratings."),
        run=lambda user, opinion, d: services.rate_opinion(
            actor=user, opinion=opinion, rating=d["rating"], comment=d["comment"])),
}


# The actions that cannot be undone ask first (core.confirm): the page's forms carry the same
# words in ``data-confirm`` for the dialog.
OPINION_CONFIRMS: dict[str, Confirm] = {
    "refer": Confirm(
        question=gettext_lazy("Refer this opinion to the department?"),
        detail=gettext_lazy("The referral goes on the opinion's record and the resident is "
                            "told; it cannot be taken back."),
        button=gettext_lazy("Refer")),
    "make_topic": Confirm(
        question=gettext_lazy("Turn this opinion into a topic candidate?"),
        detail=gettext_lazy("A consultation topic is opened from it for screening; this "
                            "cannot be undone."),
        button=gettext_lazy("Turn into a topic candidate")),
}


def _ask_first(request: HttpRequest, opinion: Opinion, action: str) -> HttpResponse | None:
    """The confirmation page for an unconfirmed action of ``OPINION_CONFIRMS``; ``None`` to
    go on: confirmed, not asked about, or a form that does not validate (refused below)."""
    confirm = OPINION_CONFIRMS.get(action)
    if confirm is None or is_confirmed(request):
        return None
    entry = OPINION_ACTIONS[action]
    if entry.form is not None and not entry.form(opinion, request.POST).is_valid():
        return None
    return ask_first(request, confirm, back=reverse("intake:opinion", args=[opinion.pk]))


@login_required
@require_POST
def opinion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of ``OPINION_ACTIONS`` (404 for any other name), then back to the opinion."""
    opinion = get_opinion_for_user(request.user, pk)
    asked = _ask_first(request, opinion, action)
    if asked is not None:
        return asked
    attempt_action(request, OPINION_ACTIONS, action, opinion, done=_("Saved."))
    return redirect("intake:opinion", opinion.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The staff work queue: open opinions where the user works, overdue first."""
    if not is_staff_anywhere(request.user):
        raise Http404
    today = clock.localdate()
    scope = staff_scope_q(request.user, "community__path")
    show_all = request.GET.get("all") == "1"
    qs = selectors.staff_queue(scope, today=today, only_open=not show_all)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    page.object_list = selectors.with_overdue(page.object_list, today)
    return render(request, "intake/queue.html", {"page": page, "show_all": show_all})


@login_required
def my_opinions(request: HttpRequest) -> HttpResponse:
    me = person_of(request.user)
    if me is None:
        raise Http404
    page = Paginator(selectors.opinions_for_resident(me), 30).get_page(request.GET.get("page"))
    page.object_list = selectors.with_overdue(page.object_list, clock.localdate())
    return render(request, "intake/my_opinions.html", {"page": page})


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
        drafted = attempt(request, lambda d: services.draft_proposal(actor=request.user, **d),
                          form=form, show="form",
                          done=_("Draft saved. Open it for signatures when ready."))
        if drafted.result is not None:
            return redirect("intake:proposal", drafted.result.pk)
        status = 400
    return render(request, "intake/proposal_new.html", {"form": form}, status=status)


def _proposal_context(request: HttpRequest, proposal) -> dict[str, object]:  # type: ignore[no-untyped-def]
    me = person_of(request.user)
    cfg = services.settings_for(proposal.community)
    today = clock.localdate()
    eligible = selectors.eligible_residents(proposal.community, today, cfg.voting_age,
                                            resident_only=cfg.resident_only_count)
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
        "resident_only_count": cfg.resident_only_count,
    }


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    return render(request, "intake/proposal_detail.html", _proposal_context(request, proposal))


# The proposer's and the signers' actions on a joint proposal.
PROPOSAL_ACTIONS: dict[str, Callable[..., JointProposal]] = {
    "open": services.open_proposal,
    "sign": services.sign_proposal,
    "unsign": services.withdraw_signature,
    "withdraw": services.withdraw_proposal,
}


def _proposal_done(action: str) -> Callable[[JointProposal], str]:
    def text(proposal: JointProposal) -> str:
        if proposal.state == ProposalState.REACHED and action in ("sign", "open"):
            return _("The threshold is reached: this is now a mandatory topic.")
        return _("Saved.")
    return text


@login_required
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of ``PROPOSAL_ACTIONS``; htmx swaps the signature panel, showing a refusal in it."""
    proposal = get_proposal_for_user(request.user, pk)
    service = PROPOSAL_ACTIONS.get(action)
    if service is None:
        raise Http404
    htmx = bool(request.headers.get("HX-Request"))
    acted = attempt(request, lambda d: service(actor=request.user, proposal=proposal),
                    show="caller" if htmx else "message",
                    done="" if htmx else _proposal_done(action))
    if htmx:
        context = _proposal_context(request, get_proposal_for_user(request.user, pk))
        context["error"] = acted.refusal.text if acted.refusal else ""
        return render(request, "intake/_signature_panel.html", context)
    return redirect("intake:proposal", pk)


