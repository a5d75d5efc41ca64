"""Disclosure actions: one function per action, one transaction, one audit event each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.clauses import in_words
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.images import check_image_pixels
from yishi.core.notify import notify
from yishi.core.text import strip_invisible
from yishi.places.models import Place, PlaceKind, Role, RoleKind
from yishi.places.permissions import is_staff_at, role_paths

from . import rules
from .models import (
    DisclosureContent,
    DisclosureItem,
    DisclosureKind,
    DisclosureReview,
    DisclosureSettings,
    LostWorkSubsidy,
    Notice,
    NoticeAttachment,
    NoticeKind,
    ReviewDecision,
)
from .search import index_text

MAX_ATTACHMENTS = 6
CLAUSE = "004 第一篇 四.4"  # 三务公开: its cadence, contents and publication


def max_attachment_bytes() -> int:
    return int(getattr(settings, "YISHI_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def _check_staff(actor: Any, community: Place) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("Notices are posted on a community's or village's board."),
                            rule="place")
    if not is_staff_at(actor, community):
        raise PermissionDenied(_("You do not post notices for this community."), rule="staff")


def check_attachment(f: UploadedFile) -> str:
    """The content type of an acceptable attachment; refuses other files by their content."""
    name = f.name or _("attachment")
    limit = max_attachment_bytes()
    if f.size is None or f.size > limit:
        raise RuleViolation(_("“%(name)s” is larger than %(size)s.")
                            % {"name": name, "size": filesizeformat(limit)}, rule="attachment")
    f.seek(0)
    content_type = rules.sniff_attachment(f.read(16))
    f.seek(0)
    if content_type is None:
        raise RuleViolation(_("“%(name)s” is not a PDF or an image (JPEG, PNG or WebP).")
                            % {"name": name}, rule="attachment")
    if content_type.startswith("image/"):
        from PIL import Image

        check_image_pixels(f, name=name, rule="attachment")

        try:
            with Image.open(f) as im:
                im.verify()
        except Exception as e:  # Pillow raises many kinds for a broken file
            raise RuleViolation(_("“%(name)s” is not a readable image.") % {"name": name},
                                rule="attachment") from e
        finally:
            f.seek(0)
    else:
        f.seek(0, 2)
        f.seek(max(0, f.size - 1024))
        tail = f.read(1024)
        f.seek(0)
        if b"%%EOF" not in tail:
            raise RuleViolation(_("“%(name)s” is not a complete PDF.") % {"name": name},
                                rule="attachment")
    return content_type


def _validate(
    *, title: str, body: str, issuer: str, starts_on: date | None, ends_on: date | None,
    kind: str, attachments: Sequence[UploadedFile],
) -> list[str]:
    errors = rules.validate_notice(title=title, body=body, issuer=issuer, starts_on=starts_on,
                                   ends_on=ends_on, kind=kind, kinds=set(NoticeKind.values))
    if errors:
        raise RuleViolation(" ".join(errors), rule="input")
    if len(attachments) > MAX_ATTACHMENTS:
        raise RuleViolation(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
                            rule="attachment")
    return [check_attachment(f) for f in attachments]


def _create_notice(
    *, actor: Any, community: Place, title: str, body: str, starts_on: date, ends_on: date,
    kind: str, issuer: str, issued_on: date, source_type: str, source_id: int | None,
    attachments: Sequence[UploadedFile], content_types: Sequence[str],
) -> Notice:
    """Write the notice and its files; the caller holds the transaction and writes the audit."""
    title, issuer, body = title.strip(), issuer.strip(), body.strip()
    notice = Notice.objects.create(
        community=community, title=title, body=body, kind=kind, issuer=issuer,
        issued_on=issued_on, starts_on=starts_on, ends_on=ends_on,
        # Indexed as shown (index_text masks): a phone number must not find the notice.
        search_text=index_text(title, body, issuer),
        source_type=source_type[:40], source_id=source_id,
        created_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now(),
    )
    for f, content_type in zip(attachments, content_types, strict=True):
        NoticeAttachment.objects.create(
            notice=notice, file=f, name=(f.name or "")[-120:], content_type=content_type,
            size=f.size or 0,
        )
    return notice


def draft_notice(
    *, actor: Any, community: Place, title: str, body: str, starts_on: date | None,
    ends_on: date | None, kind: str, issuer: str, issued_on: date | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """The notice ``publish_notice`` would post, refused the same way but never saved: what
    staff confirm before publishing (``preview``). Nothing is written."""
    _check_staff(actor, community)
    title = strip_invisible(title)
    _validate(title=title, body=body, issuer=issuer, starts_on=starts_on, ends_on=ends_on,
              kind=kind, attachments=attachments)
    assert starts_on is not None and ends_on is not None  # _validate refuses a missing one
    return Notice(community=community, title=title.strip(), body=body.strip(), kind=kind,
                  issuer=issuer.strip(), issued_on=issued_on or clock.localdate(),
                  starts_on=starts_on, ends_on=ends_on)


def publish_notice(
    *,
    actor: Any,
    community: Place,
    title: str,
    body: str,
    starts_on: date | None,
    ends_on: date | None,
    kind: str,
    issuer: str,
    source_type: str = "",
    source_id: int | None = None,
    issued_on: date | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """公示: post a notice on the community's board for its posting period.

    Consultation posts its outcome here with ``kind="outcome"`` and its topic as
    ``source_type="consult.topic", source_id=topic.pk``. A notice without a period, or
    whose period ends before it starts, is refused and nothing is written.
    """
    _check_staff(actor, community)
    title = strip_invisible(title)
    content_types = _validate(title=title, body=body, issuer=issuer, starts_on=starts_on,
                              ends_on=ends_on, kind=kind, attachments=attachments)
    assert starts_on is not None and ends_on is not None
    with transaction.atomic():
        notice = _create_notice(
            actor=actor, community=community, title=title, body=body, starts_on=starts_on,
            ends_on=ends_on, kind=kind, issuer=issuer,
            issued_on=issued_on or clock.localdate(), source_type=source_type,
            source_id=source_id, attachments=attachments, content_types=content_types,
        )
        audit.record(
            actor=actor, action="notice.publish", obj=notice,
            after={"community": community.pk, "kind": kind, "starts_on": starts_on,
                   "ends_on": ends_on, "source": f"{source_type}:{source_id or ''}",
                   "attachments": len(attachments)},
        )
    return notice


# --- 三务公开 ------------------------------------------------------------------------------


def schedule_disclosures(
    *, actor: Any, community: Place, year: int,
    kinds: Sequence[str] = ("party", "government", "village", "finance"),
) -> list[DisclosureItem]:
    """Lay out a year's statutory disclosures (004 第一篇 四.4); items already there stay."""
    _check_staff(actor, community)
    if not 2000 <= year <= 2100:
        raise RuleViolation(_("Choose a year between 2000 and 2100."), rule="input")
    unknown = [k for k in kinds if k not in rules.SCHEDULED_KINDS]
    if unknown or not kinds:
        raise RuleViolation(_("Party, government, village affairs and finances have a fixed "
                              "schedule; phased and temporary work are added one by one."),
                            rule="input")
    now = clock.now()
    with transaction.atomic():
        # Lock the community: two clerks laying out the same year must not both insert.
        Place.objects.select_for_update().filter(pk=community.pk).first()
        existing = set(
            DisclosureItem.objects.filter(community=community, kind__in=kinds)
            .exclude(period="").values_list("kind", "period")
        )
        cadence = finance_cadence(community)
        # A year whose finances were laid out on the other cadence keeps them: changing
        # the setting applies to the years laid out afterwards.
        other = "-Q" if cadence == rules.FINANCE_MONTHLY else "-M"
        finance_other = DisclosureItem.objects.filter(
            community=community, kind=DisclosureKind.FINANCE, due_on__year=year,
            period__contains=other).exists()
        rows = [
            DisclosureItem(community=community, kind=kind, period=period.code,
                           period_label=period.label, due_on=due, created_at=now)
            for kind in kinds
            if not (kind == DisclosureKind.FINANCE and finance_other)
            for due, period in rules.schedule_for_year(kind, year, finance_cadence=cadence)
            if (kind, period.code) not in existing
        ]
        created = DisclosureItem.objects.bulk_create(rows)
        audit.record(
            actor=actor, action="disclosure.schedule", object_type="places.place",
            object_id=community.pk,
            after={"year": year, "kinds": list(kinds), "created": len(created)},
        )
    return created


def finance_cadence(community: Place) -> str:
    """How often the community discloses its finances: quarterly unless it chose monthly."""
    value = (DisclosureSettings.objects.filter(community=community)
             .values_list("finance_cadence", flat=True).first())
    return value or rules.FINANCE_QUARTERLY


def set_finance_cadence(*, actor: Any, community: Place, cadence: str) -> DisclosureSettings:
    """财务公开 every quarter (the floor) or every month, as the community decides."""
    _check_staff(actor, community)
    refusal = rules.check_finance_cadence(cadence)
    if refusal is not None:
        raise RuleViolation(refusal, rule="cadence", clause=CLAUSE)
    with transaction.atomic():
        settings_row, _created = (DisclosureSettings.objects.select_for_update()
                                  .get_or_create(community=community))
        before = settings_row.finance_cadence  # quarterly for a row just created
        settings_row.finance_cadence = cadence
        settings_row.save(update_fields=["finance_cadence"])
        audit.record(actor=actor, action="disclosure.settings", object_type="places.place",
                     object_id=community.pk, before={"finance_cadence": before},
                     after={"finance_cadence": cadence})
    return settings_row


def add_disclosure_item(
    *, actor: Any, community: Place, kind: str, label: str, due_on: date | None,
) -> DisclosureItem:
    """Phased work is disclosed phase by phase, temporary work at once (随时公开)."""
    _check_staff(actor, community)
    if kind not in (DisclosureKind.PHASED, DisclosureKind.IMMEDIATE):
        raise RuleViolation(_("Only phased and temporary work are added one by one."),
                            rule="input")
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise RuleViolation(_("Describe the work or phase (at most 100 characters)."),
                            rule="input")
    today = clock.localdate()
    if kind == DisclosureKind.IMMEDIATE:
        due_on = due_on or today
    if due_on is None:
        raise RuleViolation(_("Give the date the phase must be disclosed by."), rule="input")
    with transaction.atomic():
        item = DisclosureItem.objects.create(community=community, kind=kind, period="",
                                             period_label=label, due_on=due_on,
                                             created_at=clock.now())
        audit.record(actor=actor, action="disclosure.add", obj=item,
                     after={"community": community.pk, "kind": kind, "due_on": due_on})
    return item


def _check_unpublished(item: DisclosureItem) -> None:
    if item.notice_id is not None:
        raise RuleViolation(_("This disclosure has already been published."),
                            rule="published", clause=CLAUSE)


def record_contents(
    *, actor: Any, item: DisclosureItem, ticked: Iterable[str],
    files: Mapping[str, UploadedFile] | None = None, dropped: Iterable[str] = (),
) -> DisclosureItem:
    """Tick or attach the lines of the item's required contents (004 第一篇 四.4).

    ``ticked``: the lines the notice's text covers; ``files``: a new file for a line;
    ``dropped``: lines whose file is taken off. A line neither ticked nor attached is not
    covered. Any change needs the supervisory committee's review again.
    """
    _check_staff(actor, item.community)
    required = {line.code for line in rules.required_contents(
        item.kind, is_village=item.community.is_village)}
    if not required:
        raise RuleViolation(_("Phased and temporary work have no contents checklist."),
                            rule="input")
    files = dict(files or {})
    ticked, dropped = set(ticked), set(dropped)
    if not (ticked | set(files) | dropped) <= required:
        raise RuleViolation(_("Choose the contents from the checklist."), rule="input")
    content_types = {code: check_attachment(f) for code, f in files.items()}
    now = clock.now()
    with transaction.atomic():
        locked = DisclosureItem.objects.select_for_update().get(pk=item.pk)
        _check_unpublished(locked)
        lines = {c.code: c for c in DisclosureContent.objects.filter(item=locked)}
        before = set(lines)
        changed = False
        for code in sorted(required):
            line = lines.get(code)
            keeps_file = line is not None and bool(line.file) and code not in dropped
            if code not in ticked and code not in files and not keeps_file:
                if line is not None:
                    line.delete()
                    changed = True
                continue
            if line is None:
                line = DisclosureContent(item=locked, code=code, recorded_at=now)
            elif (line.ticked == (code in ticked) and code not in files
                  and keeps_file == bool(line.file)):
                continue  # as it was
            if code in files:
                f = files[code]
                line.file = f  # type: ignore[assignment]
                line.name = (f.name or "")[-120:]
                line.content_type, line.size = content_types[code], f.size or 0
            elif not keeps_file:
                line.file = ""  # type: ignore[assignment]
                line.name, line.content_type, line.size = "", "", 0
            line.ticked = code in ticked
            line.recorded_by = actor if getattr(actor, "pk", None) else None
            line.recorded_at = now
            line.save()
            changed = True
        if changed:
            locked.contents_revision += 1
            locked.save(update_fields=["contents_revision"])
        after = sorted(DisclosureContent.objects.filter(item=locked)
                       .values_list("code", flat=True))
        audit.record(
            actor=actor, action="disclosure.contents", obj=locked,
            before={"lines": sorted(before)},
            after={"lines": after, "files": sorted(files), "revision": locked.contents_revision},
        )
    item.contents_revision = locked.contents_revision
    return locked


def is_supervisor_of(actor: Any, community: Place) -> bool:
    """A member of the community's own supervisory committee (村(居)务监督委员会)."""
    return community.path in role_paths(actor, {RoleKind.SUPERVISOR})


def _refuse_unready(item: DisclosureItem, *, approving: bool = False) -> None:
    """Refuse publishing (or approving) an item whose contents or review are not there."""
    covered = set(DisclosureContent.objects.filter(item=item).values_list("code", flat=True))
    missing = rules.missing_contents(item.kind, is_village=item.community.is_village,
                                     covered=covered)
    latest = DisclosureReview.objects.filter(item=item).order_by("-reviewed_at", "-id").first()
    review = rules.REVIEW_APPROVED if approving else rules.review_state(
        decision=latest.decision if latest else None,
        reviewed_revision=latest.revision if latest else None,
        revision=item.contents_revision)
    refusal = rules.publication_refusal(missing=missing, review=review,
                                        reason=latest.reason if latest else "")
    if refusal is not None:
        raise RuleViolation(refusal[1], rule=refusal[0], clause=CLAUSE)


def review_disclosure(
    *, actor: Any, item: DisclosureItem, approve: bool, reason: str = "",
) -> DisclosureReview:
    """The supervisory committee agrees to publish (同意公开) or returns it with a reason."""
    if not is_supervisor_of(actor, item.community):
        raise PermissionDenied(_("Only the community's supervisory committee reviews its "
                                 "disclosures."), rule="supervisor", clause=CLAUSE)
    reason = strip_invisible(reason or "").strip()
    if not approve and not reason:
        raise RuleViolation(_("Say why the disclosure is returned."), rule="input")
    if len(reason) > rules.REVIEW_REASON_MAX:
        raise RuleViolation(_("The reason may have at most %(n)d characters.")
                            % {"n": rules.REVIEW_REASON_MAX}, rule="input")
    with transaction.atomic():
        locked = (DisclosureItem.objects.select_for_update(of=("self",)).select_related("community")
                  .get(pk=item.pk))
        _check_unpublished(locked)
        if approve:
            _refuse_unready(locked, approving=True)
        review = DisclosureReview.objects.create(
            item=locked, reviewer=actor,
            decision=ReviewDecision.APPROVE if approve else ReviewDecision.RETURN,
            reason=reason, revision=locked.contents_revision, reviewed_at=clock.now())
        audit.record(actor=actor, action="disclosure.review", obj=locked,
                     after={"review": review.pk, "decision": review.decision,
                            "revision": review.revision})
    return review


def draft_disclosure(
    *, actor: Any, item: DisclosureItem, title: str, body: str, starts_on: date | None,
    ends_on: date | None, issuer: str, attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """The notice ``publish_disclosure`` would post, refused the same way; never saved."""
    _check_staff(actor, item.community)
    _check_unpublished(item)
    _refuse_unready(item)
    body = with_subsidies(body, list(subsidies_to_post(item)))
    notice = draft_notice(actor=actor, community=item.community, title=title, body=body,
                          starts_on=starts_on, ends_on=ends_on, kind=NoticeKind.AFFAIRS,
                          issuer=issuer, attachments=attachments)
    # The contents lines' files are posted with it: the preview lists them too.
    notice.posted_files = [  # type: ignore[attr-defined]
        {"name": c.name, "size": c.size}
        for c in DisclosureContent.objects.filter(item=item).exclude(file="").order_by("id")]
    return notice


def publish_disclosure(
    *, actor: Any, item: DisclosureItem, title: str, body: str, starts_on: date | None,
    ends_on: date | None, issuer: str, attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """Disclose an item: post its notice on the board and mark the item published.

    Its required contents must all be ticked or attached and the supervisory committee
    must have agreed to the contents as they stand (004 第一篇 四.4); the lines' files are
    posted with the notice.
    """
    _check_staff(actor, item.community)
    title = strip_invisible(title)
    subsidies = list(subsidies_to_post(item))
    body = with_subsidies(body, subsidies)
    content_types = _validate(title=title, body=body, issuer=issuer, starts_on=starts_on,
                              ends_on=ends_on, kind=NoticeKind.AFFAIRS, attachments=attachments)
    assert starts_on is not None and ends_on is not None
    with transaction.atomic():
        # Lock: two clerks publishing the same item must not post it twice.
        locked = (DisclosureItem.objects.select_for_update(of=("self",)).select_related("community")
                  .get(pk=item.pk))
        _check_unpublished(locked)
        _refuse_unready(locked)
        # 误工补贴 of the quarter, posted with it (000 (四)(3)); each once.
        posted = LostWorkSubsidy.objects.filter(
            pk__in=[p.pk for p in subsidies], disclosure__isnull=True).update(disclosure=locked)
        if posted != len(subsidies):
            raise RuleViolation(_("The subsidies of this period changed meanwhile: please "
                                  "publish it again."), rule="subsidies", clause="000 §(四)(3)")
        notice = _create_notice(
            actor=actor, community=item.community, title=title, body=body,
            starts_on=starts_on, ends_on=ends_on, kind=NoticeKind.AFFAIRS, issuer=issuer,
            issued_on=clock.localdate(), source_type="disclosure.item", source_id=locked.pk,
            attachments=attachments, content_types=content_types,
        )
        lines = [c for c in DisclosureContent.objects.filter(item=locked) if c.file]
        NoticeAttachment.objects.bulk_create([
            NoticeAttachment(notice=notice, file=c.file.name, name=c.name,
                             content_type=c.content_type, size=c.size) for c in lines])
        locked.notice = notice
        locked.published_at = clock.now()
        locked.save(update_fields=["notice", "published_at"])
        audit.record(
            actor=actor, action="disclosure.publish", obj=locked,
            before={"notice": None}, after={"notice": notice.pk, "due_on": locked.due_on,
                                            "late": clock.localdate() > locked.due_on,
                                            "subsidies": [p.pk for p in subsidies]},
        )
    return notice


# Who is reminded: the people who publish for the community.
REMINDED_ROLES = (RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY)


def remind_due_disclosures(*, today: date, days_before: int = 5) -> list[DisclosureItem]:
    """Remind each community's staff of disclosures due within ``days_before`` days.

    Once per item: the reminder time is stored, so running it again (every morning, or
    twice by mistake) sends nothing new. A system action, audited as such.
    """
    from datetime import timedelta

    now = clock.now()
    with transaction.atomic():
        # Lock the rows: two workers sweeping at once must not both send the reminder.
        items = list(
            DisclosureItem.objects.select_for_update()
            .filter(notice__isnull=True, reminded_at__isnull=True,
                    due_on__gte=today, due_on__lte=today + timedelta(days=days_before))
            .order_by("community_id", "due_on", "id")
        )
        items = [i for i in items
                 if rules.reminder_due(due_on=i.due_on, today=today, days_before=days_before)]
        if not items:
            return []
        community_ids = {i.community_id for i in items}
        staff: dict[int, list[Any]] = {}
        for role in (Role.objects.active(today)
                     .filter(place_id__in=community_ids, kind__in=REMINDED_ROLES,
                             person__user__isnull=False)
                     .select_related("person__user")):
            staff.setdefault(role.place_id, []).append(role.person.user)
        kinds = dict(DisclosureKind.choices)
        for item in items:
            notify(
                staff.get(item.community_id, []),
                _("Disclosure due by %(date)s: %(kind)s, %(period)s")
                % {"date": item.due_on.isoformat(), "kind": kinds.get(item.kind, item.kind),
                   "period": item.label},
                _("Publish it on the notice board before the due date (%(clause)s).")
                % {"clause": in_words("004 第一篇 四.4")},
                reverse("disclosure_staff:item_publish", args=[item.pk]),
            )
        DisclosureItem.objects.filter(pk__in=[i.pk for i in items]).update(reminded_at=now)
        audit.record(
            actor=audit.SystemActor("system:disclosure-reminders"), action="disclosure.remind",
            object_type="disclosure.disclosureitem", object_id="",
            after={"items": [i.pk for i in items], "today": today},
        )
    return items


def escalate_overdue_disclosures(*, today: date) -> list[DisclosureItem]:
    """Report each disclosure past its due date and not published to its street's township
    officials (乡镇/街道), once per item (004 第一篇 四.4). A system action, audited as such."""
    now = clock.now()
    with transaction.atomic():
        # Lock the rows: two workers sweeping at once must not both report an item.
        items = [i for i in DisclosureItem.objects.select_for_update(of=("self",))
                 .filter(notice__isnull=True, escalated_at__isnull=True, due_on__lt=today)
                 .select_related("community").order_by("community_id", "due_on", "id")
                 if rules.disclosure_overdue(published=False, due_on=i.due_on, today=today)]
        if not items:
            return []
        streets = {i.community.parent_id for i in items if i.community.parent_id}
        officials: dict[int, list[Any]] = {}
        for role in (Role.objects.active(today)
                     .filter(place_id__in=streets, kind=RoleKind.TOWNSHIP,
                             person__user__isnull=False)
                     .select_related("person__user")):
            officials.setdefault(role.place_id, []).append(role.person.user)
        kinds = dict(DisclosureKind.choices)
        for item in items:
            notify(
                officials.get(item.community.parent_id or 0, []),
                _("Disclosure overdue: %(community)s, %(kind)s, %(period)s")
                % {"community": item.community.name, "kind": kinds.get(item.kind, item.kind),
                   "period": item.label},
                _("It was due by %(date)s and is not yet published (%(clause)s).")
                % {"date": item.due_on.isoformat(), "clause": in_words(CLAUSE)},
                reverse("disclosure_staff:overdue"),
            )
        DisclosureItem.objects.filter(pk__in=[i.pk for i in items]).update(escalated_at=now)
        audit.record(
            actor=audit.SystemActor("system:disclosure-escalation"),
            action="disclosure.escalate", object_type="disclosure.disclosureitem",
            object_id="", after={"items": [i.pk for i in items], "today": today},
        )
    for item in items:
        item.escalated_at = now
    return items



# --- 误工补贴 (000 (四)(3)) ---------------------------------------------------------------

SUBSIDY_CLAUSE = "000 §(四)(3)"


def record_subsidy(
    *, actor: Any, community: Place, payee: str, purpose: str, amount: Decimal | None,
    paid_on: date | None,
) -> LostWorkSubsidy:
    """Register a lost-work subsidy paid to someone who organised a consultation; it is
    posted with the village-affairs disclosure of the quarter it was paid in."""
    _check_staff(actor, community)
    payee, purpose = strip_invisible(payee or "").strip(), strip_invisible(purpose or "").strip()
    errors = rules.validate_subsidy(payee=payee, purpose=purpose, amount=amount,
                                    paid_on=paid_on, today=clock.localdate())
    if errors:
        raise RuleViolation(" ".join(errors), rule="input")
    assert amount is not None and paid_on is not None
    with transaction.atomic():
        subsidy = LostWorkSubsidy.objects.create(
            community=community, payee=payee, purpose=purpose, amount=amount, paid_on=paid_on,
            recorded_by=actor if getattr(actor, "pk", None) else None, recorded_at=clock.now())
        # No name in the log (PIPL): the amount and the day.
        audit.record(actor=actor, action="disclosure.subsidy", obj=subsidy,
                     after={"community": community.pk, "amount": str(amount),
                            "paid_on": paid_on})
    return subsidy


def subsidies_to_post(item: DisclosureItem) -> Any:
    """The subsidies a village-affairs item posts: paid in its period, not yet posted."""
    period = rules.period_from_code(item.period)
    if item.kind != DisclosureKind.VILLAGE or period is None:
        return LostWorkSubsidy.objects.none()
    return (LostWorkSubsidy.objects
            .filter(community_id=item.community_id, disclosure__isnull=True,
                    paid_on__gte=period.start, paid_on__lte=period.end)
            .order_by("paid_on", "id"))


def with_subsidies(body: str, subsidies: Sequence[LostWorkSubsidy]) -> str:
    """The notice's text with the subsidies' section after it."""
    section = rules.subsidy_section([(s.payee, s.purpose, s.amount, s.paid_on)
                                     for s in subsidies])
    return f"{body.strip()}\n\n{section}" if section else body
