"""The demo loads once per module (rolled back afterwards), and holds what the issue asks."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from yishi.consult.models import (
    Assembly,
    AssemblyAttendance,
    Meeting,
    Minutes,
    Outcome,
    Topic,
    Vote,
    VoterMark,
)
from yishi.consult.rules import TOPIC_STATES, MeetingState, TopicState
from yishi.core import audit
from yishi.disclosure import rules as disclosure_rules
from yishi.disclosure.models import DisclosureItem, Notice, NoticeKind
from yishi.followup.models import Dissent, EntrustedAnswer, ImplementationTask
from yishi.intake import selectors
from yishi.intake.models import JointProposal, Opinion, Signature
from yishi.intake.rules import OPEN_OPINION_STATES, OPINION_STATES, PROPOSAL_STATES
from yishi.places.models import (
    CommitteeMembership,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    Role,
    RoleKind,
    Seat,
)
from yishi.places.rules import is_valid_id_number, is_valid_phone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_checkpoints(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("demo-audit-checkpoints")


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, demo_checkpoints):  # type: ignore[no-untyped-def]
    """Run the command once for the module, inside a transaction rolled back at the end,
    so the demo never leaks into other modules' tests."""
    # The suite hashes passwords with MD5 (conftest); the accounts must be made the same way.
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=FAST_HASHERS, YISHI_AUDIT_CHECKPOINT_DIR=demo_checkpoints), \
            transaction.atomic():
        out = io.StringIO()
        call_command("demo_data", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db, settings, demo_checkpoints):  # type: ignore[no-untyped-def]
    settings.YISHI_AUDIT_CHECKPOINT_DIR = demo_checkpoints  # the checkpoint the demo wrote
    return demo_output


def _communities() -> list[Place]:
    return list(Place.objects.filter(kind=PlaceKind.COMMUNITY, parent__name="和平街道")
                .order_by("name"))


def test_places_people_and_committee(demo):
    street = Place.objects.get(name="和平街道", parent__name="东湖区", parent__parent__name="示范市")
    community = Place.objects.get(name="幸福社区", parent=street, is_village=False)
    village = Place.objects.get(name="桃园村", parent=street, is_village=True)
    for c in (community, village):
        assert Household.objects.filter(community=c).count() >= 300
        sizes = {h.members.count() for h in Household.objects.filter(community=c)[:200]}
        assert sizes <= {2, 3, 4}
        seats = set(CommitteeMembership.objects.filter(community=c, ended_on__isnull=True)
                    .values_list("seat", flat=True))
        # 桃园村's social-organisations seat fell vacant last week: the committee is incomplete.
        assert seats == set(Seat.values) - ({Seat.ORGANISATIONS} if c == village else set())
        reps = Role.objects.filter(kind=RoleKind.REPRESENTATIVE, place__path__startswith=c.path)
        households = Household.objects.filter(community=c).count()
        assert households / 15 <= reps.count() <= households / 10
        for kind in (RoleKind.COURIER, RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY,
                     RoleKind.SUPERVISOR):
            assert Role.objects.filter(kind=kind, place=c).exists(), kind
    for group in Place.objects.filter(kind=PlaceKind.GROUP, parent=community):
        assert 200 <= Household.objects.filter(place__path__startswith=group.path).count() <= 300
    assert Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path).count() >= 10
    assert Role.objects.filter(kind=RoleKind.TOWNSHIP, place=street).exists()
    assert Role.objects.filter(kind=RoleKind.CITY, place__name="示范市").exists()
    # Valid, unique personal data; children and the elderly among the residents.
    data = list(PersonalData.objects.values_list("id_number", "phone"))
    assert len(data) == Person.objects.count()
    assert all(is_valid_id_number(i) for i, _p in data)
    assert all(is_valid_phone(p) for _i, p in data if p)
    assert len({i for i, _p in data}) == len(data)
    adults = selectors.eligible_residents(community, timezone.localdate(), 18)
    people = Person.objects.filter(community=community).count()
    assert 0 < adults < people


def test_opinions_proposals_and_audit(demo):
    for c in _communities():
        states = set(Opinion.objects.filter(community=c).values_list("state", flat=True))
        assert states == set(OPINION_STATES)
        assert set(Opinion.objects.filter(community=c).values_list("category", flat=True)) >= {
            "sanitation", "traffic", "welfare", "dispute", "governance"}
        assert Opinion.objects.filter(community=c, state__in=OPEN_OPINION_STATES,
                                      due_date__lt=timezone.localdate()).exists()
        assert set(JointProposal.objects.filter(community=c).values_list("state", flat=True)) == set(
            PROPOSAL_STATES)
    # Past the threshold by residents' signatures (≥1/10), with a mandatory topic.
    reached = JointProposal.objects.get(community__name="幸福社区", state="reached")
    assert reached.topic is not None and reached.topic.mandatory
    first = Signature.objects.filter(proposal=reached).first()
    assert first is not None
    assert reached.resident_signatures * 10 >= first.eligible_residents
    assert reached.proposer.user.username == "resident"
    village = JointProposal.objects.get(community__name="桃园村", state="reached")
    assert village.topic is not None and village.topic.mandatory
    assert Topic.objects.filter(mandatory=True).count() == 2
    # Referred to the street's own departments (转办部门), from its list.
    referred = Opinion.objects.exclude(referred_to="")
    assert referred.exists()
    assert all(o.referred_department is not None and o.referred_department.name == o.referred_to
               and o.referred_department.street.name == "和平街道"
               for o in referred.select_related("referred_department__street"))
    # One open proposal a few signatures short.
    assert "2 more reach the threshold" in demo
    # Every action went through the services: the chain verifies.
    result = audit.verify()
    assert result.ok, result
    assert result.checked > 300
    assert result.checkpoints == 1  # the first signed copy of the head, written at the end


def test_accounts_log_in_and_a_second_run_changes_nothing(demo, client):
    from yishi.demo.builder import ACCOUNTS, PASSWORD

    assert PASSWORD == "yishi2026"
    for account in ACCOUNTS:
        assert account.username in demo
        assert client.login(username=account.username, password=PASSWORD), account.username
        client.logout()
    me = Person.objects.get(user__username="resident")
    assert me.name == "王秀英" and me.community.name == "幸福社区"
    assert Opinion.objects.filter(raised_by=me).count() >= 3
    def counts() -> tuple[int, ...]:
        return tuple(m.objects.count() for m in (Person, Opinion, JointProposal, Topic, Meeting,
                                                 Notice, DisclosureItem, ImplementationTask))

    before = counts()
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "demo data already loaded" in out.getvalue()
    assert "resident" in out.getvalue()
    assert counts() == before
    assert audit.verify().ok


def test_the_printed_number_signs_its_resident_in_by_sms_code(demo, client, settings, tmp_path):
    import re

    from yishi.core.channels import read_outbox
    from yishi.demo.builder import accounts_table

    settings.YISHI_SMS_BACKEND = "yishi.core.channels.OutboxSmsBackend"
    settings.YISHI_OUTBOX_DIR = tmp_path
    line = next(li for li in accounts_table().splitlines() if "/login/code/" in li)
    phone = re.search(r"1\d{10}", line).group(0)
    client.post("/login/code/", {"action": "send", "phone": phone})
    code = re.search(r"\d{6}", read_outbox()[-1]["subject"]).group(0)
    assert client.post("/login/code/", {"action": "check", "phone": phone,
                                        "code": code}).status_code == 302
    assert client.get("/").context["me"].name in line


def test_topics_at_every_stage_with_meetings_and_votes(demo):
    today = timezone.localdate()
    for c in _communities():
        topics = Topic.objects.filter(community=c)
        assert set(topics.values_list("state", flat=True)) == set(TOPIC_STATES), c.name
        meetings = Meeting.objects.filter(topic__community=c)
        # A meeting in sign-in today, one voting now, others closed with a vote and minutes.
        assert meetings.filter(state=MeetingState.SIGNING_IN, topic__state=TopicState.NOTIFIED,
                               attendance__isnull=False).exists()
        assert meetings.filter(state=MeetingState.VOTED, topic__state=TopicState.CONSULTING,
                               vote__closed_at__isnull=False).exists()
        closed = meetings.filter(state=MeetingState.CLOSED)
        assert closed.count() >= 7
        assert Vote.objects.filter(meeting__in=closed, closed_at__isnull=False).count() == closed.count()
        assert Vote.objects.filter(meeting__in=closed, passed=False).exists()
        assert set(closed.values_list("result", flat=True)) >= {"consensus", "no_consensus", "assembly"}
        assert Minutes.objects.filter(meeting__in=closed, convener_signed_at__isnull=False,
                                      recorder_signed_at__isnull=False).exists()
        # Major matters were approved by the party organisation and opened with a quorum.
        for t in topics.filter(kind="major").exclude(state__in=["candidate", "accepted", "planned"]):
            assert t.plan.approved, t.title
        for m in closed.filter(topic__kind="major"):
            assert m.members_present * 3 >= m.members * 2
        # Technical matters have an expert among the participants.
        for t in topics.filter(technical=True).exclude(state__in=["candidate", "accepted"]):
            assert t.plan.participants.filter(kind="expert").exists()
        # Decided by the representatives' meeting; merged, referred and rejected with reasons.
        assert Outcome.objects.filter(topic__community=c, kind="assembly",
                                      assembly_decision__gt="").exists()
        assert topics.get(state="merged").merged_into is not None
        assert topics.get(state="referred").referred_to
        assert topics.get(state="rejected").screening_reason
        # The outcome on the board is inside its posting period; the closed one's is over.
        published = Outcome.objects.get(topic__community=c, topic__state="published")
        assert published.published_from <= today <= published.published_until
        assert Outcome.objects.get(topic__community=c, topic__state="closed").published_until < today
    # A second consultation scheduled after no consensus, and secret ballots cast.
    assert Meeting.objects.filter(number=2, state=MeetingState.SCHEDULED,
                                  starts_at__gt=timezone.now()).exists()
    assert VoterMark.objects.count() >= 5
    # The joint proposals' mandatory topics moved forward.
    elevator = JointProposal.objects.get(community__name="幸福社区", state="reached").topic
    assert elevator.state == TopicState.NOTIFIED and elevator.plan.approved
    fishpond = JointProposal.objects.get(community__name="桃园村", state="reached").topic
    assert fishpond.state == TopicState.AT_ASSEMBLY


def test_followup_tasks_dissent_and_entrusted_answers(demo, client):
    from yishi.demo.builder import PASSWORD

    today = timezone.localdate()
    tasks = ImplementationTask.objects.all()
    assert tasks.filter(state="done").exists()
    assert tasks.filter(state="in_progress", deadline__gte=today).exists()
    assert tasks.overdue(today).exists()
    assert all(t.progress.exists() for t in tasks)
    assert tasks.filter(owner_place__name="东湖区住房和城市更新局").exists()
    dissent = Dissent.objects.get()
    assert dissent.explanation.text
    # Entrusted by the district housing bureau: one answer overdue, one due within days.
    answers = EntrustedAnswer.objects.filter(body__name="东湖区住房和城市更新局", state="awaiting")
    assert answers.count() == 2
    assert answers.overdue(today).count() == 1
    soon = answers.exclude(pk__in=answers.overdue(today)).get()
    assert today <= soon.due_date <= today + timezone.timedelta(days=4)
    assert client.login(username="dept", password=PASSWORD)


def test_public_board_shows_current_notices(demo, client):
    today = timezone.localdate()
    for c in _communities():
        current = Notice.objects.current(today).filter(community=c)
        assert current.filter(kind=NoticeKind.OUTCOME).exists()
        assert current.filter(kind=NoticeKind.AFFAIRS).exists()
        assert current.filter(kind=NoticeKind.OTHER).exists()
        page = client.get(f"/public/{c.pk}/").content.decode()
        for notice in current:
            assert notice.title in page, notice.title
        # 三务公开: this year's schedule laid out, published on time but one overdue.
        items = DisclosureItem.objects.filter(community=c, due_on__year=today.year)
        if today.month > 1:
            assert items.filter(notice__isnull=False).exists()
        if today > today.replace(month=4, day=20):
            assert items.filter(notice__isnull=True, due_on__lt=today).count() == 1
            # The township was told of it (004 第一篇 四.4).
            assert items.filter(notice__isnull=True, due_on__lt=today,
                                escalated_at__isnull=False).count() == 1
            # March's 误工补贴 posted with the first quarter's village affairs (000 (四)(3)).
            q1 = items.select_related("notice").get(kind="village", period=f"{today.year}-Q1")
            assert q1.subsidies.count() == 1 and "误工补贴" in q1.notice.body
        # Each published one had its contents ticked and the supervisory committee's yes.
        for item in items.filter(notice__isnull=False).prefetch_related("contents", "reviews"):
            assert item.contents.count() == len(disclosure_rules.required_contents(
                item.kind, is_village=c.is_village))
            assert [r.decision for r in item.reviews.all()] == ["approve"]
    community = Place.objects.get(name="幸福社区")
    page = client.get(f"/public/{community.pk}/").content.decode()
    assert "关于小区垃圾分类点位调整的公示" in page
    assert "地下车库B区渗漏维修和防滑改造" in page


@pytest.mark.parametrize("username", ["resident", "courier", "chair", "party", "township",
                                      "city", "dept", "villager", None])
def test_every_page_a_demo_account_can_reach_opens_without_error_or_dead_link(demo, client,
                                                                              username):
    """Follow the links from the home page as each kind of user: no server error, and no
    link to a page that then refuses them (a 404 link is a dead end for a resident)."""
    import re
    from collections import deque

    from yishi.demo.builder import PASSWORD

    if username:
        assert client.login(username=username, password=PASSWORD)
    seen: set[str] = set()
    queue = deque(["/", "/public/"])
    problems = []
    while queue and len(seen) < 60:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 400:
            problems.append((url, response.status_code))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith(("/static", "/media", "/admin", "/logout", "/i18n")):
                queue.append(href)
    assert problems == []
    assert len(seen) > 5


def test_assemblies_decide_major_matters_and_a_general_one_is_carried_out_once_agreed(
        demo, client):
    from yishi.demo.builder import PASSWORD

    # Every published or closed major matter was passed by a representatives' meeting on
    # a real record: notice, the register's count, attendance over two thirds, the count.
    for topic in Topic.objects.filter(kind="major", state__in=["published", "closed"]):
        assembly = Assembly.objects.get(topic=topic, passed=True)
        assert assembly.present == AssemblyAttendance.objects.filter(assembly=assembly).count()
        assert assembly.present * 3 >= assembly.eligible * 2 and assembly.yes * 2 > assembly.present
        assert topic.outcome.assembly_passed is True
    assert Topic.objects.filter(state="decided", assemblies__passed__isnull=False).count() == 2
    # 商定即行: a general matter's tasks were set before its outcome was even published.
    garage = Topic.objects.filter(kind="general", state="published", tasks__isnull=False,
                                  community__is_village=False).distinct().get()
    first = garage.tasks.order_by("created_at").first()
    assert timezone.localdate(first.created_at) < garage.outcome.published_from
    assert client.login(username="chair", password=PASSWORD)
    page = client.get(f"/consult/topics/{garage.pk}/").content.decode()
    assert 'data-testid="agreed-and-done"' in page
    # The village's incomplete committee is on its chair's board.
    assert client.login(username="village_chair", password=PASSWORD)
    village = Place.objects.get(name="桃园村")
    page = client.get("/consult/board/").content.decode()
    assert f'data-testid="committee-incomplete-{village.pk}"' in page


def test_the_couriers_were_recruited_appointed_assessed_and_reappointed(demo, client):
    """002 一聘: every courier's role comes from an appointment; the demo courier was
    recruited openly last year, assessed 优秀 and reappointed for the current year."""
    from datetime import timedelta

    from yishi.demo.builder import PASSWORD
    from yishi.places.models import CourierAppointment

    today = timezone.localdate()
    assert Role.objects.filter(kind=RoleKind.COURIER).exists()
    assert not Role.objects.filter(kind=RoleKind.COURIER,
                                   courier_appointment__isnull=True).exists()
    first, current = CourierAppointment.objects.filter(
        person__user__username="courier").order_by("term_start")
    assert first.recruitment.closes_on < first.term_start
    assert first.assessment.result == "excellent"
    assert (current.previous, current.recruitment) == (first, first.recruitment)
    assert current.term_start == first.term_end + timedelta(days=1)
    assert current.term_start <= today <= current.term_end
    assert (current.role.start, current.role.end) == (current.term_start, current.term_end)
    assert client.login(username="staff", password=PASSWORD)
    page = client.get(f"/places/couriers/{current.community_id}/").content.decode()
    assert page.count('data-testid="courier"') == 4  # two couriers, last year's and this year's
    assert "赵丽华" in page and "考核：优秀" in page


def test_the_missed_calendar_meetings_are_on_the_dashboard_and_flagged(demo, client):
    """Issue 14, item 4: the township's dashboard shows each community's periods missed,
    and every recently missed period was flagged to the community and the township."""
    from datetime import date

    from yishi.core.models import Reminder
    from yishi.demo.builder import PASSWORD
    from yishi.ledger import cadence, cadence_records, selectors

    today = timezone.localdate()
    street = Place.objects.get(name="和平街道")
    found = cadence_records.communities(street, selectors.period(today.year, today))
    assert {c.name for c in found} == {"幸福社区", "桃园村"}
    flagged = set(Reminder.objects.filter(kind__startswith="cadence.missed:")
                  .values_list("kind", "object_id"))
    for com in found:
        for key, periods in com.periods.items():
            for p in periods:
                if cadence.flag_now(p, today):
                    assert (f"cadence.missed:{key}:{today.year}-{p.key}", str(com.pk)) in flagged
    assert client.login(username="township", password=PASSWORD)
    d = client.get(f"/ledger/places/{street.pk}/?year={today.year}").context["d"]
    missed = sum(p.state == cadence.MISSED for com in found for ps in com.periods.values()
                 for p in ps)
    assert d.total.cadences_missed == missed
    if today >= date(today.year, 6, 1):  # the demo's meetings are of the last 45 days only,
        assert missed > 0  # so the first quarter's councils were missed
