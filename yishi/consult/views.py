"""Consultation pages: the committee's work board, the topic's file with screening and the
steps around the meetings, and the plan editor (the meeting pages are in ``meeting_views``).
Thin views over ``services`` and ``selectors``.

Each view loads its record through one ``access.get_<thing>_for_<who>`` helper (404 alike
for missing and not yours), calls one service, and turns a ``RuleViolation`` into a
message naming the rule and the seed clause. Refused actions write nothing (the services
raise before writing); nothing here returns a server error for odd input.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent
from yishi.places.permissions import is_staff_at, person_of

from . import access, forms, rules, selectors, services
from .models import Meeting, Minutes, Participant, Topic
from .rules import MeetingState, TopicState

# --- Messages --------------------------------------------------------------------------------


def refusal_text(e: RuleViolation) -> str:
    """The refusal as shown: the message, then the rule and the seed clause it comes from."""
    if e.rule and e.clause:
        return _("%(message)s (rule: %(rule)s, %(clause)s)") % {
            "message": e.message, "rule": e.rule, "clause": e.clause}
    if e.rule:
        return _("%(message)s (rule: %(rule)s)") % {"message": e.message, "rule": e.rule}
    return e.message


def refuse(request: HttpRequest, e: RuleViolation) -> None:
    messages.error(request, refusal_text(e), extra_tags=f"refusal rule-{e.rule or 'input'}")


def _form_errors(form: Any) -> RuleViolation:
    errors = [str(m) for field in form.errors.values() for m in field]
    return RuleViolation(" ".join(errors) or _("Please check the form."), rule="input")


def cleaned(form: Any) -> dict[str, Any]:
    """The cleaned data, or a RuleViolation carrying the form's errors."""
    if not form.is_valid():
        raise _form_errors(form)
    return dict(form.cleaned_data)


def run_action(request: HttpRequest, action: Callable[[], Any], done: str = "") -> bool:
    try:
        action()
    except RuleViolation as e:
        refuse(request, e)
        return False
    messages.success(request, done or _("Saved."))
    return True


# --- The committee's work board ---------------------------------------------------------------


def _due_next(topic: Topic, now: datetime) -> tuple[str, bool]:
    """What is due next on the topic, and whether it is late (the board's right column)."""
    plan = getattr(topic, "plan", None)
    meetings = list(topic.meetings.all())
    s = topic.state
    if s == TopicState.CANDIDATE:
        return _("Screen against the catalogue"), False
    if s == TopicState.ACCEPTED:
        return _("Draft the plan"), False
    if s in (TopicState.PLANNED, TopicState.APPROVED) and plan is not None:
        if topic.is_major and not plan.approved:
            return _("Party organisation to approve the plan"), False
        send_by = plan.starts_at - timedelta(days=plan.notice_days)
        return (_("Send the notices by %(when)s")
                % {"when": timezone.localtime(send_by).strftime("%Y-%m-%d %H:%M")},
                send_by < now)
    if s == TopicState.NOTIFIED:
        upcoming = [m for m in meetings if m.state in rules.ACTIVE_MEETING_STATES]
        if upcoming:
            m = upcoming[-1]
            return (_("Meeting no. %(n)d on %(when)s")
                    % {"n": m.number,
                       "when": timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")},
                    m.starts_at < now and m.state == MeetingState.SCHEDULED)
        return _("Reschedule the cancelled meeting"), True
    if s == TopicState.CONSULTING:
        return _("Meeting in progress"), False
    if s == TopicState.SECOND_PENDING:
        return _("Schedule the second consultation"), False
    if s == TopicState.AT_ASSEMBLY:
        return _("Record the decision of the residents' (representatives') meeting"), False
    if s in (TopicState.CONSENSUS, TopicState.DECIDED):
        unsigned = sum(1 for m in meetings if getattr(m, "minutes", None) is not None
                       and not m.minutes.frozen)
        return _("Minutes to sign: %(n)d") % {"n": unsigned}, False
    if s == TopicState.MINUTES_SIGNED:
        return _("File with the party organisation and the committee"), False
    if s == TopicState.FILED:
        return _("Publish on the notice board"), False
    if s == TopicState.PUBLISHED:
        outcome = getattr(topic, "outcome", None)
        if outcome is not None and outcome.published_until is not None:
            return (_("On the notice board until %(date)s")
                    % {"date": outcome.published_until.isoformat()}, False)
    return "", False


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Topics of the communities the user is staff of, by stage, with what is due next.

    Two queries whatever the number of topics: the topics with their plan and outcome,
    and their meetings with the minutes.
    """
    access.require_staff_anywhere(request.user)
    topics = (
        selectors.topics_for_staff(request.user)
        .exclude(state__in=rules.TERMINAL_TOPIC_STATES)
        .select_related("plan", "outcome")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.select_related("minutes")
                                   .order_by("number")))
    )
    now = timezone.now()
    groups: dict[str, list[dict[str, Any]]] = {s: [] for s in rules.TOPIC_STATES
                                               if s not in rules.TERMINAL_TOPIC_STATES}
    for topic in topics:
        due, late = _due_next(topic, now)
        groups[topic.state].append({"topic": topic, "due": due, "late": late})
    stages = [{"state": s, "label": rules.TOPIC_STATES[s], "rows": rows}
              for s, rows in groups.items() if rows]
    return render(request, "consult/board.html", {
        "stages": stages, "total": sum(len(st["rows"]) for st in stages)})


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


def _audit_trail(topic: Topic, file: dict[str, Any]) -> list[AuditEvent]:
    """Audit events of the topic, its plan, its meetings, their votes, minutes and amendments."""
    plan, meetings = file["plan"], file["meetings"]
    ids = {
        "consult.topic": [topic.pk],
        "consult.plan": [plan.pk] if plan else [],
        "consult.meeting": [m.pk for m in meetings],
        "consult.vote": [m.vote.pk for m in meetings if getattr(m, "vote", None)],
        "consult.minutes": [m.minutes.pk for m in meetings if getattr(m, "minutes", None)],
    }
    q = Q(object_type="consult.amendment",
          object_id__in=[str(i) for i in Minutes.objects.filter(
              meeting__topic=topic).values_list("amendments__pk", flat=True) if i])
    for kind, pks in ids.items():
        if pks:
            q |= Q(object_type=kind, object_id__in=[str(pk) for pk in pks])
    return list(AuditEvent.objects.filter(q).select_related("actor").order_by("id"))


def _topic_context(request: HttpRequest, topic: Topic) -> dict[str, Any]:
    file = selectors.topic_file(topic.pk)
    if file is None:  # deleted between the two reads
        raise Http404
    user = request.user
    staff = is_staff_at(user, topic.community)
    acting = services.can_run(user, topic.community)
    cfg = selectors.consult_settings(topic.community)
    plan = file["plan"]
    context: dict[str, Any] = {
        **file,
        "topic": topic,
        "staff": staff,
        "acting": acting,
        "can_approve": plan is not None and services.can_approve(user, topic)
        and topic.state == TopicState.PLANNED and topic.is_major,
        "audit": _audit_trail(topic, file) if staff else [],
        "state_label": rules.TOPIC_STATES.get(topic.state, topic.state),
        "active_meeting": next((m for m in reversed(file["meetings"])
                                if m.state in rules.ACTIVE_MEETING_STATES), None),
        "public_notice": None,
    }
    if topic.state == TopicState.PUBLISHED:
        from yishi.disclosure.models import Notice

        context["public_notice"] = Notice.objects.filter(
            source_type="consult.topic", source_id=topic.pk).first()
    if acting:
        context.update({
            "accept_form": forms.AcceptForm(catalogue=selectors.catalogue_for(topic.community),
                                            auto_id="accept_%s"),
            "merge_form": forms.MergeForm(topic=topic, auto_id="merge_%s"),
            "refer_form": forms.ReferForm(auto_id="refer_%s"),
            "reject_form": forms.RejectForm(auto_id="reject_%s"),
            "time_form": forms.MeetingTimeForm(auto_id="time_%s"),
            "refer_assembly_form": forms.ReasonForm(auto_id="assemblyref_%s"),
            "assembly_form": forms.AssemblyForm(initial={"held_on": timezone.localdate()},
                                                auto_id="assembly_%s"),
            "file_form": forms.FileForm(auto_id="file_%s"),
            "publish_form": forms.PublishForm(initial={"days": cfg.publication_days},
                                              auto_id="publish_%s"),
        })
    if context["can_approve"]:
        context["approve_form"] = forms.ApproveForm(auto_id="approve_%s")
    for t in context["transitions"]:
        t.label = rules.TOPIC_STATES.get(t.to_state, t.to_state)
    return context


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access.get_topic_for_user(request.user, pk)
    return render(request, "consult/topic_detail.html", _topic_context(request, topic))


@login_required
@require_POST
def topic_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Screening, approval, notices, second meetings, assembly decisions, filing, publishing."""
    topic = access.get_topic_for_staff(request.user, pk)
    user, post = request.user, request.POST

    def run() -> None:
        if action == "accept":
            d = cleaned(forms.AcceptForm(post, catalogue=selectors.catalogue_for(topic.community)))
            services.accept_topic(actor=user, topic=topic, catalogue_code=d["catalogue_code"],
                                  major=d["major"], technical=d["technical"], note=d["note"])
        elif action == "merge":
            d = cleaned(forms.MergeForm(post, topic=topic))
            services.merge_topic(actor=user, topic=topic, into=d["into"], reason=d["reason"])
        elif action == "refer":
            d = cleaned(forms.ReferForm(post))
            services.refer_topic(actor=user, topic=topic, referred_to=d["referred_to"],
                                 reason=d["reason"])
        elif action == "reject":
            d = cleaned(forms.RejectForm(post))
            services.reject_topic(actor=user, topic=topic, reason=d["reason"])
        elif action == "approve":
            d = cleaned(forms.ApproveForm(post))
            services.approve_plan(actor=user, plan=_plan_of(topic), note=d["note"])
        elif action == "notify":
            _plan_of(topic)  # the service raises Plan.DoesNotExist without a plan
            services.send_notices(actor=user, topic=topic)
        elif action in ("second", "reschedule"):
            d = cleaned(forms.MeetingTimeForm(post))
            _plan_of(topic)
            service = (services.schedule_second_meeting if action == "second"
                       else services.reschedule_meeting)
            service(actor=user, topic=topic, starts_at=d["starts_at"], location=d["location"])
        elif action == "refer_assembly":
            d = cleaned(forms.ReasonForm(post))
            services.refer_to_assembly(actor=user, topic=topic, reason=d["reason"])
        elif action == "assembly":
            d = cleaned(forms.AssemblyForm(post))
            services.record_assembly_decision(actor=user, topic=topic, assembly=d["assembly"],
                                              held_on=d["held_on"], decision=d["decision"],
                                              passed=d["passed"])
        elif action == "file":
            d = cleaned(forms.FileForm(post))
            services.file_outcome(actor=user, topic=topic, note=d["note"])
        elif action == "publish":
            d = cleaned(forms.PublishForm(post))
            services.publish_outcome(actor=user, topic=topic, days=d["days"])
        elif action == "close":
            services.close_topic(actor=user, topic=topic)
        else:
            raise Http404

    run_action(request, run)
    return redirect("consult:topic", topic.pk)


def _plan_of(topic: Topic) -> Any:
    plan = getattr(topic, "plan", None)
    if plan is None:
        raise RuleViolation(_("The plan has not been drafted yet."), rule="no_plan",
                            clause=rules.CLAUSE_PREPARATION)
    return plan


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
        if form.is_valid():
            d = form.cleaned_data
            try:
                if plan is None:
                    services.draft_plan(actor=request.user, topic=topic, **d)
                else:
                    services.update_plan(actor=request.user, plan=plan, **d)
            except RuleViolation as e:
                form.add_error(None, refusal_text(e))
            else:
                messages.success(request, _("The plan is saved."))
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

    def run() -> None:
        d = cleaned(forms.ParticipantForm(request.POST, community=topic.community))
        services.add_participant(actor=request.user, plan=_plan_of(topic), kind=d["kind"],
                                 person=d["person"], name=d["name"] if not d["person"] else "",
                                 affiliation=d["affiliation"])

    run_action(request, run, _("Participant added."))
    return redirect("consult:plan", topic.pk)


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    topic = access.get_topic_for_staff(request.user, pk)
    row = Participant.objects.filter(pk=participant, plan__topic=topic).first()
    if row is None:
        raise Http404
    run_action(request, lambda: services.remove_participant(actor=request.user, participant=row),
         _("Participant removed."))
    return redirect("consult:plan", topic.pk)
