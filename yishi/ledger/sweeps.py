"""The ledger's sweeps: dashboard figures refreshed from their notes, and rebuilt daily;
reminders and missed flags of the meetings on the calendar (``cadence``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yishi.core.clauses import in_words
from yishi.core.models import Reminder
from yishi.core.sweeps import register, remind_once
from yishi.places.models import Place, Role, RoleKind

from . import cadence, cadence_records, figures
from .models import FiguresRebuild


@register("ledger.refresh_figures")
def refresh_figures(today: date) -> int:
    """Cells whose notes outlived the refresh after their commit (a crash, a failed count)."""
    return figures.refresh_all_pending()


@register("ledger.rebuild_figures")
def rebuild_figures(today: date) -> int:
    """Once a day (the first sweep after midnight): every figure counted from the records."""
    if FiguresRebuild.objects.filter(day=today).exists():
        return 0
    report = figures.rebuild()
    try:
        with transaction.atomic():
            FiguresRebuild.objects.create(
                day=today, checked=report.checked, corrected=report.corrected,
                report="\n".join(str(c) for c in report.corrections)[:100_000])
    except IntegrityError:  # a second sweep rebuilt the same day at the same time
        return 0
    return report.corrected


# --- Meetings on the calendar (会议日历) ------------------------------------------------------

# Reminder kinds, one per community, cadence and period: "cadence.due:council:2026-q1"
# (at most 40 characters, ``Reminder.kind``: the longest is
# "cadence.missed:representatives:2026-q4").
CADENCE_DUE = "cadence.due"
CADENCE_MISSED = "cadence.missed"
COMMUNITY_ROLES = (RoleKind.STAFF, RoleKind.CHAIR)
TOWNSHIP_ROLES = (RoleKind.TOWNSHIP,)


def _users_at(place_ids: set[int], kinds: tuple[str, ...], today: date) -> dict[int, list[Any]]:
    """Accounts holding one of ``kinds`` at each place today: one query."""
    out: dict[int, dict[int, Any]] = {}
    for role in (Role.objects.active(today)
                 .filter(place_id__in=place_ids, kind__in=kinds, person__user__isnull=False)
                 .select_related("person__user")):
        user = role.person.user
        if user is not None:
            out.setdefault(role.place_id, {})[user.pk] = user
    return {pk: list(users.values()) for pk, users in out.items()}


def _year_period(year: int, period: cadence.CadencePeriod) -> str:
    return _("%(period)s %(year)d") % {"period": period.label, "year": year}


@register("ledger.cadence_reminders")
def cadence_reminders(today: date) -> int:
    """Staff of a community are reminded two weeks before a period of a cadence falls due
    while it is not yet held, and told (with the township) once it was missed; once per
    community, cadence and period (``remind_once``), with the clause in words."""
    from .selectors import period as year_period

    years = sorted({today.year, (today - timedelta(days=cadence.FLAG_MISSED_WITHIN)).year})
    todo: list[tuple[str, cadence_records.CommunityCadences, cadence.Cadence, int,
                     cadence.CadencePeriod]] = []
    for root in Place.objects.filter(parent__isnull=True).order_by("pk"):
        for year in years:
            for com in cadence_records.communities(root, year_period(year, today)):
                for key, periods in com.periods.items():
                    for per in periods:
                        what = (CADENCE_DUE if cadence.remind_now(per, today)
                                else CADENCE_MISSED if cadence.flag_now(per, today) else "")
                        if what:
                            todo.append((f"{what}:{key}:{year}-{per.key}", com,
                                         cadence.CADENCES[key], year, per))
    if not todo:
        return 0
    # The reminders already sent, read at once (a sweep runs every few minutes).
    sent_before = set(Reminder.objects.filter(
        object_type=Place._meta.label_lower, kind__in={k for k, *_rest in todo})
        .values_list("kind", "object_id"))
    todo = [t for t in todo if (t[0], str(t[1].pk)) not in sent_before]
    staff = _users_at({t[1].pk for t in todo}, COMMUNITY_ROLES, today)
    township = _users_at({t[1].parent_id for t in todo if t[1].parent_id}, TOWNSHIP_ROLES, today)
    places = Place.objects.in_bulk({t[1].pk for t in todo})
    sent = 0
    for kind, com, c, year, per in todo:
        facts = {"community": com.name, "meeting": c.label, "when": _year_period(year, per),
                 "date": per.due.isoformat(), "held": per.held, "n": per.minimum,
                 "clause": in_words(c.clause)}
        if kind.startswith(CADENCE_DUE + ":"):
            recipients = staff.get(com.pk, [])
            subject = _("%(community)s, due by %(date)s: %(meeting)s, %(when)s") % facts
            body = _("Held so far: %(held)d of at least %(n)d (%(clause)s).") % facts
        else:
            recipients = staff.get(com.pk, []) + township.get(com.parent_id or 0, [])
            # The township hears of several communities: each subject names its own.
            subject = _("%(community)s missed: %(meeting)s, %(when)s (due by %(date)s)") % facts
            body = _("Held: %(held)d of at least %(n)d (%(clause)s). The township is told.") % facts
        sent += remind_once(kind=kind, obj=places[com.pk], recipients=recipients,
                            subject=subject, body=body,
                            link=reverse("ledger:ledger", args=[com.pk, year]))
    return sent
