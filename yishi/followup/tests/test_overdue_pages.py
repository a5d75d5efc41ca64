"""Overdue tasks and written answers: the rules decide, every page shows what they say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yishi.followup import services
from yishi.followup.models import Adoption, EntrustedAnswer, ImplementationTask

from .factories import topic_with_outcome

pytestmark = pytest.mark.django_db


def _page(user, url: str) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def late_task(users, tree):  # type: ignore[no-untyped-def]
    topic = topic_with_outcome(tree["a"])
    task = services.create_task(actor=users["staff_a"], topic=topic, title="更换路灯",
                                owner_person=None, owner_body="街道城管科",
                                deadline=timezone.localdate() + timedelta(days=3))
    ImplementationTask.objects.filter(pk=task.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    return ImplementationTask.objects.get(pk=task.pk)


def test_a_task_past_its_deadline_is_overdue_on_every_page(users, late_task) -> None:
    for url in (reverse("followup:tasks"), reverse("followup:topic", args=[late_task.topic_id]),
                reverse("followup:task", args=[late_task.pk])):
        assert 'class="overdue"' in _page(users["staff_a"], url), url


def test_a_task_done_or_due_today_is_not_overdue(users, late_task) -> None:
    ImplementationTask.objects.filter(pk=late_task.pk).update(deadline=timezone.localdate())
    page = _page(users["staff_a"], reverse("followup:task", args=[late_task.pk]))
    assert 'class="overdue"' not in page
    ImplementationTask.objects.filter(pk=late_task.pk).update(
        deadline=timezone.localdate() - timedelta(days=5), state="done")
    for url in (reverse("followup:tasks"), reverse("followup:task", args=[late_task.pk])):
        assert 'class="overdue"' not in _page(users["staff_a"], url), url


def test_an_answer_past_its_due_date_is_overdue_until_answered(users, bodies,
                                                               entrusted) -> None:
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    EntrustedAnswer.objects.filter(pk=answer.pk).update(
        reported_on=timezone.localdate() - timedelta(days=20),
        due_date=timezone.localdate() - timedelta(days=1))
    # (The answer page marks a late answer "late" once given: that is not "overdue".)
    urls = [(bodies["asked_user"], reverse("followup:answers"), 'class="overdue"'),
            (bodies["asked_user"], reverse("followup:answer", args=[answer.pk]),
             'data-testid="overdue"'),
            (users["staff_a"], reverse("followup:topic", args=[entrusted.pk]),
             'class="overdue"')]
    for user, url, mark in urls:
        assert mark in _page(user, url), url
    services.answer_entrusted_topic(actor=bodies["asked_user"], answer=answer,
                                    text="已研究，采纳。", adoption=Adoption.ADOPTED)
    for user, url, mark in urls:
        assert mark not in _page(user, url), url
