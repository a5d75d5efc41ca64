"""Follow-up pages: thin views over services and selectors.

Each view loads its object through one ``get_<thing>_for_user`` helper (404 alike for
missing and not yours), calls one service, and turns a ``RuleViolation`` into a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yishi.consult.models import Outcome
from yishi.core.exceptions import RuleViolation

from . import rules, selectors, services
from .access import (
    can_manage,
    get_answer_for_user,
    get_correction_for_user,
    get_dissent_for_user,
    get_photo_for_user,
    get_public_topic,
    get_task_for_user,
    get_topic_for_staff,
    is_township_over,
    owns_task,
    speaks_for,
)
from .forms import (
    AnswerForm,
    CorrectionForm,
    DissentForm,
    ExplanationForm,
    ProgressForm,
    ReportForm,
    TaskForm,
    UnlawfulForm,
)
from .models import Correction, EntrustedAnswer


def _form_errors(form: Any) -> str:
    errors = [str(e) for field in form.errors.values() for e in field]
    return " ".join(errors) or _("Please check the form.")


def _run(request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any],
         done: str) -> bool:
    """Validate the form and run the service; a refusal becomes a message, never a 500."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return False
    try:
        action(form.cleaned_data)
    except RuleViolation as e:
        messages.error(request, e.message)
        return False
    messages.success(request, done)
    return True


# --- Staff: tasks ------------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of my communities, overdue first, and the tasks I own."""
    today = timezone.localdate()
    page = Paginator(selectors.tasks_for_staff(request.user, today), 50).get_page(
        request.GET.get("page"))
    mine = list(selectors.tasks_owned_by(request.user))
    return render(request, "followup/task_list.html", {"page": page, "mine": mine,
                                                       "today": today})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    may_report = (can_manage(request.user, task.community) or owns_task(request.user, task)) \
        and bool(rules.task_actions(task.state))
    form = ProgressForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not may_report:
            raise Http404
        if _run(request, form, lambda d: services.record_progress(
                actor=request.user, task=task, text=d["text"], photos=d["photos"],
                complete=d["complete"]), _("Progress recorded.")):
            return redirect("followup:task", task.pk)
        status = 400
    return render(request, "followup/task_detail.html", {
        "task": task, "form": form, "may_report": may_report, "today": timezone.localdate(),
        "manages": can_manage(request.user, task.community),
        "progress": task.progress.select_related("by").prefetch_related("photos"),
    }, status=status)


# --- Staff: one topic's follow-up ------------------------------------------------------------


@login_required
@require_GET
def topic_followup(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    manage = can_manage(request.user, topic.community)
    return render(request, "followup/topic.html", {
        "topic": topic, "manage": manage, "today": timezone.localdate(),
        "outcome": Outcome.objects.filter(topic=topic).first(),
        "tasks": selectors.tasks_of_topic(topic),
        "task_form": TaskForm(topic=topic),
        "entrusted": topic.source == "entrusted" or bool(topic.entrusted_by),
        "answer": EntrustedAnswer.objects.filter(topic=topic)
        .select_related("body").first(),
        "report_form": ReportForm(),
        "waiting": selectors.dissenters_without_explanation(topic).count(),
        "corrections": Correction.objects.filter(topic=topic).select_related("marked_by", "corrected_by"),
        "township": is_township_over(request.user, topic.community),
        "unlawful_form": UnlawfulForm(), "correction_form": CorrectionForm(),
        "published": selectors.is_published(topic),
    })


@login_required
@require_POST
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    form = TaskForm(request.POST, topic=topic)
    _run(request, form, lambda d: services.create_task(
        actor=request.user, topic=topic, title=d["title"], details=d["details"],
        owner_person=d["owner_person"], owner_place=d["owner_place"], owner_body=d["owner_body"],
        deadline=d["deadline"] or None, working_days=d["working_days"]), _("Task created."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    _run(request, ReportForm(request.POST), lambda d: services.report_to_entrusting_body(
        actor=request.user, topic=topic, text=d["text"]), _("Reported; the answer is due "
                                                             "as shown."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def mark_unlawful(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    _run(request, UnlawfulForm(request.POST), lambda d: services.mark_outcome_unlawful(
        actor=request.user, topic=topic, reason=d["reason"]),
        _("The outcome is marked as unlawful."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_correction_for_user(request.user, pk)
    _run(request, CorrectionForm(request.POST), lambda d: services.record_correction(
        actor=request.user, correction=correction, text=d["text"],
        legal_education=d["legal_education"]), _("Correction recorded."))
    return redirect("followup:topic", correction.topic_id)


# --- Staff: dissent ----------------------------------------------------------------------------


@login_required
def dissents(request: HttpRequest, pk: int) -> HttpResponse:
    """Dissenters on a topic and the explanations given; staff record both here."""
    topic = get_topic_for_staff(request.user, pk)
    manage = can_manage(request.user, topic.community)
    form = DissentForm(request.POST or None, topic=topic)
    status = 200
    if request.method == "POST":
        if not manage:
            raise Http404
        if _run(request, form, lambda d: services.mark_dissent(
                actor=request.user, topic=topic, grounds=d["grounds"],
                participant=d["participant"], person=d["person"], note=d["note"]),
                _("Recorded as dissenting.")):
            return redirect("followup:dissents", topic.pk)
        status = 400
    rows = list(selectors.dissents_of_topic(topic))
    return render(request, "followup/dissents.html", {
        "topic": topic, "rows": rows, "form": form, "manage": manage,
        "explain_form": ExplanationForm(),
        "waiting": sum(1 for d in rows if not hasattr(d, "explanation")),
    }, status=status)


@login_required
@require_POST
def explain(request: HttpRequest, pk: int) -> HttpResponse:
    dissent = get_dissent_for_user(request.user, pk)
    _run(request, ExplanationForm(request.POST), lambda d: services.explain_to_dissenter(
        actor=request.user, dissent=dissent, text=d["text"]), _("Explanation recorded."))
    return redirect("followup:dissents", dissent.topic_id)


# --- Departments and townships: entrusted answers ---------------------------------------------


@login_required
@require_GET
def answer_list(request: HttpRequest) -> HttpResponse:
    """What my bodies must answer in writing, with due dates; staff see their communities'."""
    return render(request, "followup/answers.html", {
        "to_answer": selectors.answers_for_body_user(request.user),
        "reported": selectors.answers_for_staff(request.user),
        "today": timezone.localdate(),
    })


@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_answer_for_user(request.user, pk)
    may_answer = speaks_for(request.user, answer.body) \
        and answer.state == rules.AnswerState.AWAITING
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        # The service refuses a body that was not asked with a clear message.
        if _run(request, form, lambda d: services.answer_entrusted_topic(
                actor=request.user, answer=answer, text=d["text"], adoption=d["adoption"]),
                _("Your written answer is recorded.")):
            return redirect("followup:answer", answer.pk)
        status = 400
    return render(request, "followup/answer_detail.html", {
        "answer": answer, "form": form, "may_answer": may_answer,
        "today": timezone.localdate(),
    }, status=status)


# --- Public ------------------------------------------------------------------------------------


@require_GET
def public_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """落实情况公开: readable without signing in, once the outcome was published."""
    topic = get_public_topic(pk)
    return render(request, "followup/public_progress.html", {
        "topic": topic, "tasks": selectors.public_progress(topic),
    })


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    p = get_photo_for_user(request.user, pk)
    try:
        handle = p.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=_content_type(p.image.name))


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
            "webp": "image/webp", "gif": "image/gif"}.get(ext, "application/octet-stream")
