"""Disclosure actions: one function per action, one transaction, one audit event each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
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
from yishi.places.permissions import is_staff_at

from . import rules
from .models import DisclosureItem, DisclosureKind, Notice, NoticeAttachment, NoticeKind
from .search import index_text

MAX_ATTACHMENTS = 6


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
        rows = [
            DisclosureItem(community=community, kind=kind, period=period.code,
                           period_label=period.label, due_on=due, created_at=now)
            for kind in kinds
            for due, period in rules.schedule_for_year(kind, year)
            if (kind, period.code) not in existing
        ]
        created = DisclosureItem.objects.bulk_create(rows)
        audit.record(
            actor=actor, action="disclosure.schedule", object_type="places.place",
            object_id=community.pk,
            after={"year": year, "kinds": list(kinds), "created": len(created)},
        )
    return created


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


def publish_disclosure(
    *, actor: Any, item: DisclosureItem, title: str, body: str, starts_on: date | None,
    ends_on: date | None, issuer: str, attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """Disclose an item: post its notice on the board and mark the item published."""
    _check_staff(actor, item.community)
    title = strip_invisible(title)
    content_types = _validate(title=title, body=body, issuer=issuer, starts_on=starts_on,
                              ends_on=ends_on, kind=NoticeKind.AFFAIRS, attachments=attachments)
    assert starts_on is not None and ends_on is not None
    with transaction.atomic():
        # Lock: two clerks publishing the same item must not post it twice.
        locked = DisclosureItem.objects.select_for_update().get(pk=item.pk)
        if locked.notice_id is not None:
            raise RuleViolation(_("This disclosure has already been published."),
                                rule="published", clause="004 第一篇 四.4")
        notice = _create_notice(
            actor=actor, community=item.community, title=title, body=body,
            starts_on=starts_on, ends_on=ends_on, kind=NoticeKind.AFFAIRS, issuer=issuer,
            issued_on=clock.localdate(), source_type="disclosure.item", source_id=locked.pk,
            attachments=attachments, content_types=content_types,
        )
        locked.notice = notice
        locked.published_at = clock.now()
        locked.save(update_fields=["notice", "published_at"])
        audit.record(
            actor=actor, action="disclosure.publish", obj=locked,
            before={"notice": None}, after={"notice": notice.pk, "due_on": locked.due_on,
                                            "late": clock.localdate() > locked.due_on},
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
