"""Each role's main pages on a 390×844 phone, with the demo's data: nothing scrolls sideways,
the header is one line, tap targets are at least 44 px, no internal code shows, Chinese
punctuation, and axe-core finds no serious or critical violation (yishi/testing/phone.py).

The same walk takes the screenshots in ``docs/screens/``: ``make screens`` runs this module
with ``YISHI_SCREENS`` set to that directory.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from yishi.conftest import login
from yishi.testing.phone import phone_problems, save_screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Pages = list[tuple[str, str]]  # (the screenshot's name, the page's address)


def r(name: str, *args: object) -> str:
    return reverse(name, args=args)


def _community_of(username: str):  # type: ignore[no-untyped-def]
    from yishi.places.models import Person, PlaceKind

    me = Person.objects.get(user__username=username)
    if me.community_id:
        return me.community
    return me.roles.filter(place__kind=PlaceKind.COMMUNITY).first().place


def _public() -> Pages:
    from yishi.disclosure.models import Notice

    notice = Notice.objects.order_by("-pk").first()
    return [("welcome", r("home")), ("boards", r("disclosure:communities")),
            ("board", r("disclosure:board", notice.community_id)),
            ("notice", r("disclosure:notice", notice.pk)),
            ("archive", r("disclosure:archive", notice.community_id)),
            ("affairs", r("disclosure:affairs", notice.community_id)),
            ("login", r("login")), ("login-code", r("code_sign_in"))]


def _resident() -> Pages:
    from yishi.intake.models import JointProposal, Opinion
    from yishi.places.models import Person

    me = Person.objects.get(user__username="resident")
    opinion = Opinion.objects.filter(raised_by=me).order_by("-pk").first()
    proposal = JointProposal.objects.filter(community=me.community).order_by("-pk").first()
    return [("home", r("home")), ("me", r("me")), ("opinion-new", r("intake:opinion_new")),
            ("my-opinions", r("intake:my_opinions")), ("opinion", r("intake:opinion", opinion.pk)),
            ("proposals", r("intake:proposals")), ("proposal", r("intake:proposal", proposal.pk)),
            ("proposal-new", r("intake:proposal_new")),
            ("board", r("disclosure:board", me.community_id)),
            ("committee", r("places:committee", me.community_id)),
            ("messages", r("notifications")), ("my-topics", r("consult:mine"))]


def _staff() -> Pages:
    from yishi.consult.models import Topic
    from yishi.intake.models import Opinion

    community = _community_of("staff")
    opinion = Opinion.objects.filter(community=community).order_by("-pk").first()
    topic = Topic.objects.filter(community=community).order_by("-pk").first()
    return [("home", r("home")), ("queue", r("intake:queue")),
            ("opinion", r("intake:opinion", opinion.pk)), ("work-board", r("consult:board")),
            ("topic", r("consult:topic", topic.pk)), ("plan", r("consult:plan", topic.pk)),
            ("tasks", r("followup:tasks")), ("disclosure", r("disclosure_staff:desk")),
            ("register-import", r("places:register_import")),
            ("answers", r("followup:answers"))]


def _chair() -> Pages:
    from yishi.consult.models import Meeting, Minutes

    community = _community_of("chair")
    meetings = Meeting.objects.filter(topic__community=community)
    pages = [("home", r("home")), ("work-board", r("consult:board"))]
    for state in ("scheduled", "signing_in", "step3", "step4", "voted", "closed"):
        meeting = meetings.filter(state=state).order_by("-pk").first()
        if meeting is not None:
            pages.append((f"meeting-{state}", r("consult:meeting", meeting.pk)))
    voted = meetings.filter(vote__closed_at__isnull=False).order_by("-pk").first()
    if voted is not None:
        pages.append(("vote-result", r("consult:result", voted.pk)))
    minutes = Minutes.objects.filter(meeting__topic__community=community).order_by("-pk").first()
    if minutes is not None:
        pages.append(("minutes", r("consult:minutes", minutes.meeting_id)))
    return pages


def _township() -> Pages:
    from yishi.places.models import Place, PlaceKind

    street = Place.objects.get(name="和平街道")
    community = Place.objects.filter(parent=street, kind=PlaceKind.COMMUNITY).first()
    return [("home", r("home")), ("ledgers", r("ledger:index")),
            ("dashboard", r("ledger:dashboard", street.pk)),
            ("ledger", r("ledger:ledger", community.pk, 2026)),
            ("overdue-disclosures", r("disclosure_staff:overdue")), ("me", r("me"))]


def _city() -> Pages:
    from yishi.places.models import Place, PlaceKind

    city = Place.objects.get(kind=PlaceKind.CITY)
    return [("home", r("home")), ("dashboard", r("ledger:dashboard", city.pk))]


def _department() -> Pages:
    from yishi.followup.models import EntrustedAnswer

    answer = EntrustedAnswer.objects.order_by("-pk").first()
    pages = [("home", r("home")), ("answers", r("followup:answers"))]
    if answer is not None:
        pages.append(("answer", r("followup:answer", answer.pk)))
    return pages


ROLES: dict[str, Callable[[], Pages]] = {
    "public": _public, "resident": _resident, "staff": _staff, "chair": _chair,
    "township": _township, "city": _city, "dept": _department,
}


@pytest.mark.parametrize("role", list(ROLES))
def test_a_role_s_main_pages_are_right_on_a_phone(new_page, role: str) -> None:
    call_command("demo_data", stdout=io.StringIO())
    pages = ROLES[role]()
    page = new_page()
    if role != "public":
        login(page, role, "yishi2026")
    screens = os.environ.get("YISHI_SCREENS")
    problems: dict[str, list[str]] = {}
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found = phone_problems(page)
        if found:
            problems[path] = found
        if screens:
            Path(screens).mkdir(parents=True, exist_ok=True)
            save_screen(page, Path(screens) / f"{role}-{name}.png")
    assert len(pages) >= 2
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())
