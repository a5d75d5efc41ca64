"""A progress report refused for its text keeps the photos chosen with it (core/forms.py,
core/held_uploads.py), and the photo input states its limits before choosing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yishi.followup import services
from yishi.followup.models import TaskProgress

from .factories import png, topic_with_outcome


@pytest.fixture
def task(users, tree):  # type: ignore[no-untyped-def]
    return services.create_task(actor=users["staff_a"], topic=topic_with_outcome(tree["a"]),
                                title="更换路灯", owner_body="街道城管科",
                                deadline=timezone.localdate() + timedelta(days=30))


def test_a_refused_report_keeps_its_photo_for_the_next_try(users, task):
    c = Client()
    c.force_login(users["staff_a"])
    url = reverse("followup:task", args=[task.pk])
    page = c.get(url).content.decode()
    assert "最多 6 张，每张不超过 5 MB" in page and "js/photos.js" in page

    refused = c.post(url, {"text": "", "photos": [png("lamp.png")]})
    assert refused.status_code == 400 and TaskProgress.objects.count() == 0
    tokens = re.findall(r'name="photos_kept" value="([^"]+)"', refused.content.decode())
    assert len(tokens) == 1 and "lamp.png" in refused.content.decode()

    assert c.post(url, {"text": "灯具已到货", "photos_kept": tokens}).status_code == 302
    assert TaskProgress.objects.get().photos.count() == 1


def test_an_over_long_report_is_refused_with_its_count(users, task):
    c = Client()
    c.force_login(users["staff_a"])
    r = c.post(reverse("followup:task", args=[task.pk]), {"text": "灯" * 4001})
    assert r.status_code == 400 and "最多 4000 字，现在 4001 字" in r.content.decode()
    assert TaskProgress.objects.count() == 0
