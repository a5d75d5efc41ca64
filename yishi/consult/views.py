"""Consultation pages: the committee's work board, the topic's file with screening and the
steps around the meetings, and the plan editor (the meeting pages are in ``meeting_views``).
Thin views over ``services`` and ``selectors``.

Each view loads its record through one ``access.get_<thing>_for_<who>`` helper (404 alike
for missing and not yours) and runs one service through ``core.refusals.attempt``: a
refusal becomes a message with its seed clause, and writes nothing. The POSTed actions of
a topic are a dispatch table (action name → form and service). Nothing here returns a
server error for odd input.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yishi.core import clock
from yishi.core.confirm import Confirm, ask_first, is_confirmed
from yishi.core.exceptions import RuleViolation
from yishi.core.refusals import Action, attempt, attempt_action
from yishi.disclosure.preview import with_preview
from yishi.places.permissions import communities_for_staff, is_staff_at, person_of

from . import access, forms, rules, selectors, services
from .models import Participant, Topic
from .rules import TopicState
from .services.outcomes import draft_outcome_notice

# --- The committee's work board ---------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Topics of the communities the user is staff of, by stage, with what is due next.

    Two queries whatever the number of topics (the topics with their plan and outcome,
    and their meetings with the minutes), and two for the committees with a vacant seat.
    """
    access.require_staff_anywhere(request.user)
    now = clock.now()
    groups: dict[str, list[dict[str, Any]]] = {s: [] for s in rules.TOPIC_STATES
                                               if s not in rules.TERMINAL_TOPIC_STATES}
    for topic in selectors.board_topics(request.user):
        due = rules.due_next(selectors.board_facts(topic, now))
        groups[topic.state].append({"topic": topic, "due": due.text, "late": due.late,
                                       "soon": due.soon})
    stages = [{"state": s, "label": rules.TOPIC_STATES[s], "rows": rows}
              for s, rows in groups.items() if rows]
    return render(request, "consult/board.html", {
        "stages": stages, "total": sum(len(st["rows"]) for st in stages),
        **_incomplete(communities_for_staff(request.user))})


def _incomplete(communities: list[Any], shown: int = 10) -> dict[str, Any]:
    """Communities with a vacant fixed seat: the first ``shown``, and how many more."""
    found = selectors.incomplete_committees(communities)
    return {"incomplete": found[:shown], "incomplete_more": max(0, len(found) - shown)}


@login_required
def my_topics(request: HttpRequest) -> HttpResponse:
    """A resident's topics: raised, co-signed as a joint proposal, or invited to."""
    me = person_of(request.user)
    if me is None:
        raise Http404
    from yishi.intake.models import Signature

    signed = Signature.objects.filter(person=me, withdrawn_at__isnull=True).values("proposal_id")
    topics = (Topic.objects.filter(Q(proposer=me) | Q(from_proposal__in=signed)
                                   | Q(plan__participants__person=me))
              .select_related("community").distinct().order_by("-created_at")[:100])
    return render(request, "consult/my_topics.html", {"topics": topics})


# --- 一事一档: the topic's file ------------------------------------------------------------------


def _topic_context(request: HttpRequest, topic: Topic) -> dict[str, Any]:
    """The file page's context from ``topic_file``'s few reads; everything the template
    shows is read here, once, never in its loops."""
    user = request.user
    staff = is_staff_at(user, topic.community)
    # The audit trail is for staff (and the supervisory committee) only.
    file = selectors.topic_file(topic, with_audit=staff)
    assert file is not None  # given a topic, there is always a file
    acting = services.can_run(user, topic.community)
    # Only staff approve: the party organisation and the township hold staff roles.
    approver = staff and services.can_approve(user, topic)
    plan = file["plan"]
    context: dict[str, Any] = {
        **file,
        "staff": staff,
        "acting": acting,
        "can_approve": plan is not None and approver
        and topic.state == TopicState.PLANNED and topic.is_major,
        "state_label": rules.TOPIC_STATES.get(topic.state, topic.state),
        "active_meeting": next((m for m in reversed(file["meetings"])
                                if m.state in rules.ACTIVE_MEETING_STATES), None),
        "public_notice_id": (topic.public_notice_id  # type: ignore[attr-defined]
                             if topic.state == TopicState.PUBLISHED else None),
    }
    if acting:
        context.update({
            "merge_form": forms.MergeForm(topic=topic, auto_id="merge_%s"),
            "refer_form": forms.ReferForm(auto_id="refer_%s"),
            "reject_form": forms.RejectForm(auto_id="reject_%s"),
            "time_form": forms.MeetingTimeForm(auto_id="time_%s"),
            "refer_assembly_form": forms.ReasonForm(auto_id="assemblyref_%s"),
            "assembly_form": forms.AssemblyForm(initial={
                "held_on": clock.localdate(), "location": plan.location if plan else "",
                "kind": "representatives"}, auto_id="assembly_%s"),
            "file_form": forms.FileForm(auto_id="file_%s"),
        })
        # The catalogue and the settings are read only for the step that shows them.
        if topic.state == TopicState.CANDIDATE:
            context["accept_form"] = forms.AcceptForm(
                catalogue=selectors.catalogue_for(topic.community), auto_id="accept_%s")
        if topic.state == TopicState.FILED:
            cfg = selectors.consult_settings(topic.community)
            context["publish_form"] = forms.PublishForm(initial={"days": cfg.publication_days},
                                                        auto_id="publish_%s")
    if context["can_approve"]:
        context["approve_form"] = forms.ApproveForm(auto_id="approve_%s")
    if topic.state in services.ASSEMBLY_STATES or file["assemblies"] or file["outcome"]:
        context["assembly_open"] = (topic.state in services.ASSEMBLY_STATES and not any(
            a.passed or not a.decided for a in file["assemblies"]))
        context["assembly_needed"] = (topic.is_major and topic.state != TopicState.AT_ASSEMBLY
                                      and not any(a.passed for a in file["assemblies"]))
    kind_open = topic.state in services.KIND_OPEN_STATES
    context["risk"] = getattr(topic, "risk", None) if topic.is_major else None
    if acting and kind_open and topic.is_major:
        r = context["risk"]
        context["risk_form"] = forms.RiskForm(auto_id="risk_%s", initial={
            "level": r.level, "findings": r.findings, "mitigation": r.mitigation} if r else {})
    if kind_open and approver:
        context["kind_form"] = forms.DecideKindForm(auto_id="kind_%s", initial={
            "major": topic.is_major, "technical": topic.technical})
    for t in context["transitions"]:
        t.label = rules.TOPIC_STATES.get(t.to_state, t.to_state)
    return context


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access.get_topic_file_for_user(request.user, pk)
    return render(request, "consult/topic_detail.html", _topic_context(request, topic))


def _plan_of(topic: Topic) -> Any:
    plan = getattr(topic, "plan", None)
    if plan is None:
        raise RuleViolation(_("The plan has not been drafted yet."), rule="no_plan",
                            clause=rules.CLAUSE_PREPARATION)
    return plan


def _planned(topic: Topic) -> Topic:
    """The topic, once its plan is drafted (the services expect one)."""
    _plan_of(topic)
    return topic


# Screening, approval, notices, second meetings, assembly decisions, filing, publishing:
# each action's form (built from the topic and the POST data) and the service it runs.
TOPIC_ACTIONS: dict[str, Action[Topic]] = {
    "accept": Action(
        form=lambda topic, post: forms.AcceptForm(
            post, catalogue=selectors.catalogue_for(topic.community)),
        run=lambda user, topic, d: services.accept_topic(
            actor=user, topic=topic, catalogue_code=d["catalogue_code"], major=d["major"],
            technical=d["technical"], note=d["note"])),
    "decide_kind": Action(
        form=lambda topic, post: forms.DecideKindForm(post),
        run=lambda user, topic, d: services.decide_kind(
            actor=user, topic=topic, major=d["major"], technical=d["technical"],
            reason=d["reason"])),
    "risk": Action(
        form=lambda topic, post: forms.RiskForm(post),
        run=lambda user, topic, d: services.record_risk_assessment(
            actor=user, topic=topic, level=d["level"], findings=d["findings"],
            mitigation=d["mitigation"])),
    "merge": Action(
        form=lambda topic, post: forms.MergeForm(post, topic=topic),
        run=lambda user, topic, d: services.merge_topic(
            actor=user, topic=topic, into=d["into"], reason=d["reason"])),
    "refer": Action(
        form=lambda topic, post: forms.ReferForm(post),
        run=lambda user, topic, d: services.refer_topic(
            actor=user, topic=topic, referred_to=d["referred_to"], reason=d["reason"])),
    "reject": Action(
        form=lambda topic, post: forms.RejectForm(post),
        run=lambda user, topic, d: services.reject_topic(
            actor=user, topic=topic, reason=d["reason"])),
    "approve": Action(
        form=lambda topic, post: forms.ApproveForm(post),
        run=lambda user, topic, d: services.approve_plan(
            actor=user, plan=_plan_of(topic), note=d["note"])),
    "notify": Action(
        run=lambda user, topic, d: services.send_notices(actor=user, topic=_planned(topic))),
    "second": Action(
        form=lambda topic, post: forms.MeetingTimeForm(post),
        run=lambda user, topic, d: services.schedule_second_meeting(
            actor=user, topic=_planned(topic), starts_at=d["starts_at"],
            location=d["location"])),
    "reschedule": Action(
        form=lambda topic, post: forms.MeetingTimeForm(post),
        run=lambda user, topic, d: services.reschedule_meeting(
            actor=user, topic=_planned(topic), starts_at=d["starts_at"],
            location=d["location"])),
    "refer_assembly": Action(
        form=lambda topic, post: forms.ReasonForm(post),
        run=lambda user, topic, d: services.refer_to_assembly(
            actor=user, topic=topic, reason=d["reason"])),
    "assembly": Action(
        form=lambda topic, post: forms.AssemblyForm(post),
        run=lambda user, topic, d: services.record_assembly(
            actor=user, topic=topic, kind=d["kind"], noticed_on=d["noticed_on"],
            held_on=d["held_on"], location=d["location"])),
    "file": Action(
        form=lambda topic, post: forms.FileForm(post),
        run=lambda user, topic, d: services.file_outcome(actor=user, topic=topic,
                                                         note=d["note"])),
    "publish": Action(
        form=lambda topic, post: forms.PublishForm(post),
        run=lambda user, topic, d: services.publish_outcome(actor=user, topic=topic,
                                                            days=d["days"])),
    "close": Action(run=lambda user, topic, d: services.close_topic(actor=user, topic=topic)),
}


# What cannot be undone asks first (core.confirm): 公示 shows the notice as the public
# will see it, always on the confirmation page (a dialog cannot show it).
TOPIC_CONFIRMS: dict[str, Confirm] = {
    "publish": Confirm(
        question=gettext_lazy("Publish this outcome on the notice board now?"),
        detail=gettext_lazy("Everyone can read it at once, the people concerned are told, "
                            "and a published outcome cannot be taken back."),
        button=gettext_lazy("Yes, publish it")),
}


def _ask_to_publish(request: HttpRequest, topic: Topic) -> HttpResponse | None:
    """An unconfirmed 公示: the confirmation page with the notice the board would show;
    refused as publishing would be, back to the file with the refusal (nothing written).
    ``None`` once confirmed."""
    if is_confirmed(request):
        return None
    drafted = attempt(request, lambda d: draft_outcome_notice(
        actor=request.user, topic=topic, days=d["days"]), form=forms.PublishForm(request.POST))
    if not drafted.ok:
        return redirect("consult:topic", topic.pk)
    confirm = TOPIC_CONFIRMS["publish"]
    if drafted.result is not None:  # a township's topic has no board to show
        confirm = with_preview(confirm, drafted.result)
    return ask_first(request, confirm, back=reverse("consult:topic", args=[topic.pk]))


@login_required
@require_POST
def topic_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of ``TOPIC_ACTIONS`` (404 for any other name), then back to the topic's file."""
    topic = access.get_topic_for_staff(request.user, pk)
    if action == "publish":
        asked = _ask_to_publish(request, topic)
        if asked is not None:
            return asked
    attempt_action(request, TOPIC_ACTIONS, action, topic, done=_("Saved."))
    return redirect("consult:topic", topic.pk)


# --- The plan editor ---------------------------------------------------------------------------


def _plan_initial(topic: Topic, plan: Any) -> dict[str, Any]:
    if plan is not None:
        return {"starts_at": timezone.localtime(plan.starts_at), "location": plan.location,
                "form": plan.form, "rules_text": plan.rules_text, "materials": plan.materials,
                "notice_days": plan.notice_days, "convener": plan.convener_id,
                "recorder": plan.recorder_id}
    cfg = selectors.consult_settings(topic.community)
    return {"notice_days": cfg.notice_days, "form": "council"}


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """协商方案: time, place, form, rules; then participants, approval and notices."""
    topic = access.get_topic_for_staff(request.user, pk)
    plan = getattr(topic, "plan", None)
    form = forms.PlanForm(request.POST or None, community=topic.community,
                          initial=_plan_initial(topic, plan))
    status = 200
    if request.method == "POST":
        def save(d: dict[str, Any]) -> object:
            if plan is None:
                return services.draft_plan(actor=request.user, topic=topic, **d)
            return services.update_plan(actor=request.user, plan=plan, **d)

        if attempt(request, save, form=form, show="form", done=_("The plan is saved.")).ok:
            return redirect("consult:plan", topic.pk)
        status = 400
    return render(request, "consult/plan_edit.html", {
        "topic": topic, "plan": plan, "form": form,
        "participants": list(plan.participants.select_related("person")) if plan else [],
        "participant_form": forms.ParticipantForm(community=topic.community),
        "can_change_participants": topic.state in services.PARTICIPANT_OPEN_STATES,
        "editable": plan is None or topic.state == TopicState.PLANNED,
        "can_approve": plan is not None and topic.is_major and topic.state == TopicState.PLANNED
        and services.can_approve(request.user, topic),
        "approve_form": forms.ApproveForm(),
        "incomplete": selectors.incomplete_committees([topic.community]),
    }, status=status)


@login_required
def participant_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: who a mobile or ID number belongs to in the community, before adding them."""
    topic = access.get_topic_for_staff(request.user, pk)
    key = request.GET.get("lookup", "")[:18]
    person = forms.find_resident(topic.community, key) if key.strip() else None
    return render(request, "consult/_lookup.html", {"person": person, "key": key})


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access.get_topic_for_staff(request.user, pk)
    attempt(request, lambda d: services.add_participant(
        actor=request.user, plan=_plan_of(topic), kind=d["kind"], person=d["person"],
        name=d["name"] if not d["person"] else "", affiliation=d["affiliation"]),
        form=forms.ParticipantForm(request.POST, community=topic.community),
        done=_("Participant added."))
    return redirect("consult:plan", topic.pk)


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    topic = access.get_topic_for_staff(request.user, pk)
    row = Participant.objects.filter(pk=participant, plan__topic=topic).first()
    if row is None:
        raise Http404
    attempt(request, lambda d: services.remove_participant(actor=request.user, participant=row),
            done=_("Participant removed."))
    return redirect("consult:plan", topic.pk)
