"""Follow-up pages: thin views over services and selectors.

Each view loads its object through one ``get_<thing>_for_user`` helper (404 alike for
missing and not yours) and runs one service through ``core.refusals.attempt``: a refusal
becomes a message and writes nothing. Overdue-ness comes from ``rules`` via ``selectors``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yishi.consult.models import Outcome
from yishi.core import clock, files
from yishi.core.held_uploads import HeldUploads
from yishi.core.refusals import attempt

from . import rules, selectors, services
from .access import (
    can_manage,
    get_answer_for_user,
    get_correction_for_user,
    get_dissent_for_user,
    get_photo_for_user,
    get_public_topic,
    get_task_for_user,
    get_topic_for_adviser,
    get_topic_for_staff,
    has_legal_adviser,
    is_legal_adviser_for,
    is_township_over,
    owns_task,
    speaks_for,
)
from .forms import (
    AnswerForm,
    CorrectionForm,
    DissentForm,
    ExplanationForm,
    LegalOpinionForm,
    ProgressForm,
    ReportForm,
    TaskForm,
    UnlawfulForm,
)
from .models import Correction, EntrustedAnswer, LegalOpinion

# --- Staff: tasks ------------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks of my communities, overdue first, and the tasks I own."""
    today = clock.localdate()
    page = Paginator(selectors.tasks_for_staff(request.user, today), 50).get_page(
        request.GET.get("page"))
    page.object_list = selectors.with_overdue_tasks(page.object_list, today)
    mine = selectors.with_overdue_tasks(selectors.tasks_owned_by(request.user), today)
    return render(request, "followup/task_list.html", {"page": page, "mine": mine})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk)
    may_report = (can_manage(request.user, task.community) or owns_task(request.user, task)) \
        and bool(rules.task_actions(task.state))
    form = ProgressForm(request.POST or None, request.FILES or None,
                        held=HeldUploads(request.session))
    status = 200
    if request.method == "POST":
        if not may_report:
            raise Http404
        if attempt(request, lambda d: services.record_progress(
                actor=request.user, task=task, text=d["text"], photos=d["photos"],
                complete=d["complete"]), form=form, done=_("Progress recorded.")).ok:
            form.release_photos()
            return redirect("followup:task", task.pk)
        form.keep_photos()  # the browser forgets chosen files: the page shows them kept
        status = 400
    return render(request, "followup/task_detail.html", {
        "task": task, "form": form, "may_report": may_report,
        "overdue": rules.task_overdue(task.state, task.deadline, clock.localdate()),
        "manages": can_manage(request.user, task.community),
        "progress": task.progress.select_related("by").prefetch_related("photos"),
    }, status=status)


# --- Staff: one topic's follow-up ------------------------------------------------------------


@login_required
@require_GET
def topic_followup(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    manage = can_manage(request.user, topic.community)
    today = clock.localdate()
    answer = EntrustedAnswer.objects.filter(topic=topic).select_related("body").first()
    return render(request, "followup/topic.html", {
        "topic": topic, "manage": manage,
        "outcome": Outcome.objects.filter(topic=topic).first(),
        "tasks": selectors.with_overdue_tasks(selectors.tasks_of_topic(topic), today),
        "task_form": TaskForm(topic=topic),
        "entrusted": topic.source == "entrusted" or bool(topic.entrusted_by),
        "answer": answer,
        "answer_overdue": answer is not None
        and rules.answer_overdue(answer.state, answer.due_date, today),
        "report_form": ReportForm(),
        "waiting": selectors.dissenters_without_explanation(topic).count(),
        "corrections": Correction.objects.filter(topic=topic).select_related("marked_by", "corrected_by"),
        "township": is_township_over(request.user, topic.community),
        "unlawful_form": UnlawfulForm(), "correction_form": CorrectionForm(),
        "published": selectors.is_published(topic),
        "legal_opinions": LegalOpinion.objects.filter(topic=topic).select_related("given_by"),
        "legal_adviser": has_legal_adviser(topic.community, today),
    })


@login_required
@require_POST
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    attempt(request, lambda d: services.create_task(
        actor=request.user, topic=topic, title=d["title"], details=d["details"],
        owner_person=d["owner_person"], owner_place=d["owner_place"], owner_body=d["owner_body"],
        deadline=d["deadline"] or None, working_days=d["working_days"]),
        form=TaskForm(request.POST, topic=topic), done=_("Task created."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    attempt(request, lambda d: services.report_to_entrusting_body(
        actor=request.user, topic=topic, text=d["text"]), form=ReportForm(request.POST),
        done=_("Reported; the answer is due as shown."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def mark_unlawful(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    attempt(request, lambda d: services.mark_outcome_unlawful(
        actor=request.user, topic=topic, reason=d["reason"]), form=UnlawfulForm(request.POST),
        done=_("The outcome is marked as unlawful."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_correction_for_user(request.user, pk)
    attempt(request, lambda d: services.record_correction(
        actor=request.user, correction=correction, text=d["text"],
        legal_education=d["legal_education"]), form=CorrectionForm(request.POST),
        done=_("Correction recorded."))
    return redirect("followup:topic", correction.topic_id)


@login_required
@require_POST
def ask_legal_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_staff(request.user, pk)
    attempt(request, lambda d: services.request_legal_opinion(actor=request.user, topic=topic),
            done=_("The legal adviser is asked for an opinion."))
    return redirect("followup:topic", topic.pk)


@login_required
@require_GET
def legal_opinion_list(request: HttpRequest) -> HttpResponse:
    """What the legal adviser is to give an opinion on."""
    page = Paginator(selectors.awaiting_legal_opinion(request.user), 50).get_page(
        request.GET.get("page"))
    return render(request, "followup/legal_opinions.html", {"page": page})


@login_required
def legal_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """法律顾问意见: the legal adviser reads the outcome and records its lawfulness."""
    topic = get_topic_for_adviser(request.user, pk)
    adviser = is_legal_adviser_for(request.user, topic.community)
    form = LegalOpinionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not adviser:
            raise Http404
        if attempt(request, lambda d: services.give_legal_opinion(
                actor=request.user, topic=topic, verdict=d["verdict"], text=d["text"]),
                form=form, done=_("Your legal opinion is recorded.")).ok:
            return redirect("followup:legal_opinion", topic.pk)
        status = 400
    return render(request, "followup/legal_opinion.html", {
        "topic": topic, "form": form, "adviser": adviser,
        "outcome": Outcome.objects.filter(topic=topic).first(),
        "opinions": LegalOpinion.objects.filter(topic=topic)
        .select_related("given_by", "correction"),
        "open_correction": Correction.objects.filter(topic=topic, corrected_at__isnull=True)
        .exists(),
    }, status=status)


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
        if attempt(request, lambda d: services.mark_dissent(
                actor=request.user, topic=topic, grounds=d["grounds"],
                participant=d["participant"], person=d["person"], note=d["note"]),
                form=form, done=_("Recorded as dissenting.")).ok:
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
    attempt(request, lambda d: services.explain_to_dissenter(
        actor=request.user, dissent=dissent, text=d["text"]), form=ExplanationForm(request.POST),
        done=_("Explanation recorded."))
    return redirect("followup:dissents", dissent.topic_id)


# --- Departments and townships: entrusted answers ---------------------------------------------


@login_required
@require_GET
def answer_list(request: HttpRequest) -> HttpResponse:
    """What my bodies must answer in writing, with due dates; staff see their communities'."""
    today = clock.localdate()
    return render(request, "followup/answers.html", {
        "to_answer": selectors.with_overdue_answers(
            selectors.answers_for_body_user(request.user), today),
        "reported": selectors.with_overdue_answers(selectors.answers_for_staff(request.user),
                                                   today),
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
        if attempt(request, lambda d: services.answer_entrusted_topic(
                actor=request.user, answer=answer, text=d["text"], adoption=d["adoption"]),
                form=form, done=_("Your written answer is recorded.")).ok:
            return redirect("followup:answer", answer.pk)
        status = 400
    return render(request, "followup/answer_detail.html", {
        "answer": answer, "form": form, "may_answer": may_answer,
        "overdue": rules.answer_overdue(answer.state, answer.due_date, clock.localdate()),
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
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    p = get_photo_for_user(request.user, pk)
    return files.serve(p.image, content_type=_content_type(p.image.name))


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
            "webp": "image/webp", "gif": "image/gif"}.get(ext, "application/octet-stream")
