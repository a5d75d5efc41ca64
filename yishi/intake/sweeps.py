"""Intake's deadlines, run with the other periodic sweeps (found by ``yishi.core.sweeps``).

Joint proposals whose signing period ended close; community staff are reminded of opinions
whose answer is due soon, and flagged those overdue. Each reminder goes out once per
opinion and kind (``remind_once``); pass ``today`` to run a sweep for another day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from yishi.core.clauses import in_words
from yishi.core.sweeps import not_reminded, register, remind_once
from yishi.core.workdays import add_working_days
from yishi.places.models import Role, RoleKind

from . import services
from .models import Opinion
from .rules import OPEN_OPINION_STATES

# 002 一事一馈: staff are reminded when an opinion's answer is due within this many working days.
DUE_SOON_WORKING_DAYS = 2


@register("intake.close_expired_proposals")
def close_expired_proposals(today: date) -> int:
    """Joint proposals whose signing period ended below the threshold are closed."""
    return services.close_expired_proposals(today=today)


def _community_staff(community_ids: Iterable[int], today: date) -> dict[int, list[Any]]:
    """The accounts of the staff and chairs serving at each community (one query)."""
    staff: dict[int, dict[int, Any]] = defaultdict(dict)
    roles = (
        Role.objects.active(today)
        .filter(place_id__in=list(community_ids), kind__in=[RoleKind.STAFF, RoleKind.CHAIR],
                person__user__isnull=False)
        .select_related("person__user")
    )
    for role in roles:
        user = role.person.user
        if user is not None:
            staff[role.place_id][user.pk] = user
    return {place: list(users.values()) for place, users in staff.items()}


def opinion_reminders(today: date, *, overdue: bool) -> int:
    """Tell community staff of open opinions due within two working days, or overdue.

    Once per opinion and kind: a second run on the same or a later day sends nothing.
    """
    kind = "opinion.overdue" if overdue else "opinion.due_soon"
    opinions = Opinion.objects.filter(state__in=OPEN_OPINION_STATES)
    if overdue:
        opinions = opinions.filter(due_date__lt=today)
    else:
        horizon = add_working_days(today, DUE_SOON_WORKING_DAYS).date
        opinions = opinions.filter(due_date__gte=today, due_date__lte=horizon)
    rows = list(not_reminded(opinions, kind).order_by("due_date", "pk")
                .only("pk", "number", "title", "community_id", "due_date"))
    staff = _community_staff({o.community_id for o in rows}, today)
    sent = 0
    for o in rows:
        values = {"number": o.number, "title": o.title, "date": o.due_date.isoformat()}
        if overdue:
            subject = _("Overdue: opinion %(number)s “%(title)s” was due on %(date)s") % values
            body = _("The answer to this opinion is overdue (%(clause)s). Answer it, or record "
                     "why it is delayed.") % {"clause": in_words("002 一事一馈")}
        else:
            subject = _("Due soon: opinion %(number)s “%(title)s” must be answered by "
                        "%(date)s") % values
            body = _("The answer is due within two working days.")
        sent += remind_once(
            kind=kind, obj=o, recipients=staff.get(o.community_id, []), subject=subject,
            body=body, link=reverse("intake:opinion", args=[o.pk]),
        )
    return sent


@register("intake.opinion_due_soon")
def opinion_due_soon(today: date) -> int:
    return opinion_reminders(today, overdue=False)


@register("intake.opinion_overdue")
def opinion_overdue(today: date) -> int:
    return opinion_reminders(today, overdue=True)
