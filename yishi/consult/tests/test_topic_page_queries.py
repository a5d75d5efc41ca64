"""The topic's file (一事一档) costs the same few queries however long its history is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from yishi.consult import services
from yishi.consult.models import (
    Amendment,
    Attendance,
    Meeting,
    MeetingStep,
    Minutes,
    Participant,
    Speech,
    Topic,
    TopicTransition,
    Vote,
)
from yishi.core import clock
from yishi.places.tests.factories import resident

from .helpers import candidate, passed_by_assembly, signed_minutes
from .pages import as_user

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _published(cast: dict[str, Any], tree: dict[str, Any]) -> Topic:
    """A topic through its meeting, minutes, filing and publication on the notice board."""
    staff = cast["staff_a"].user
    topic = signed_minutes(cast, tree)
    passed_by_assembly(cast, tree, topic)  # a major matter: the representatives pass it
    services.file_outcome(actor=staff, topic=topic)
    services.publish_outcome(actor=staff, topic=topic)
    topic.refresh_from_db()
    return topic


def _grow(topic: Topic, cast: dict[str, Any], tree: dict[str, Any], n: int) -> None:
    """``n`` more participants, and ``n`` more meetings held, each with its steps,
    speeches, vote, minutes and amendments, and the topic's history ``n`` steps longer."""
    plan = topic.plan
    now = clock.now()
    staff = cast["staff_a"].user
    people = [Participant.objects.create(plan=plan, kind="resident",
                                         person=resident(tree["a"], name=f"居民{i}"))
              for i in range(n)]
    first = Meeting.objects.filter(topic=topic).count() + 1
    for number in range(first, first + n):
        at = now - timedelta(days=number)
        m = Meeting.objects.create(topic=topic, plan=plan, number=number, starts_at=at,
                                   location="社区议事厅", state="closed", members=7,
                                   members_present=6, opened_at=at, closed_at=at,
                                   result="no_consensus", conclusion="再议")
        Attendance.objects.bulk_create([Attendance(meeting=m, participant=p, at=at)
                                        for p in people])
        MeetingStep.objects.bulk_create([MeetingStep(meeting=m, action=f"step{i}",
                                                     to_state="open", actor=staff, at=at)
                                         for i in range(4)])
        Speech.objects.bulk_create([Speech(meeting=m, participant=p, opinion="同意", at=at)
                                    for p in people])
        Vote.objects.create(meeting=m, method="hands", question="是否同意", yes=5, no=1,
                            abstain=0, counted=True, present=6, members=7, passed=False,
                            opened_at=at, closed_at=at)
        minutes = Minutes.objects.create(meeting=m, body="记录", generated_at=at,
                                         convener_signed_at=at, recorder_signed_at=at)
        Amendment.objects.bulk_create([Amendment(minutes=minutes, text="更正", by=staff, at=at)
                                       for _ in range(3)])
    TopicTransition.objects.bulk_create([
        TopicTransition(topic=topic, action="note", from_state=topic.state,
                        to_state=topic.state, actor=staff, at=now, note=f"备注{i}")
        for i in range(n)])


def _tasks(topic: Topic, cast: dict[str, Any], n: int) -> None:
    """``n`` implementation tasks of the outcome, each with a progress update."""
    from yishi.followup import services as followup

    staff = cast["staff_a"].user
    for i in range(n):
        task = followup.create_task(actor=staff, topic=topic, title=f"任务{i}", owner_body="物业",
                                    deadline=clock.localdate() + timedelta(days=i + 1))
        followup.record_progress(actor=staff, task=task, text="已开工", photos=[])


def test_the_topic_page_costs_a_few_queries_however_long_the_file(
        client, tree, cast, django_assert_max_num_queries) -> None:
    topic = _published(cast, tree)
    url = reverse("consult:topic", args=[topic.pk])
    staff = as_user(client, cast["staff_a"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = staff.get(url)
    assert page.status_code == 200 and b'data-testid="meeting-1"' in page.content

    _grow(topic, cast, tree, 15)
    _tasks(topic, cast, 5)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = staff.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="meeting-16"' in html and 'data-testid="audit"' in html
    assert 'data-testid="public-notice-link"' in html and 'data-testid="outcome"' in html
    # Staff follow the tasks on the implementation page; the public snippet is for readers.
    assert 'data-testid="followup-link"' in html and 'data-testid="public-progress"' not in html
    page = as_user(client, cast["resident_a"]).get(url).content.decode()
    assert 'data-testid="public-progress"' in page and 'data-testid="audit"' not in page


def test_the_topic_page_of_each_step_stays_within_the_same_few_queries(
        client, tree, cast, django_assert_max_num_queries) -> None:
    """From candidate to published, each state's page (with its forms) in at most 12."""
    staff = cast["staff_a"].user
    c = as_user(client, cast["staff_a"])
    topic = candidate(cast, tree)
    url = reverse("consult:topic", args=[topic.pk])
    seen = []

    def look() -> None:
        topic.refresh_from_db()
        seen.append(topic.state)
        with django_assert_max_num_queries(MAX_QUERIES):
            assert c.get(url).status_code == 200

    look()  # candidate: the catalogue for screening
    services.accept_topic(actor=staff, topic=topic, catalogue_code="finance")
    look()
    topic = signed_minutes(cast, tree)  # a second topic, through its meeting
    url = reverse("consult:topic", args=[topic.pk])
    look()
    passed_by_assembly(cast, tree, topic)
    services.file_outcome(actor=staff, topic=topic)
    look()  # filed: the settings for the posting period
    services.publish_outcome(actor=staff, topic=topic)
    look()
    assert seen == ["candidate", "accepted", "minutes_signed", "filed", "published"]
