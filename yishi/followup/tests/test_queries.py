"""List pages cost the same number of queries with one row or with many."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yishi.followup import services

from .factories import png, topic_with_outcome


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _tasks(users, topic, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        t = services.create_task(actor=users["staff_a"], topic=topic, title=f"任务{i}",
                                 owner_body="科室",
                                 deadline=timezone.localdate() + timedelta(days=i + 1))
        services.record_progress(actor=users["staff_a"], task=t, text="进展", photos=[png()])


def test_task_list_public_progress_and_answers_do_not_grow_with_rows(tree, users, bodies):
    topic = topic_with_outcome(tree["a"], published_from=timezone.localdate())
    _tasks(users, topic, 1)
    staff = Client()
    staff.force_login(users["staff_a"])
    dept = Client()
    dept.force_login(bodies["asked_user"])
    public = reverse("followup:public_progress", args=[topic.pk])
    pages = [(staff, reverse("followup:tasks")), (Client(), public),
             (staff, reverse("followup:topic", args=[topic.pk])),
             (dept, reverse("followup:answers"))]
    for i in range(2):
        t = topic_with_outcome(tree["a"], entrusted_by="区民政局", title=f"委托{i}")
        services.report_to_entrusting_body(actor=users["staff_a"], topic=t)
    before = [_count(c, u) for c, u in pages]
    _tasks(users, topic, 6)
    for i in range(2, 8):
        t = topic_with_outcome(tree["a"], entrusted_by="区民政局", title=f"委托{i}")
        services.report_to_entrusting_body(actor=users["staff_a"], topic=t)
    assert [_count(c, u) for c, u in pages] == before
