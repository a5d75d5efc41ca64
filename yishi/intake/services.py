"""Intake actions: one function per action, one transaction, one audit event each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit, clock, hooks
from yishi.core.clauses import in_words
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.images import check_image_pixels
from yishi.core.notify import notify
from yishi.core.numbering import next_number
from yishi.core.retry import retry_once
from yishi.core.taxonomy import Category
from yishi.core.text import strip_invisible
from yishi.core.workdays import add_working_days
from yishi.core.workflow import next_state
from yishi.places.models import (
    CommunitySettings,
    Person,
    Place,
    ReferralDepartment,
    Residence,
    street_of,
)
from yishi.places.permissions import is_courier_at, is_staff_at, person_of
from yishi.places.rules import latest_birth_date_for_age

from . import selectors
from .models import JointProposal, Opinion, OpinionPhoto, OpinionStep, Signature
from .rules import (
    OPINION_ACTIONS,
    OPINION_STATES,
    OPINION_TRANSITIONS,
    PROPOSAL_ACTIONS,
    PROPOSAL_STATES,
    PROPOSAL_TRANSITIONS,
    RATINGS,
    ProposalState,
    Signer,
    current_counts,
    joint_proposal_reached,
    opinion_counter_scope,
    opinion_number,
    validate_text,
)

_OPINION_LABELS = {**{k: str(v) for k, v in OPINION_STATES.items()},
                   **{k: str(v) for k, v in OPINION_ACTIONS.items()}}
_PROPOSAL_LABELS = {**{k: str(v) for k, v in PROPOSAL_STATES.items()},
                    **{k: str(v) for k, v in PROPOSAL_ACTIONS.items()}}


def settings_for(community: Place) -> CommunitySettings:
    settings, _created = CommunitySettings.objects.get_or_create(community=community)
    return settings


def _check_text(title: str, text: str) -> str:
    """The title as it is stored (invisible characters removed); refused when it or the
    text is missing, too long or unstorable."""
    title = strip_invisible(title)
    errors = validate_text(title, text)
    if errors:
        raise RuleViolation(" ".join(errors.values()), rule="input")
    return title.strip()


def _check_no_nul(*values: str) -> None:
    # PostgreSQL cannot store NUL in text: refuse it rather than fail on save.
    if any("\x00" in (v or "") for v in values):
        raise RuleViolation(_("Null characters are not allowed."), rule="input")


def _check_category(category: str) -> None:
    if category not in Category.values:
        raise RuleViolation(_("Choose a category from the list."), rule="input")


def _is_resident_of(person: Person | None, community: Place, today: date) -> bool:
    return bool(
        person is not None
        and person.community_id == community.pk
        and (person.moved_out_on is None or person.moved_out_on > today)
    )


# --- Opinions ---------------------------------------------------------------------------


@retry_once
def raise_opinion(
    *,
    actor: Any,
    community: Place,
    place: Place,
    title: str,
    text: str,
    category: str,
    photos: Sequence[UploadedFile] = (),
    on_behalf_of: Person | None = None,
) -> Opinion:
    """一事一记: register an opinion with its number and its answer deadline.

    A resident raises their own; an opinion courier (民情专递员) records one for a resident
    of the community they serve.
    """
    today = clock.localdate()
    me = person_of(actor)
    if on_behalf_of is None:
        raiser, courier = me, None
        if not _is_resident_of(raiser, community, today):
            raise PermissionDenied(
                _("Only residents registered in this community can raise an opinion here."),
                rule="resident",
            )
    else:
        raiser, courier = on_behalf_of, me
        if not (is_courier_at(actor, community) or is_staff_at(actor, community)):
            raise PermissionDenied(
                _("Only this community's opinion couriers can record opinions for residents."),
                rule="courier", clause="002",
            )
        if not _is_resident_of(raiser, community, today):
            raise RuleViolation(_("That resident is not registered in this community."),
                                rule="resident")
    if not place.path.startswith(community.path):
        raise RuleViolation(_("The place must lie within your community."), rule="place")
    title = _check_text(title, text)
    _check_category(category)
    for photo in photos:  # the form checks too; a service caller gets the same refusal
        check_image_pixels(photo, rule="photo")
    assert raiser is not None
    cfg = settings_for(community)
    now = clock.now()
    # The local date: at 00:30 on 1 January in Beijing it is still the old year in UTC.
    local_today = timezone.localtime(now).date()
    year = local_today.year
    deadline = add_working_days(local_today, cfg.opinion_answer_days)
    with transaction.atomic():
        seq = next_number(opinion_counter_scope(community.pk), year)
        opinion = Opinion.objects.create(
            community=community, place=place, year=year, seq=seq,
            number=opinion_number(year, seq), title=title.strip(), text=text.strip(),
            category=category, raised_by=raiser, recorded_by=courier,
            submitted_at=now, due_date=deadline.date, due_provisional=deadline.provisional,
        )
        for photo in photos:
            OpinionPhoto.objects.create(opinion=opinion, image=photo)
        OpinionStep.objects.create(
            opinion=opinion, action="register", to_state=opinion.state, actor=actor, at=now
        )
        audit.record(
            actor=actor, action="opinion.register", obj=opinion,
            after={"state": opinion.state, "number": opinion.number, "community": community.pk,
                   "courier": courier.pk if courier else None, "photos": len(photos)},
        )
    return opinion


@retry_once
def _opinion_step(
    *, actor: Any, opinion: Opinion, action: str, note: str = "", **changes: Any
) -> Opinion:
    """Apply one step of the opinion table as staff, locking the row first."""
    with transaction.atomic():
        # Lock: two workers answering at once must not both pass the state check.
        locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
        if action != "rate" and not is_staff_at(actor, locked.community):
            raise PermissionDenied(_("You do not handle opinions of this community."),
                                   rule="staff")
        step = next_state(OPINION_TRANSITIONS, locked.state, action, labels=_OPINION_LABELS)
        before = locked.state
        locked.state = step.target
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        OpinionStep.objects.create(
            opinion=locked, action=action, from_state=before, to_state=step.target,
            actor=actor, note=note, at=clock.now(),
        )
        audit.record(
            actor=actor, action=f"opinion.{action}", obj=locked,
            before={"state": before}, after={"state": step.target},
        )
        raiser_user = locked.raised_by.user
        if action != "rate" and raiser_user is not None:
            notify(
                [raiser_user],
                _("Your opinion “%(title)s” (%(number)s): %(state)s")
                % {"title": locked.title, "number": locked.number,
                   "state": _OPINION_LABELS[step.target]},
                note,
                reverse("intake:opinion", args=[locked.pk]),
            )
    return locked


def acknowledge_opinion(*, actor: Any, opinion: Opinion) -> Opinion:
    return _opinion_step(actor=actor, opinion=opinion, action="acknowledge")


def refer_opinion(*, actor: Any, opinion: Opinion, department: str | ReferralDepartment,
                  note: str = "") -> Opinion:
    """转办: refer the opinion to one of its street's departments (``ReferralDepartment``),
    or to another department named in words."""
    chosen: ReferralDepartment | None = None
    if isinstance(department, ReferralDepartment):
        chosen = department
        street = street_of(opinion.community)
        if street is None or chosen.street_id != street.pk:
            raise RuleViolation(_("That department is not one of those %(street)s refers "
                                  "to: choose one from the list.")
                                % {"street": street.name if street else _("the street")},
                                rule="input")
        if not chosen.active:
            raise RuleViolation(_("%(department)s is no longer referred to: choose another "
                                  "department.") % {"department": chosen.name}, rule="input")
        department = chosen.name
    _check_no_nul(department, note)
    department = (department or "").strip()
    if not department or len(department) > 100:
        raise RuleViolation(_("Name the department the opinion is referred to (at most 100 "
                              "characters)."), rule="input")
    return _opinion_step(actor=actor, opinion=opinion, action="refer",
                         note=note or department, referred_to=department,
                         referred_department=chosen)


def make_topic_candidate(*, actor: Any, opinion: Opinion, note: str = "") -> Opinion:
    """Turn an opinion into a consultation topic candidate (议题候选).

    consult sits above intake, so intake does not create the topic itself: it fires
    ``OPINION_MADE_CANDIDATE`` and consult's subscriber makes the topic in this transaction.
    """
    with transaction.atomic():
        updated = _opinion_step(actor=actor, opinion=opinion, action="make_topic", note=note)
        hooks.fire(hooks.OPINION_MADE_CANDIDATE, actor=actor, opinion=updated)
    return updated


def answer_opinion(*, actor: Any, opinion: Opinion, answer: str) -> Opinion:
    """一事一馈: the written answer the resident sees and rates."""
    _check_no_nul(answer)
    answer = (answer or "").strip()
    if not answer:
        raise RuleViolation(_("Please write the answer."), rule="input")
    if len(answer) > 2000:
        raise RuleViolation(_("The answer may have at most 2000 characters."), rule="input")
    return _opinion_step(actor=actor, opinion=opinion, action="answer", note=answer,
                         answer=answer, answered_at=clock.now())


def rate_opinion(*, actor: Any, opinion: Opinion, rating: int, comment: str = "") -> Opinion:
    """The resident who raised the opinion rates its answer."""
    me = person_of(actor)
    if me is None or me.pk != opinion.raised_by_id:
        raise PermissionDenied(_("Only the resident who raised the opinion can rate it."),
                               rule="rate")
    if rating not in RATINGS:
        raise RuleViolation(_("Choose one of the ratings."), rule="input")
    _check_no_nul(comment)
    if len(comment or "") > 500:
        raise RuleViolation(_("The comment may have at most 500 characters."), rule="input")
    return _opinion_step(actor=actor, opinion=opinion, action="rate", note=comment,
                         rating=rating, rating_comment=(comment or "").strip())


# --- Joint proposals --------------------------------------------------------------------


def draft_proposal(*, actor: Any, title: str, text: str, category: str) -> JointProposal:
    me = person_of(actor)
    today = clock.localdate()
    if me is None or me.community is None or not _is_resident_of(me, me.community, today):
        raise PermissionDenied(_("Only registered residents can draft a joint proposal."),
                               rule="resident")
    voting_age = settings_for(me.community).voting_age
    if not selectors.is_eligible(me, me.community, today, voting_age):
        # The proposer signs first when opening it, so a proposer must be able to sign.
        raise PermissionDenied(
            _("Only residents of voting age (%(age)d) can start a joint proposal.")
            % {"age": voting_age}, rule="eligible", clause="000 §(二)(1)",
        )
    title = _check_text(title, text)
    _check_category(category)
    with transaction.atomic():
        proposal = JointProposal.objects.create(
            community=me.community, proposer=me, title=title.strip(), text=text.strip(),
            category=category,
        )
        audit.record(actor=actor, action="proposal.draft", obj=proposal,
                     after={"state": proposal.state, "community": me.community.pk})
    return proposal


def _register_snapshot(community: Place, on: date) -> tuple[int, set[int], CommunitySettings]:
    cfg = settings_for(community)
    eligible = selectors.eligible_residents(community, on, cfg.voting_age,
                                            resident_only=cfg.resident_only_count)
    reps = selectors.representative_ids(community, on)
    return eligible, reps, cfg


def _lock_proposal(proposal: JointProposal) -> JointProposal:
    # Lock: concurrent signers must be counted one after another, each exactly once.
    # Only the proposal's row: the community joined in is read, not locked, so a signature
    # never waits on (or holds) the row an opinion raised in the same community reads.
    return JointProposal.objects.select_for_update(of=("self",)).select_related(
        "community").get(pk=proposal.pk)


def _add_signature(locked: JointProposal, person: Person, now: Any) -> tuple[Signature, bool]:
    """Sign (or re-sign after a withdrawal); returns the signature and whether it reached."""
    today = timezone.localdate(now)
    eligible, reps, cfg = _register_snapshot(locked.community, today)
    if not selectors.is_eligible(person, locked.community, today, cfg.voting_age):
        raise PermissionDenied(
            _("Only residents of this community of voting age (%(age)d) can sign.")
            % {"age": cfg.voting_age}, rule="eligible", clause="000 §(二)(1)",
        )
    sig = Signature.objects.filter(proposal=locked, person=person).first()
    if sig is not None and sig.withdrawn_at is None:
        raise RuleViolation(_("You have already signed this proposal."), rule="once", clause="000 §(二)(1)")
    fields = {"is_representative": person.pk in reps, "signed_at": now, "withdrawn_at": None,
              "eligible_residents": eligible, "representatives": len(reps)}
    if sig is None:
        sig = Signature.objects.create(proposal=locked, person=person, **fields)
    else:
        for k, v in fields.items():
            setattr(sig, k, v)
        sig.save()
    reached = _recount(locked, today, (eligible, reps, cfg))
    return sig, reached


def _recount(locked: JointProposal, today: date,
             snapshot: tuple[int, set[int], CommunitySettings] | None = None) -> bool:
    """The counts from the active signers eligible today (000 §(二)(1)), stored on the
    proposal; whether they reach the threshold against today's register (``snapshot``,
    when the caller has just read it)."""
    eligible, reps, cfg = snapshot or _register_snapshot(locked.community, today)
    born_by = latest_birth_date_for_age(cfg.voting_age, today)
    signers = [
        Signer(on_register=(p.community_id == locked.community_id and p.registered_on <= today
                            and (p.moved_out_on is None or p.moved_out_on > today)),
               adult=p.birth_date is not None and p.birth_date <= born_by,
               resident_only=p.residence == Residence.RESIDENT,
               representative=p.pk in reps)
        for p in Person.objects.filter(signatures__proposal=locked,
                                       signatures__withdrawn_at__isnull=True)
    ]
    counts = current_counts(signers, resident_only_count=cfg.resident_only_count)
    locked.resident_signatures = counts.residents
    locked.representative_signatures = counts.representatives
    return joint_proposal_reached(
        eligible_residents=eligible, representatives=len(reps),
        resident_signatures=counts.residents,
        representative_signatures=counts.representatives,
        resident_share=Fraction(cfg.resident_share_num, cfg.resident_share_den),
        representative_share=Fraction(cfg.representative_share_num,
                                      cfg.representative_share_den),
    )


def recount_open_proposals(*, actor: Any, community: Place) -> int:
    """Subscriber of places' ``REGISTER_CHANGED``: every open proposal of the community is
    recounted from its signers eligible now, and becomes mandatory the moment the current
    counts reach the threshold (once: a reached proposal is no longer open)."""
    today = clock.localdate()
    reached = 0
    for pk in JointProposal.objects.filter(community=community, state=ProposalState.OPEN) \
            .order_by("pk").values_list("pk", flat=True):
        locked = JointProposal.objects.select_for_update(of=("self",)).select_related(
            "community", "proposer__user").get(pk=pk)
        if locked.state != ProposalState.OPEN:
            continue
        before = (locked.resident_signatures, locked.representative_signatures)
        if _recount(locked, today):
            _reach(actor=actor, locked=locked)
            reached += 1
        after = (locked.resident_signatures, locked.representative_signatures)
        if after != before or locked.state != ProposalState.OPEN:
            locked.save()
            audit.record(actor=actor, action="proposal.recount", obj=locked,
                         before={"signatures": before[0], "representative_signatures":
                                 before[1]},
                         after={"signatures": after[0], "representative_signatures": after[1],
                                "state": locked.state})
    return reached


def _check_signing_open(locked: JointProposal, today: date) -> None:
    if locked.state != ProposalState.OPEN:
        raise RuleViolation(
            _("This proposal is not collecting signatures (it is “%(state)s”).")
            % {"state": _PROPOSAL_LABELS[locked.state]}, rule="closed", clause="000 §(二)(1)",
        )
    if locked.closes_on is not None and today > locked.closes_on:
        raise RuleViolation(_("Signing closed on %(date)s.") % {"date": locked.closes_on},
                            rule="closed", clause="000 §(二)(1)")


def _reach(*, actor: Any, locked: JointProposal) -> None:
    """The threshold is reached: a mandatory topic candidate, and the proposer is told."""
    step = next_state(PROPOSAL_TRANSITIONS, locked.state, "reach", labels=_PROPOSAL_LABELS)
    locked.state = step.target
    locked.reached_at = clock.now()
    # consult's subscriber makes the mandatory topic candidate in this transaction.
    hooks.fire(hooks.PROPOSAL_REACHED, actor=actor, proposal=locked)
    if locked.proposer.user is not None:
        notify(
            [locked.proposer.user],
            _("Your joint proposal “%(title)s” reached the threshold") % {"title": locked.title},
            _("It is now a mandatory topic that the consultation committee must take up "
              "(%(clause)s).") % {"clause": in_words("000 §(二)(1)")},
            reverse("intake:proposal", args=[locked.pk]),
        )


def open_proposal(*, actor: Any, proposal: JointProposal) -> JointProposal:
    """The proposer opens the draft for signatures and signs it first."""
    me = person_of(actor)
    if me is None or me.pk != proposal.proposer_id:
        raise PermissionDenied(_("Only the proposer can open this proposal."), rule="proposer")
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        step = next_state(PROPOSAL_TRANSITIONS, locked.state, "open", labels=_PROPOSAL_LABELS)
        now = clock.now()
        cfg = settings_for(locked.community)
        locked.state = step.target
        locked.opened_at = now
        locked.closes_on = timezone.localdate(now) + timedelta(days=cfg.proposal_signing_days)
        _sig, reached = _add_signature(locked, me, now)
        if reached:
            _reach(actor=actor, locked=locked)
        locked.save()
        audit.record(actor=actor, action="proposal.open", obj=locked,
                     before={"state": ProposalState.DRAFT},
                     after={"state": locked.state, "signatures": locked.resident_signatures})
    return locked


@retry_once
def sign_proposal(*, actor: Any, proposal: JointProposal) -> JointProposal:
    """Co-sign; at exactly the signature that reaches the threshold it becomes mandatory."""
    me = person_of(actor)
    if me is None:
        raise PermissionDenied(_("Sign in as a registered resident to sign."), rule="resident")
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        now = clock.now()
        _check_signing_open(locked, timezone.localdate(now))
        before = locked.state
        sig, reached = _add_signature(locked, me, now)
        if reached:
            _reach(actor=actor, locked=locked)
        locked.save()
        audit.record(
            actor=actor, action="proposal.sign", obj=locked,
            before={"state": before},
            after={"state": locked.state, "signature": sig.pk,
                   "representative": sig.is_representative,
                   "signatures": locked.resident_signatures,
                   "representative_signatures": locked.representative_signatures,
                   "eligible_residents": sig.eligible_residents,
                   "representatives": sig.representatives},
        )
    return locked


@retry_once
def withdraw_signature(*, actor: Any, proposal: JointProposal) -> JointProposal:
    """A signer takes their signature back while the proposal still collects them."""
    me = person_of(actor)
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        _check_signing_open(locked, clock.localdate())
        sig = (Signature.objects.filter(proposal=locked, person=me, withdrawn_at__isnull=True)
               .first() if me else None)
        if sig is None:
            raise RuleViolation(_("You have not signed this proposal."), rule="not_signed")
        if me is not None and me.pk == locked.proposer_id:
            raise RuleViolation(_("The proposer withdraws the whole proposal instead."),
                                rule="proposer", clause="000 §(二)(1)")
        sig.withdrawn_at = clock.now()
        sig.save(update_fields=["withdrawn_at"])
        _recount(locked, clock.localdate())
        locked.save()
        audit.record(actor=actor, action="proposal.unsign", obj=locked,
                     after={"signature": sig.pk, "signatures": locked.resident_signatures})
    return locked


def withdraw_proposal(*, actor: Any, proposal: JointProposal) -> JointProposal:
    me = person_of(actor)
    if me is None or me.pk != proposal.proposer_id:
        raise PermissionDenied(_("Only the proposer can withdraw this proposal."),
                               rule="proposer")
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        before = locked.state
        step = next_state(PROPOSAL_TRANSITIONS, locked.state, "withdraw", labels=_PROPOSAL_LABELS)
        locked.state = step.target
        locked.save(update_fields=["state"])
        audit.record(actor=actor, action="proposal.withdraw", obj=locked,
                     before={"state": before}, after={"state": locked.state})
    return locked


def close_expired_proposals(*, today: date | None = None) -> int:
    """Close proposals whose signing period has ended without reaching the threshold."""
    today = today or clock.localdate()
    closed = 0
    for pk in JointProposal.objects.filter(
        state=ProposalState.OPEN, closes_on__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            locked = JointProposal.objects.select_for_update().get(pk=pk)
            if locked.state != ProposalState.OPEN:
                continue
            step = next_state(PROPOSAL_TRANSITIONS, locked.state, "close",
                              labels=_PROPOSAL_LABELS)
            locked.state = step.target
            locked.save(update_fields=["state"])
            audit.record(actor=audit.SystemActor("system:proposal-expiry"),
                         action="proposal.close", obj=locked,
                         before={"state": ProposalState.OPEN}, after={"state": locked.state})
            closed += 1
    return closed
