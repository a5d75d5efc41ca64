"""Meeting pages: the console used on a phone or tablet in the room, the result of the vote,
the minutes, and the participants' own phones (sign in with the code, the secret ballot).

Thin like ``views``: one ``access`` helper loads the meeting (404 alike for missing and not
yours), one service acts, a ``RuleViolation`` becomes a message naming rule and clause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yishi.core.exceptions import RuleViolation
from yishi.places.permissions import is_staff_at, person_of

from . import access, forms, rules, selectors, services
from .models import Ballot, Meeting, Minutes, Participant, VoteMethod, VoterMark
from .rules import MeetingState
from .views import cleaned, refusal_text, refuse, run_action

# --- The meeting console -------------------------------------------------------------------------


def _attendance_context(meeting: Meeting) -> dict[str, Any]:
    console = selectors.meeting_console(meeting.pk)
    if console is None:
        raise Http404
    present_ids = {a.participant_id for a in console.attendance.all()}
    present, members, members_present = selectors.attendance_counts(console)
    share = selectors.consult_settings(console.topic.community).quorum_share
    return {
        "meeting": console,
        "rows": [{"p": p, "present": p.pk in present_ids}
                 for p in console.plan.participants.all()],
        "present": present, "members": members, "members_present": members_present,
        "needed": rules.needed_for_quorum(members, share),
        "missing": rules.missing_for_quorum(members, members_present, share),
        "major": console.topic.is_major,
        "sign_in_open": console.state in rules.SIGN_IN_STATES,
    }


def _vote_context(meeting: Meeting) -> dict[str, Any]:
    vote = getattr(meeting, "vote", None)
    if vote is None:
        return {"vote": None}
    return {"vote": vote, "ballots": Ballot.objects.filter(vote=vote).count(),
            "explanation": vote.explanation() if vote.closed_at else None}


@login_required
def meeting_console(request: HttpRequest, pk: int) -> HttpResponse:
    """For a phone or tablet in the room: sign-in, the four steps, the vote, the result."""
    meeting = access.get_meeting_for_staff(request.user, pk)
    context = _attendance_context(meeting)
    console = context["meeting"]
    for step in console.steps.all():
        step.label = rules.MEETING_ACTIONS.get(step.action, step.action)
    context.update(_vote_context(console))
    context.update({
        "acting": services.can_run(request.user, console.topic.community),
        "step_form": forms.SummaryForm(),
        "speech_form": forms.SpeechForm(present=selectors.present_participants(console)),
        "vote_form": forms.OpenVoteForm(initial={"question": _("Do you agree with the plan for "
                                                              "“%(title)s”?")
                                                 % {"title": console.topic.title}}),
        "counts_form": forms.CountsForm(),
        "close_form": forms.CloseMeetingForm(),
        "cancel_form": forms.ReasonForm(),
        "sign_in_url": request.build_absolute_uri(reverse("consult:sign_in", args=[console.pk])),
        "minutes": Minutes.objects.filter(meeting=console).first(),
    })
    return render(request, "consult/meeting_console.html", context)


@login_required
@require_POST
def tick(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    """One tap per person: staff tick a participant present (htmx swaps the list)."""
    meeting = access.get_meeting_for_staff(request.user, pk)
    row = Participant.objects.filter(pk=participant, plan_id=meeting.plan_id).first()
    if row is None:
        raise Http404
    error = ""
    try:
        services.mark_attendance(actor=request.user, meeting=meeting, participant=row)
    except RuleViolation as e:
        error = refusal_text(e)
    if request.headers.get("HX-Request"):
        context = _attendance_context(meeting)
        context["error"] = error
        return render(request, "consult/_attendance.html", context)
    if error:
        messages.error(request, error, extra_tags="refusal")
    return redirect("consult:meeting", meeting.pk)


@login_required
def tally(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx poll: how many ballots are in (never who voted what)."""
    meeting = access.get_meeting_for_staff(request.user, pk)
    return render(request, "consult/_tally.html", {"meeting": meeting, **_vote_context(meeting)})


_STEP_SERVICES: dict[str, Callable[..., Meeting]] = {
    "convener_explains": services.record_convener_explanation,
    "proposer_explains": services.record_proposer_explanation,
    "open_discussion": services.open_discussion,
}


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = access.get_meeting_for_staff(request.user, pk)
    user, post = request.user, request.POST
    after = "consult:meeting"

    def run() -> None:
        nonlocal after
        if action == "open_sign_in":
            services.open_sign_in(actor=user, meeting=meeting)
        elif action == "open":
            services.open_meeting(actor=user, meeting=meeting)
        elif action in _STEP_SERVICES:
            d = cleaned(forms.SummaryForm(post))
            _STEP_SERVICES[action](actor=user, meeting=meeting, summary=d["summary"])
        elif action == "speech":
            d = cleaned(forms.SpeechForm(post, present=selectors.present_participants(meeting)))
            services.add_speech(actor=user, meeting=meeting, participant=d["participant"],
                                opinion=d["opinion"])
        elif action == "open_vote":
            d = cleaned(forms.OpenVoteForm(post))
            services.open_vote(actor=user, meeting=meeting, method=d["method"],
                               question=d["question"])
        elif action in ("hands", "paper"):
            d = cleaned(forms.CountsForm(post))
            service = (services.record_show_of_hands if action == "hands"
                       else services.enter_paper_ballots)
            service(actor=user, meeting=meeting, yes=d["yes"], no=d["no"], abstain=d["abstain"])
        elif action == "close_vote":
            services.close_vote(actor=user, meeting=meeting)
            after = "consult:result"
        elif action == "close":
            d = cleaned(forms.CloseMeetingForm(post))
            services.close_meeting(actor=user, meeting=meeting, result=d["result"],
                                   conclusion=d["conclusion"])
        elif action == "cancel":
            d = cleaned(forms.ReasonForm(post))
            services.cancel_meeting(actor=user, meeting=meeting, reason=d["reason"])
        else:
            raise Http404

    if not run_action(request, run):
        after = "consult:meeting"
    return redirect(after, meeting.pk)


@login_required
def vote_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The result of the vote: the rule, the base and the arithmetic (open to the topic's readers)."""
    meeting = access.get_meeting_for_reader(request.user, pk)
    context = _vote_context(meeting)
    staff = is_staff_at(request.user, meeting.topic.community)
    vote = context["vote"]
    # Residents see a vote once it is closed; staff follow it while it is open.
    if vote is None or not (staff or vote.closed_at):
        raise Http404
    return render(request, "consult/vote_result.html",
                  {"meeting": meeting, "staff": staff, **context})


# --- Minutes -----------------------------------------------------------------------------------


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes produced from the record; the convener and the recorder sign them."""
    meeting = access.get_meeting_for_signatory(request.user, pk)
    found = Minutes.objects.filter(meeting=meeting).select_related(
        "convener_signed_by", "recorder_signed_by").first()
    if found is None:
        raise Http404
    me = person_of(request.user)
    plan = meeting.plan
    may_sign = me is not None and (
        (me.pk == plan.convener_id and found.convener_signed_at is None)
        or (me.pk == plan.recorder_id and found.recorder_signed_at is None))
    return render(request, "consult/minutes.html", {
        "meeting": meeting, "minutes": found, "amendments": found.amendments.all(),
        "may_sign": may_sign, "amend_form": forms.AmendForm(),
        "acting": services.can_run(request.user, meeting.topic.community),
    })


@login_required
@require_POST
def minutes_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = access.get_meeting_for_signatory(request.user, pk)

    def run() -> None:
        if action == "sign":
            services.sign_minutes(actor=request.user, meeting=meeting)
        elif action == "amend":
            d = cleaned(forms.AmendForm(request.POST))
            services.amend_minutes(actor=request.user, meeting=meeting, text=d["text"])
        else:
            raise Http404

    run_action(request, run)
    return redirect("consult:minutes", meeting.pk)


# --- Participants' own phones ---------------------------------------------------------------------


@login_required
def sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant types the code shown in the room."""
    meeting, participant = access.get_participation(request.user, pk)
    form = forms.SignInCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            d = cleaned(form)
            services.sign_in_with_code(actor=request.user, meeting=meeting, code=d["code"])
        except RuleViolation as e:
            refuse(request, e)
            status = 400
        else:
            messages.success(request, _("You are signed in."))
            return redirect("consult:sign_in", meeting.pk)
    signed_in = meeting.attendance.filter(participant=participant).exists()
    return render(request, "consult/sign_in.html", {
        "meeting": meeting, "form": form, "signed_in": signed_in,
        "voting": meeting.state == MeetingState.VOTING,
    }, status=status)


@login_required
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """投票表决 on the participant's own phone: for, against or abstain, once."""
    meeting, participant = access.get_participation(request.user, pk)
    form = forms.BallotForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            d = cleaned(form)
            services.cast_ballot(actor=request.user, meeting=meeting, choice=d["choice"])
        except RuleViolation as e:
            refuse(request, e)
            status = 400
        else:
            messages.success(request, _("Your vote is in. It is secret: no one can see how "
                                        "you voted."))
            return redirect("consult:ballot", meeting.pk)
    vote = getattr(meeting, "vote", None)
    voted = vote is not None and VoterMark.objects.filter(vote=vote, participant=participant) \
        .exists()
    return render(request, "consult/ballot.html", {
        "meeting": meeting, "form": form, "vote": vote, "voted": voted,
        "open": vote is not None and vote.method == VoteMethod.BALLOT and vote.closed_at is None
        and meeting.state == MeetingState.VOTING,
    }, status=status)
