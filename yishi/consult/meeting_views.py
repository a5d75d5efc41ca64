"""Meeting pages: the console used on a phone or tablet in the room, the result of the vote,
the minutes, and the participants' own phones (sign in with the code, the secret ballot).

Thin like ``views``: one ``access`` helper loads the meeting (404 alike for missing and not
yours), one service acts through ``core.refusals``, and a refusal becomes a message with its
seed clause; the console's actions are a dispatch table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yishi.core.confirm import Confirm, ask_first
from yishi.core.refusals import Action, attempt, attempt_action
from yishi.places.permissions import is_staff_at, person_of

from . import access, forms, rules, selectors, services
from .models import BallotBox, Meeting, Minutes, Participant, Vote, VoteMethod, VoterMark
from .rules import MeetingState

# --- The meeting console -------------------------------------------------------------------------


def sign_in_qr(url: str) -> SafeString:
    """The sign-in page's address as a QR code, inline SVG (a phone's camera or WeChat's
    scanner opens it); one dark square per module of ``qrcode``'s matrix, quiet zone
    included, so it stays sharp at any size."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    path = "".join(f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix)
                   for x, dark in enumerate(row) if dark)
    return format_html(
        '<svg class="qr" data-testid="sign-in-qr" viewBox="0 0 {n} {n}" role="img" '
        'aria-label="{label}" shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>',
        n=len(matrix), label=_("QR code of the sign-in page"), path=path)


def _attendance_context(request: HttpRequest, meeting: Meeting, *,
                        unfolded: bool) -> dict[str, Any]:
    """The sign-in list; ``unfolded`` when it shows open (during sign-in, or after a tap)."""
    console = selectors.meeting_console(meeting.pk)
    if console is None:
        raise Http404
    methods = {a.participant_id: a.method for a in console.attendance.all()}
    spoke = {s.participant_id for s in console.speeches.all()}
    present, members, members_present = selectors.attendance_counts(console)
    share = selectors.consult_settings(console.topic.community).quorum_share
    sign_in_open = console.state in rules.SIGN_IN_STATES
    url = request.build_absolute_uri(reverse("consult:sign_in", args=[console.pk]))
    return {
        "meeting": console,
        "rows": [{"p": p, "present": p.pk in methods, "method": methods.get(p.pk, ""),
                  "undo": sign_in_open and p.pk in methods and p.pk not in spoke}
                 for p in console.plan.participants.all()],
        "present": present, "members": members, "members_present": members_present,
        "needed": rules.needed_for_quorum(members, share),
        "missing": rules.missing_for_quorum(members, members_present, share),
        "major": console.topic.is_major,
        "sign_in_open": sign_in_open,
        "attendance_open": unfolded or console.state == MeetingState.SIGNING_IN,
        "sign_in_url": url,
        "sign_in_qr": sign_in_qr(url) if sign_in_open else "",
    }


def _vote_context(meeting: Meeting) -> dict[str, Any]:
    vote = getattr(meeting, "vote", None)
    if vote is None:
        return {"vote": None}
    box = BallotBox.objects.filter(vote=vote).first()
    return {"vote": vote, "ballots": box.cast if box else 0,
            "explanation": vote.explanation() if vote.closed_at else None}


@login_required
def meeting_console(request: HttpRequest, pk: int) -> HttpResponse:
    """For a phone or tablet in the room: sign-in, the four steps, the vote, the result."""
    meeting = access.get_meeting_for_staff(request.user, pk)
    context = _attendance_context(request, meeting, unfolded=False)
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
        "close_form": forms.CloseMeetingForm(initial={"result": implied_result(context["vote"])}),
        "cancel_form": forms.ReasonForm(),
        "asks": ASK_FIRST,
        "minutes": Minutes.objects.filter(meeting=console).first(),
    })
    return render(request, "consult/meeting_console.html", context)


def implied_result(vote: Vote | None) -> str | None:
    """The result a closed vote implies for the close form: passed, a basic consensus; not
    passed, a second consultation (the chair may still refer it to the residents' meeting)."""
    if vote is None or vote.closed_at is None or vote.passed is None:
        return None
    return "consensus" if vote.passed else "no_consensus"


def _attendance_tap(request: HttpRequest, pk: int, participant: int,
                    service: Callable[..., object]) -> HttpResponse:
    meeting = access.get_meeting_for_staff(request.user, pk)
    row = Participant.objects.filter(pk=participant, plan_id=meeting.plan_id).first()
    if row is None:
        raise Http404
    htmx = bool(request.headers.get("HX-Request"))
    # htmx swaps the list, showing the refusal in it; a plain form post gets a message.
    done = attempt(request, lambda d: service(actor=request.user, meeting=meeting,
                                              participant=row),
                   show="caller" if htmx else "message")
    if htmx:
        context = _attendance_context(request, meeting, unfolded=True)
        context["error"] = done.refusal.text if done.refusal else ""
        return render(request, "consult/_attendance.html", context)
    return redirect("consult:meeting", meeting.pk)


@login_required
@require_POST
def tick(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    """One tap per person: staff tick a participant present (htmx swaps the list)."""
    return _attendance_tap(request, pk, participant, services.mark_attendance)


@login_required
@require_POST
def untick(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    """A wrong tick (or a sign-in with the code) taken back, until the vote opens."""
    return _attendance_tap(request, pk, participant, services.undo_sign_in)


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


def _step(action: str) -> Action[Meeting]:
    """One of the first three of the four steps: a summary, then the next state."""
    return Action(form=lambda meeting, post: forms.SummaryForm(post),
                  run=lambda user, meeting, d: _STEP_SERVICES[action](
                      actor=user, meeting=meeting, summary=d["summary"]))


# The console's actions: each one's form (from the meeting and the POST data) and service.
MEETING_ACTIONS: dict[str, Action[Meeting]] = {
    "open_sign_in": Action(run=lambda user, meeting, d: services.open_sign_in(
        actor=user, meeting=meeting)),
    "open": Action(run=lambda user, meeting, d: services.open_meeting(actor=user,
                                                                      meeting=meeting)),
    **{action: _step(action) for action in _STEP_SERVICES},
    "speech": Action(
        form=lambda meeting, post: forms.SpeechForm(
            post, present=selectors.present_participants(meeting)),
        run=lambda user, meeting, d: services.add_speech(
            actor=user, meeting=meeting, participant=d["participant"], opinion=d["opinion"])),
    "open_vote": Action(
        form=lambda meeting, post: forms.OpenVoteForm(post),
        run=lambda user, meeting, d: services.open_vote(
            actor=user, meeting=meeting, method=d["method"], question=d["question"])),
    "hands": Action(
        form=lambda meeting, post: forms.CountsForm(post),
        run=lambda user, meeting, d: services.record_show_of_hands(
            actor=user, meeting=meeting, yes=d["yes"], no=d["no"], abstain=d["abstain"])),
    "paper": Action(
        form=lambda meeting, post: forms.CountsForm(post),
        run=lambda user, meeting, d: services.enter_paper_ballots(
            actor=user, meeting=meeting, yes=d["yes"], no=d["no"], abstain=d["abstain"])),
    "close_vote": Action(run=lambda user, meeting, d: services.close_vote(actor=user,
                                                                          meeting=meeting)),
    "close": Action(
        form=lambda meeting, post: forms.CloseMeetingForm(post),
        run=lambda user, meeting, d: services.close_meeting(
            actor=user, meeting=meeting, result=d["result"], conclusion=d["conclusion"])),
    "cancel": Action(
        form=lambda meeting, post: forms.ReasonForm(post),
        run=lambda user, meeting, d: services.cancel_meeting(
            actor=user, meeting=meeting, reason=d["reason"])),
}

# Where a done action leads, when not back to the console.
_AFTER = {"close_vote": "consult:result"}

# The console's actions that cannot be undone ask first (core/confirm.py): the dialog
# with JavaScript, the confirmation page without it.
ASK_FIRST: dict[str, Confirm] = {
    "close_vote": Confirm(
        question=gettext_lazy("Close the vote and count it?"),
        detail=gettext_lazy("No one can vote after this; the result is counted at once "
                            "and cannot be changed."),
        button=gettext_lazy("Close the vote")),
    "close": Confirm(
        question=gettext_lazy("Close the meeting with this result?"),
        detail=gettext_lazy("The result moves the topic on and the minutes are produced "
                            "from the record; afterwards only the minutes can be corrected."),
        button=gettext_lazy("Close the meeting")),
}


def _worth_asking(action: str, meeting: Meeting, post: Any) -> bool:
    """Ask only about a step the meeting can take now with what was filled in: anything
    else is refused at once, without a question first."""
    entry = MEETING_ACTIONS[action]
    return (action in rules.meeting_actions(meeting.state)
            and (entry.form is None or entry.form(meeting, post).is_valid()))


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of ``MEETING_ACTIONS`` (404 for any other name); those in ``ASK_FIRST`` act
    only when confirmed."""
    meeting = access.get_meeting_for_staff(request.user, pk)
    confirm = ASK_FIRST.get(action)
    if confirm is not None and _worth_asking(action, meeting, request.POST):
        asked = ask_first(request, confirm, back=reverse("consult:meeting", args=[meeting.pk]))
        if asked is not None:
            return asked
    done = attempt_action(request, MEETING_ACTIONS, action, meeting, done=_("Saved."))
    return redirect(_AFTER.get(action, "consult:meeting") if done.ok else "consult:meeting",
                    meeting.pk)


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
    return render(request, "consult/vote_result.html", {
        "meeting": meeting, "staff": staff, **context,
        # Where the staff go next: the close form, or the minutes once the meeting closed.
        "minutes": staff and Minutes.objects.filter(meeting=meeting).exists(),
    })


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


MINUTES_ACTIONS: dict[str, Action[Meeting]] = {
    "sign": Action(run=lambda user, meeting, d: services.sign_minutes(actor=user,
                                                                      meeting=meeting)),
    "amend": Action(
        form=lambda meeting, post: forms.AmendForm(post),
        run=lambda user, meeting, d: services.amend_minutes(actor=user, meeting=meeting,
                                                            text=d["text"])),
}


@login_required
@require_POST
def minutes_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = access.get_meeting_for_signatory(request.user, pk)
    attempt_action(request, MINUTES_ACTIONS, action, meeting, done=_("Saved."))
    return redirect("consult:minutes", meeting.pk)


# --- Participants' own phones ---------------------------------------------------------------------


@login_required
def sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant types the code shown in the room."""
    meeting, participant = access.get_participation(request.user, pk)
    form = forms.SignInCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if attempt(request, lambda d: services.sign_in_with_code(
                actor=request.user, meeting=meeting, code=d["code"]),
                form=form, done=_("You are signed in.")).ok:
            return redirect("consult:sign_in", meeting.pk)
        status = 400
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
        if attempt(request, lambda d: services.cast_ballot(
                actor=request.user, meeting=meeting, choice=d["choice"]),
                form=form, done=_("Your vote is in. It is secret: no one can see how you "
                                  "voted.")).ok:
            return redirect("consult:ballot", meeting.pk)
        status = 400
    vote = getattr(meeting, "vote", None)
    voted = vote is not None and VoterMark.objects.filter(vote=vote, participant=participant) \
        .exists()
    return render(request, "consult/ballot.html", {
        "meeting": meeting, "form": form, "vote": vote, "voted": voted,
        "open": vote is not None and vote.method == VoteMethod.BALLOT and vote.closed_at is None
        and meeting.state == MeetingState.VOTING,
    }, status=status)
