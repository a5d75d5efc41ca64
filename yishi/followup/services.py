"""Actions of 落实反馈 (000 §(二)(5)).

One function per action: keyword-only ``actor``, a permission check, validation, then one
``transaction.atomic()`` that locks the row before checking its state, writes one audit
event and queues notifications (``notify`` sends after commit). A refusal raises
``RuleViolation`` (or ``PermissionDenied``) before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from yishi.consult import rules as consult_rules
from yishi.consult.models import Outcome, Participant, Plan, Topic, TopicSource
from yishi.consult.rules import TopicState
from yishi.core import audit, clock
from yishi.core.clauses import in_words
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.images import check_image_pixels
from yishi.core.notify import notify
from yishi.core.text import clean_text as _text
from yishi.core.text import clean_title
from yishi.core.workdays import add_working_days
from yishi.places.models import Person, Place, PlaceKind

from . import rules, selectors
from .access import (
    body_users,
    can_manage,
    is_legal_adviser_for,
    is_township_over,
    legal_adviser_users,
    owns_task,
    speaks_for,
    staff_users,
    township_of,
    township_users,
)
from .models import (
    Adoption,
    Correction,
    Dissent,
    DissentExplanation,
    DissentGrounds,
    EntrustedAnswer,
    ImplementationTask,
    LegalOpinion,
    LegalVerdict,
    ProgressPhoto,
    TaskProgress,
)
from .rules import CLAUSE, CLAUSE_LEGAL_ADVISER

TEXT_MAX = 4000
LONG_TEXT_MAX = 8000
SYSTEM = audit.SystemActor("system:followup-sweep")
# A department owning a task is a government body registered as a street or district.
OWNER_PLACE_KINDS = frozenset({PlaceKind.STREET, PlaceKind.DISTRICT})
# States in which a topic has an outcome to carry out.
OUTCOME_STATES = frozenset({TopicState.CONSENSUS, TopicState.DECIDED, TopicState.MINUTES_SIGNED,
                            TopicState.FILED, TopicState.PUBLISHED, TopicState.CLOSED})
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})


# --- Helpers ---------------------------------------------------------------------------------


def _require_manager(actor: Any, place: Place) -> None:
    if not can_manage(actor, place):
        raise PermissionDenied(
            _("Only the staff of %(place)s (or the township above it) can do this.")
            % {"place": place.name}, rule="staff",
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _topic_link(topic: Topic) -> str:
    return reverse("followup:topic", args=[topic.pk])


def _outcome_of(topic: Topic) -> Outcome | None:
    return Outcome.objects.filter(topic=topic).first()


def _as_date(value: date | str | None, label: str) -> date | None:
    """A date from a form or an API; an impossible date (2025-02-30) is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise RuleViolation(_("“%(value)s” is not a valid date for %(field)s.")
                            % {"value": str(value)[:20], "field": label}, rule="date")
    return parsed


# --- 1. Implementation tasks -------------------------------------------------------------------


def create_task(
    *,
    actor: Any,
    topic: Topic,
    title: str,
    details: str = "",
    owner_person: Person | None = None,
    owner_place: Place | None = None,
    owner_body: str = "",
    deadline: date | str | None = None,
    working_days: int | None = None,
    today: date | None = None,
) -> ImplementationTask:
    """落实任务: a task carrying out the topic's outcome, with an owner and a deadline.

    The deadline is a date, or ``working_days`` counted on the State Council calendar from
    today (the day itself not counted); beyond the holiday data it is provisional.
    """
    _require_manager(actor, topic.community)
    today = today or clock.localdate()
    title = clean_title(title, _("task"), limit=200)
    details = _text(details, _("details"), required=False)
    owner_body = _text(owner_body, _("responsible department"), required=False, limit=100)
    if owner_person is None and owner_place is None and not owner_body:
        raise RuleViolation(_("A task needs an owner: a responsible person or department."),
                            rule="owner", clause=CLAUSE)
    if owner_place is not None and owner_place.kind not in OWNER_PLACE_KINDS:
        raise RuleViolation(_("A responsible government body is a street/township or a "
                            "district."), rule="owner")
    fixed = _as_date(deadline, _("deadline"))
    if (fixed is None) == (working_days is None):
        raise RuleViolation(_("Give the deadline either as a date or as a number of working "
                              "days."), rule="deadline")
    provisional = False
    if fixed is not None:
        error = rules.deadline_error(fixed, today)
        if error:
            raise RuleViolation(error, rule="deadline")
    else:
        error = rules.working_days_error(working_days)  # type: ignore[arg-type]
        if error:
            raise RuleViolation(error, rule="deadline")
        due = add_working_days(today, int(working_days))  # type: ignore[arg-type]
        fixed, provisional = due.date, due.provisional
    with transaction.atomic():
        # Lock: the topic's outcome must not be changing while tasks are cut from it.
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community") \
            .get(pk=topic.pk)
        outcome = _outcome_of(locked)
        if outcome is None and locked.state not in OUTCOME_STATES:
            raise RuleViolation(_("Tasks are set once the consultation has an outcome."),
                                rule="outcome", clause=CLAUSE)
        # An outcome found unlawful is not carried out until corrected (000 §(二)(5)).
        rules.check_duties("implement", selectors.duties_of(locked, today))
        # A major matter only once the assembly passed it; a general one 商定即行 (001 §二(一)1).
        consult_rules.check_may_carry_out(
            major=locked.is_major, action="implement",
            assembly_passed=outcome.assembly_passed if outcome is not None else None)
        task = ImplementationTask.objects.create(
            topic=locked, outcome=outcome, community=locked.community, title=title,
            details=details, owner_person=owner_person, owner_place=owner_place,
            owner_body=owner_body, deadline=fixed, deadline_provisional=provisional,
            deadline_working_days=working_days, created_by=actor, created_at=clock.now(),
        )
        audit.record(actor=actor, action="followup.task.create", obj=task, after={
            "topic": locked.pk, "deadline": fixed, "provisional": provisional,
            "owner_person": getattr(owner_person, "pk", None),
            "owner_place": getattr(owner_place, "pk", None), "owner_body": owner_body,
        })
        owners: list[Any] = []
        if owner_person is not None and owner_person.user_id:
            owners.append(owner_person.user)
        if owner_place is not None:
            owners += body_users(owner_place)
        notify(owners, _("Task for you: %(title)s, due %(date)s")
               % {"title": title, "date": fixed.isoformat()},
               _("From the outcome of “%(topic)s”.") % {"topic": locked.title},
               reverse("followup:task", args=[task.pk]))
    return task


def _check_photos(photos: Sequence[UploadedFile]) -> None:
    """Real images only, each under the size and pixel limits; a renamed PDF is refused."""
    from PIL import Image

    limit = int(getattr(settings, "YISHI_MAX_PHOTO_BYTES", 5 * 1024 * 1024))
    most = int(getattr(settings, "YISHI_MAX_PHOTOS", 6))
    if len(photos) > most:
        raise RuleViolation(_("At most %(n)d photos per update.") % {"n": most}, rule="photo")
    for photo in photos:
        name = getattr(photo, "name", "") or _("photo")
        if photo.size is None or photo.size > limit:
            raise RuleViolation(_("“%(name)s” is larger than %(mb)d MB.")
                                % {"name": name, "mb": limit // (1024 * 1024)}, rule="photo")
        check_image_pixels(photo, name=name, rule="photo")
        try:
            photo.seek(0)
            with Image.open(photo) as img:
                fmt = img.format
                img.verify()
        except Exception:  # Pillow raises many kinds for broken or hostile files
            fmt = None
        finally:
            photo.seek(0)
        if fmt not in IMAGE_FORMATS:
            raise RuleViolation(_("“%(name)s” is not a photo (JPEG, PNG, WebP or GIF).")
                                % {"name": name}, rule="photo")


def record_progress(
    *,
    actor: Any,
    task: ImplementationTask,
    text: str,
    photos: Sequence[UploadedFile] = (),
    complete: bool = False,
) -> TaskProgress:
    """进展: staff or the task's owner report progress (with photos), or its completion."""
    if not (can_manage(actor, task.community) or owns_task(actor, task)):
        raise PermissionDenied(_("Only the community's staff or the task's owner can report "
                                 "progress."), rule="owner")
    text = _text(text, _("progress"))
    photos = list(photos)
    _check_photos(photos)
    action = "complete" if complete else "report"
    with transaction.atomic():
        # Lock: two reports at once must not both move the task from the same state.
        locked = ImplementationTask.objects.select_for_update().get(pk=task.pk)
        step = rules.task_step(locked.state, action)
        # Work on an outcome found unlawful stops until the township corrects it.
        rules.check_duties("implement", selectors.duties_of(locked.topic))
        before = locked.state
        now = clock.now()
        locked.state = step.target
        fields = ["state"]
        if step.target == rules.TaskState.DONE:
            locked.completed_at = now
            fields.append("completed_at")
        locked.save(update_fields=fields)
        progress = TaskProgress.objects.create(task=locked, text=text, from_state=before,
                                               to_state=locked.state, by=actor, at=now)
        for photo in photos:
            ProgressPhoto.objects.create(progress=progress, image=photo)
        audit.record(actor=actor, action=f"followup.task.{action}", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "progress": progress.pk,
                            "photos": len(photos)})
        if step.target == rules.TaskState.DONE:
            notify(staff_users(locked.community),
                   _("Task done: %(title)s") % {"title": locked.title}, text[:500],
                   reverse("followup:task", args=[locked.pk]))
    task.state = locked.state
    task.completed_at = locked.completed_at
    return progress


# --- 2. Dissent and explanations --------------------------------------------------------------


def mark_dissent(
    *,
    actor: Any,
    topic: Topic,
    grounds: str,
    participant: Participant | None = None,
    person: Person | None = None,
    note: str = "",
) -> Dissent:
    """Record that a participant (or a resident) held a different opinion on the topic."""
    _require_manager(actor, topic.community)
    if grounds not in DissentGrounds.values:
        raise RuleViolation(_("Choose why the person is recorded as dissenting."), rule="input")
    note = _text(note, _("their opinion"), required=False)
    if (participant is None) == (person is None):
        raise RuleViolation(_("Name one participant or one resident."), rule="input")
    if participant is not None:
        if participant.plan.topic_id != topic.pk:
            raise RuleViolation(_("That participant was not invited to this consultation."),
                                rule="input")
        person = participant.person
        name = participant.display_name
    else:
        assert person is not None
        if person.community_id is None or not (
            person.community is not None and person.community.is_within(topic.community)
        ):
            raise RuleViolation(_("Only residents of %(place)s can be recorded here.")
                                % {"place": topic.community.name}, rule="input")
        name = person.name
    with transaction.atomic():
        # Lock the topic: the uniqueness check and the insert go together.
        Topic.objects.select_for_update(of=("self",)).get(pk=topic.pk)
        if person is not None:
            participant_or_person = Dissent.objects.filter(topic=topic, person=person)
        else:
            participant_or_person = Dissent.objects.filter(topic=topic, participant=participant)
        if participant_or_person.exists():
            raise RuleViolation(_("%(name)s is already recorded as dissenting on this topic.")
                                % {"name": name}, rule="duplicate")
        try:
            with transaction.atomic():
                dissent = Dissent.objects.create(
                    topic=topic, participant=participant, person=person, name=name[:50],
                    grounds=grounds, note=note, marked_by=actor, marked_at=clock.now(),
                )
        except IntegrityError as exc:
            raise RuleViolation(_("%(name)s is already recorded as dissenting on this topic.")
                                % {"name": name}, rule="duplicate") from exc
        audit.record(actor=actor, action="followup.dissent.mark", obj=dissent,
                     after={"topic": topic.pk, "participant": getattr(participant, "pk", None),
                            "person": getattr(person, "pk", None), "grounds": grounds})
    return dissent


def explain_to_dissenter(*, actor: Any, dissent: Dissent, text: str) -> DissentExplanation:
    """解释说明: record the explanation given to a dissenter and notify them (000 §(二)(5))."""
    topic = dissent.topic
    _require_manager(actor, topic.community)
    text = _text(text, _("explanation"))
    with transaction.atomic():
        # Lock: two staff explaining at once must not both write one.
        locked = (Dissent.objects.select_for_update(of=("self",))
                  .select_related("person__user", "participant__person__user").get(pk=dissent.pk))
        if DissentExplanation.objects.filter(dissent=locked).exists():
            raise RuleViolation(_("An explanation to %(name)s is already recorded.")
                                % {"name": locked.name}, rule="duplicate")
        person = locked.person or (locked.participant.person if locked.participant else None)
        user = person.user if person is not None else None
        explanation = DissentExplanation.objects.create(
            dissent=locked, text=text, explained_by=actor, explained_at=clock.now(),
            notified=user is not None,
        )
        audit.record(actor=actor, action="followup.dissent.explain", obj=explanation,
                     after={"dissent": locked.pk, "topic": topic.pk, "notified": user is not None})
        if user is not None:
            # The public progress page exists only once the outcome is published.
            link = (reverse("followup:public_progress", args=[topic.pk])
                    if selectors.is_published(topic) else "")
            notify([user], _("An explanation about “%(topic)s”") % {"topic": topic.title}, text,
                   link)
    return explanation


# --- 3. Entrusted topics ------------------------------------------------------------------------


def report_to_entrusting_body(
    *,
    actor: Any,
    topic: Topic,
    body: Place | None = None,
    text: str = "",
    on: date | None = None,
) -> EntrustedAnswer:
    """Report an entrusted topic's outcome to the body that entrusted it.

    The body must answer in writing within N working days (000 §(二)(5): 10, configurable
    per body or community), counted from the day after the report. ``body`` defaults to the
    registered body named in ``topic.entrusted_by``.
    """
    _require_manager(actor, topic.community)
    if topic.source != TopicSource.ENTRUSTED and not topic.entrusted_by:
        raise RuleViolation(_("Only a topic entrusted by a government body or department is "
                              "reported to one."), rule="entrusted", clause=CLAUSE)
    if body is None:
        body = selectors.entrusting_body_for(topic)
    if body is None:
        raise RuleViolation(
            _("“%(name)s” is not a registered government body or department; register it as "
              "a street or district place with its officials first.")
            % {"name": topic.entrusted_by or "—"}, rule="body")
    if body.kind not in selectors.BODY_KINDS:
        raise RuleViolation(_("A government body is a street/township, district or city."),
                            rule="body")
    on = on or clock.localdate()
    days = selectors.answer_days_for(topic.community, body)
    due = add_working_days(on, days)
    text = _text(text, _("report"), required=False, limit=LONG_TEXT_MAX)
    with transaction.atomic():
        # Lock the topic: reporting twice at once would send two reports.
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community") \
            .get(pk=topic.pk)
        outcome = _outcome_of(locked)
        if outcome is None:
            raise RuleViolation(_("The consultation has no outcome to report yet."),
                                rule="outcome", clause=CLAUSE)
        if EntrustedAnswer.objects.filter(topic=locked).exists():
            raise RuleViolation(_("This outcome was already reported."), rule="duplicate")
        text = text or outcome.memo or outcome.assembly_decision
        if not text:
            raise RuleViolation(_("Please fill in: %(field)s.") % {"field": _("report")},
                                rule="input")
        answer = EntrustedAnswer.objects.create(
            topic=locked, community=locked.community, body=body, reported_by=actor,
            reported_at=clock.now(), reported_on=on, report_text=text, answer_days=days,
            due_date=due.date, due_provisional=due.provisional,
        )
        audit.record(actor=actor, action="followup.entrusted.report", obj=answer, after={
            "topic": locked.pk, "body": body.pk, "reported_on": on, "days": days,
            "due": due.date, "provisional": due.provisional,
        })
        notify(body_users(body),
               _("Please answer in writing by %(date)s: “%(topic)s”")
               % {"date": due.date.isoformat(), "topic": locked.title},
               _("%(community)s reports the outcome of a topic you entrusted. The written "
                 "answer is due within %(n)d working days.")
               % {"community": locked.community.name, "n": days},
               reverse("followup:answer", args=[answer.pk]))
    return answer


def answer_entrusted_topic(
    *,
    actor: Any,
    answer: EntrustedAnswer,
    text: str,
    adoption: str,
    today: date | None = None,
) -> EntrustedAnswer:
    """The body asked answers in writing. Anyone else is refused and nothing is written."""
    body = answer.body
    if not speaks_for(actor, body):
        raise PermissionDenied(
            _("Only %(body)s was asked to answer this; your answer cannot be recorded for it.")
            % {"body": body.name}, rule="body", clause=CLAUSE,
        )
    text = _text(text, _("written answer"), limit=LONG_TEXT_MAX)
    if adoption not in Adoption.values:
        raise RuleViolation(_("Say whether the outcome is adopted."), rule="input")
    today = today or clock.localdate()
    with transaction.atomic():
        # Lock: two officials answering at once must not both record an answer.
        locked = (EntrustedAnswer.objects.select_for_update(of=("self",))
                  .select_related("topic", "community").get(pk=answer.pk))
        if (locked.state, "answer") not in rules.ANSWER_TRANSITIONS:
            raise RuleViolation(_("This topic was already answered."), rule="duplicate")
        before = locked.state
        locked.state = rules.answer_step(locked.state, "answer").target
        locked.answer_text, locked.adoption = text, adoption
        locked.answered_by, locked.answered_at, locked.answered_on = actor, clock.now(), today
        locked.save(update_fields=["state", "answer_text", "adoption", "answered_by",
                                   "answered_at", "answered_on"])
        audit.record(actor=actor, action="followup.entrusted.answer", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "adoption": adoption, "on": today,
                            "late": locked.answered_late})
        notify(staff_users(locked.community),
               _("%(body)s answered: “%(topic)s”") % {"body": body.name,
                                                      "topic": locked.topic.title},
               text[:500], reverse("followup:answer", args=[locked.pk]))
        if adoption != Adoption.ADOPTED:
            _send_reasons(locked, body, adoption, text)
    return locked


def _send_reasons(answer: EntrustedAnswer, body: Place, adoption: str, text: str) -> None:
    """意见未被采纳的, 要妥善做好沟通解释 (003 §六4): the proposer and every participant get the
    body's reasons when the outcome is not (or only partly) adopted; part of the answer."""
    topic = answer.topic
    people: list[Person | None] = [topic.proposer]
    plan = Plan.objects.filter(topic=topic).first()
    if plan is not None:
        people += [p.person for p in plan.participants.select_related("person__user")]
    users = [p.user for p in people if p is not None and p.user is not None]
    subject = (_("%(body)s did not adopt the outcome of “%(topic)s”: the reasons")
               if adoption == Adoption.NOT_ADOPTED
               else _("%(body)s partly adopted the outcome of “%(topic)s”: the reasons"))
    link = (reverse("followup:public_progress", args=[topic.pk])
            if selectors.is_published(topic) else "")
    notify(users, subject % {"body": body.name, "topic": topic.title}, text, link)


def escalate_overdue_answer(*, answer: EntrustedAnswer, today: date) -> bool:
    """Escalate an overdue answer to the township over the community, once (the sweep)."""
    with transaction.atomic():
        # Lock: side-by-side sweeps must escalate once.
        locked = (EntrustedAnswer.objects.select_for_update(of=("self",))
                  .select_related("topic", "community", "body").get(pk=answer.pk))
        if locked.escalated_at is not None or not locked.is_overdue(today):
            return False
        street = township_of(locked.community)
        locked.escalated_at, locked.escalated_to = clock.now(), street
        locked.save(update_fields=["escalated_at", "escalated_to"])
        audit.record(actor=SYSTEM, action="followup.entrusted.escalate",
                     obj=locked, after={"due": locked.due_date, "today": today,
                                        "to": getattr(street, "pk", None)})
        notify(township_users(locked.community, today),
               _("Overdue: %(body)s has not answered “%(topic)s” (due %(date)s)")
               % {"body": locked.body.name, "topic": locked.topic.title,
                  "date": locked.due_date.isoformat()},
               _("The written answer was due within %(n)d working days (%(clause)s). "
                 "Please see that it is given.")
               % {"n": locked.answer_days, "clause": in_words("000 §(二)(5)")},
               reverse("followup:answer", args=[locked.pk]))
    return True


# --- Correction of unlawful outcomes ----------------------------------------------------------


def _require_township(actor: Any, topic: Topic) -> None:
    if not is_township_over(actor, topic.community):
        raise PermissionDenied(_("Only the township (street) over %(place)s can do this.")
                               % {"place": topic.community.name}, rule="township",
                               clause=CLAUSE)


def mark_outcome_unlawful(*, actor: Any, topic: Topic, reason: str) -> Correction:
    """A township finds that an outcome breaks the law (协商结果违反法律法规)."""
    _require_township(actor, topic)
    reason = _text(reason, _("law or regulation broken, and how"))
    with transaction.atomic():
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community") \
            .get(pk=topic.pk)
        outcome = _outcome_of(locked)
        if outcome is None:
            raise RuleViolation(_("The consultation has no outcome yet."), rule="outcome", clause=CLAUSE)
        if Correction.objects.filter(topic=locked, corrected_at__isnull=True).exists():
            raise RuleViolation(_("This outcome is already marked as unlawful and awaits its "
                                  "correction."), rule="duplicate")
        correction = Correction.objects.create(
            topic=locked, outcome=outcome, community=locked.community, reason=reason,
            marked_by=actor, marked_at=clock.now(),
        )
        audit.record(actor=actor, action="followup.outcome.unlawful", obj=correction,
                     after={"topic": locked.pk, "outcome": outcome.pk})
        notify(staff_users(locked.community),
               _("Outcome found unlawful: “%(topic)s”") % {"topic": locked.title}, reason,
               _topic_link(locked))
    return correction


def record_correction(*, actor: Any, correction: Correction, text: str,
                      legal_education: str = "") -> Correction:
    """依法纠正: the township records how it corrected the outcome, and the legal education."""
    _require_township(actor, correction.topic)
    text = _text(text, _("correction made"), limit=LONG_TEXT_MAX)
    legal_education = _text(legal_education, _("legal education given"), required=False)
    with transaction.atomic():
        locked = Correction.objects.select_for_update(of=("self",)).select_related("topic") \
            .get(pk=correction.pk)
        if locked.corrected_at is not None:
            raise RuleViolation(_("This correction is already recorded."), rule="duplicate")
        locked.correction, locked.legal_education = text, legal_education
        locked.corrected_by, locked.corrected_at = actor, clock.now()
        locked.save(update_fields=["correction", "legal_education", "corrected_by",
                                   "corrected_at"])
        audit.record(actor=actor, action="followup.outcome.correct", obj=locked,
                     before={"corrected": False}, after={"corrected": True})
        notify(staff_users(locked.community),
               _("Outcome corrected: “%(topic)s”") % {"topic": locked.topic.title}, text[:500],
               _topic_link(locked.topic))
    return locked


# --- Follow-up duties (the hook consult fires before publishing or closing) -------------------


def check_outcome_duties(*, actor: Any, topic: Topic, action: str) -> None:
    """Subscriber of ``hooks.OUTCOME_DUTIES``: refuse publishing or closing ``topic`` while
    a follow-up duty is unmet (``rules.check_duties``). Reads only; raises before consult
    writes anything, inside its transaction and under its topic lock."""
    rules.check_duties(action, selectors.duties_of(topic))


# --- The legal adviser's opinion (000 §(四)(2)) -------------------------------------------------


def request_legal_opinion(*, actor: Any, topic: Topic) -> int:
    """Staff ask the community's legal adviser(s) for an opinion on the outcome; how many
    were asked. Without a legal adviser there is no one to ask, and nothing is written."""
    _require_manager(actor, topic.community)
    advisers = legal_adviser_users(topic.community)
    if not advisers:
        raise RuleViolation(_("%(place)s has no legal adviser registered: register one (role "
                              "“legal adviser”) first.") % {"place": topic.community.name},
                            rule="no_legal_adviser", clause=CLAUSE_LEGAL_ADVISER)
    with transaction.atomic():
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community") \
            .get(pk=topic.pk)
        if _outcome_of(locked) is None:
            raise RuleViolation(_("The consultation has no outcome to give an opinion on yet."),
                                rule="outcome", clause=CLAUSE_LEGAL_ADVISER)
        audit.record(actor=actor, action="followup.legal_opinion.request", obj=locked,
                     after={"topic": locked.pk, "asked": len(advisers)})
        notify(advisers, _("Your legal opinion is asked on “%(topic)s”") % {"topic": locked.title},
               _("Please say whether the outcome is lawful before it is published."),
               reverse("followup:legal_opinion", args=[locked.pk]))
    return len(advisers)


def give_legal_opinion(*, actor: Any, topic: Topic, verdict: str, text: str) -> LegalOpinion:
    """法律顾问意见: the community's legal adviser records whether the outcome is lawful.

    An adverse opinion opens the township's correction (依法纠正, 000 §(二)(5)) in the same
    transaction; the outcome is then neither published nor carried out until the township
    records the correction.
    """
    if not is_legal_adviser_for(actor, topic.community):
        raise PermissionDenied(_("Only the legal adviser of %(place)s can give this opinion.")
                               % {"place": topic.community.name}, rule="legal_adviser",
                               clause=CLAUSE_LEGAL_ADVISER)
    if verdict not in LegalVerdict.values:
        raise RuleViolation(_("Say whether the outcome is lawful."), rule="input")
    text = _text(text, _("legal opinion"), limit=LONG_TEXT_MAX)
    with transaction.atomic():
        # Lock the topic: an opinion racing publication, or a second adverse opinion
        # opening a second correction.
        locked = Topic.objects.select_for_update(of=("self",)).select_related("community") \
            .get(pk=topic.pk)
        outcome = _outcome_of(locked)
        if outcome is None:
            raise RuleViolation(_("The consultation has no outcome to give an opinion on yet."),
                                rule="outcome", clause=CLAUSE_LEGAL_ADVISER)
        if locked.state == TopicState.CLOSED:
            raise RuleViolation(_("The topic is closed; its outcome can no longer be reviewed "
                                  "here."), rule="transition", clause=CLAUSE_LEGAL_ADVISER)
        if Correction.objects.filter(topic=locked, corrected_at__isnull=True).exists():
            raise RuleViolation(_("The township is correcting this outcome: give your opinion "
                                  "once it has recorded the correction."),
                                rule="correction_open", clause=CLAUSE)
        now = clock.now()
        correction = None
        if verdict == LegalVerdict.ADVERSE:
            correction = Correction.objects.create(
                topic=locked, outcome=outcome, community=locked.community, reason=text,
                marked_by=actor, marked_at=now,
            )
        opinion = LegalOpinion.objects.create(
            topic=locked, outcome=outcome, community=locked.community, verdict=verdict,
            text=text, given_by=actor, given_at=now, correction=correction,
        )
        audit.record(actor=actor, action="followup.legal_opinion", obj=opinion,
                     after={"topic": locked.pk, "outcome": outcome.pk, "verdict": verdict,
                            "correction": getattr(correction, "pk", None)})
        recipients = staff_users(locked.community)
        if correction is not None:
            recipients += township_users(locked.community)
            subject = _("Legal adviser: the outcome of “%(topic)s” is not lawful as it stands; "
                        "the township is to correct it")
        else:
            subject = _("Legal adviser: the outcome of “%(topic)s” is lawful")
        notify(recipients, subject % {"topic": locked.title}, text[:500], _topic_link(locked))
    return opinion
