"""The procedure page of a topic following 四议两公开 or a hearing (or choosing one).

``/consult/topics/<id>/procedure/``: the template's steps in order — done ones with who,
when and the vote, the next one with its form for those allowed to decide it, later ones
greyed. Thin views over ``procedure_services``; a refusal becomes a message with its seed
clause (``core.refusals.attempt``), and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yishi.core.confirm import Confirm, ask_first, is_confirmed
from yishi.core.forms import LongTextField
from yishi.core.refusals import attempt
from yishi.disclosure.preview import with_preview
from yishi.places.permissions import is_staff_at

from . import access, procedure_services, procedures
from .models import ProcedureStep, Topic
from .procedures import ProcedureStep as TemplateStep


class ChooseForm(forms.Form):
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"))

    def __init__(self, *args: Any, offered: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [  # type: ignore[attr-defined]
            (code, procedures.PROCEDURES[code].label) for code in offered]


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, required=False)


class StepForm(forms.Form):
    """Every step takes a note; vote steps the counts, 公开 steps the posting period."""

    note = LongTextField(label=gettext_lazy("Note, minutes or text to publish"),
                         max_length=procedure_services.NOTE_MAX, required=False, rows=3)
    yes = _count(gettext_lazy("For"))
    no = _count(gettext_lazy("Against"))
    abstain = _count(gettext_lazy("Abstain"))
    present = _count(gettext_lazy("Present"))
    notice_days = forms.IntegerField(label=gettext_lazy("Days on the notice board"),
                                     min_value=1, max_value=366, initial=7, required=False)

    def __init__(self, *args: Any, step: TemplateStep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step.vote is None:
            for name in ("yes", "no", "abstain", "present"):
                del self.fields[name]
        if not step.notice:
            del self.fields["notice_days"]


def _rows(topic: Topic, procedure: procedures.Procedure, user: Any) -> list[dict[str, Any]]:
    recorded = {r.step: r for r in ProcedureStep.objects.filter(topic=topic)
                .select_related("decided_by__person", "notice")}
    done = procedure_services.done_steps(topic)
    following = procedures.next_procedure_step(procedure, done)
    rows = []
    for step in procedure.steps:
        row: dict[str, Any] = {"step": step, "record": recorded.get(step.code)}
        if row["record"] is not None:
            row["state"] = "done"
            person = getattr(row["record"].decided_by, "person", None)
            row["who"] = person.name if person else row["record"].decided_by.get_username()
        elif following is not None and step.code == following.code:
            row["state"] = "next"
            row["allowed"] = procedure_services.may_decide(user, topic, step)
            row["form"] = StepForm(step=step, auto_id=f"{step.code}_%s")
        else:
            row["state"] = "later"
        if step.vote is not None:
            row["vote_rule"] = procedures.vote_rule_text(step.vote)
        rows.append(row)
    return rows


@login_required
def procedure_page(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access.get_topic_for_user(request.user, pk)
    procedure = procedures.PROCEDURES.get(topic.procedure, procedures.PROCEDURES["consultation"])
    context: dict[str, Any] = {"topic": topic, "procedure": procedure,
                               "staff": is_staff_at(request.user, topic.community)}
    started = ProcedureStep.objects.filter(topic=topic).exists()
    if (not started and topic.state in procedure_services.CHOOSABLE_STATES
            and procedure_services.may_choose(request.user, topic)):
        offered = procedure_services.offered_procedures(topic.community)
        initial = topic.procedure
        if initial == procedures.CONSULTATION:
            initial = procedure_services.default_procedure(topic.community)
        context["choose_form"] = ChooseForm(offered=offered, initial={"procedure": initial},
                                            auto_id="choose_%s")
    if procedure.ordered:
        context["rows"] = _rows(topic, procedure, request.user)
        done = procedure_services.done_steps(topic)
        context["complete"] = bool(done) and procedures.next_procedure_step(procedure,
                                                                             done) is None
        context["stopped"] = context["complete"] and len(done) < len(procedure.steps)
    return render(request, "consult/procedure_page.html", context)


@login_required
@require_POST
def procedure_choose(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access.get_topic_for_user(request.user, pk)
    offered = procedure_services.offered_procedures(topic.community)
    attempt(request, lambda d: procedure_services.choose_procedure(
        actor=request.user, topic=topic, procedure=d["procedure"]),
        form=ChooseForm(request.POST, offered=offered), done=_("Procedure chosen."))
    return redirect("consult:procedure", pk=topic.pk)


# A 公开 step posts on the board, which cannot be undone: it asks first, always on the
# confirmation page, which shows the notice (a dialog cannot).
STEP_NOTICE_CONFIRM = Confirm(
    question=gettext_lazy("Record this step and post its notice on the board?"),
    detail=gettext_lazy("Everyone can read the notice at once; a recorded step and a posted "
                        "notice cannot be taken back."),
    button=gettext_lazy("Record and post"))


@login_required
@require_POST
def procedure_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    topic = access.get_topic_for_user(request.user, pk)
    done = _("Step recorded.")
    procedure = procedures.PROCEDURES.get(topic.procedure)
    template_step = procedure.step(step) if procedure is not None else None
    if procedure is None or template_step is None or not procedure.ordered:
        # Not a step of an ordered procedure: the service refuses it, naming the rule.
        attempt(request, lambda d: procedure_services.record_procedure_step(
            actor=request.user, topic=topic, step=step), done=done)
        return redirect("consult:procedure", pk=topic.pk)
    if template_step.notice and not is_confirmed(request):
        # 公示: the notice as the public will see it, before anything is recorded.
        drafted = attempt(request, lambda d: procedure_services.draft_step_notice(
            actor=request.user, topic=topic, step=step, note=d.get("note") or "",
            notice_days=d.get("notice_days") or 7),
            form=StepForm(request.POST, step=template_step))
        if drafted.result is None:
            return redirect("consult:procedure", pk=topic.pk)
        asked = ask_first(request, with_preview(STEP_NOTICE_CONFIRM, drafted.result),
                          back=reverse("consult:procedure", args=[topic.pk]))
        assert asked is not None  # not confirmed: the page that asks
        return asked
    attempt(request, lambda d: procedure_services.record_procedure_step(
        actor=request.user, topic=topic, step=step, note=d.get("note") or "",
        yes=d.get("yes"), no=d.get("no"), abstain=d.get("abstain"),
        present=d.get("present"), notice_days=d.get("notice_days") or 7),
        form=StepForm(request.POST, step=template_step), done=done)
    return redirect("consult:procedure", pk=topic.pk)
