"""A 公开 step of 四议两公开 posts a notice: recording it asks first, on the confirmation
page with the notice as the public will see it; only confirmed=1 records it and posts the
notice (issue 13, item 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yishi.consult.models import ProcedureStep, Topic
from yishi.disclosure.models import Notice

from .pages import as_user, refusals
from .test_procedures_services import _walk_to, four_two, reps  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

RESOLUTION = "决议：厂房出租五年，年租金不低于十万元。联系电话13812345678"


def _step(topic: Topic, code: str) -> str:
    return reverse("consult:procedure_step", args=[topic.pk, code])


def _written() -> tuple[int, int]:
    return ProcedureStep.objects.count(), Notice.objects.count()


def test_a_public_step_shows_its_notice_first_and_writes_nothing(client, cast, four_two,  # noqa: F811
                                                                 reps, tree) -> None:  # noqa: F811
    _walk_to(cast, four_two, "representatives_resolve")
    c = as_user(client, cast["staff_a"])
    before = _written()
    page = c.post(_step(four_two, "resolution_public"),
                  {"note": RESOLUTION, "notice_days": "7"})
    assert page.status_code == 200 and _written() == before
    html = page.content.decode()
    assert "确定记录这一步并在公示栏张贴公告吗？" in html
    preview = html.split('data-testid="confirm-preview"')[1].split("<h1>")[0]
    assert "村集体厂房出租" in preview and "年租金不低于十万元" in preview
    assert "138****5678" in preview and "13812345678" not in preview
    assert f'href="{reverse("consult:procedure", args=[four_two.pk])}"' in html
    assert Client().get(f"/public/{tree['a'].pk}/").content.decode().count("村集体厂房出租") == 0

    done = c.post(_step(four_two, "resolution_public"),
                  {"note": RESOLUTION, "notice_days": "7", "confirmed": "1"})
    assert done.status_code == 302
    row = ProcedureStep.objects.get(topic=four_two, step="resolution_public")
    assert row.notice is not None and "年租金不低于十万元" in row.notice.body


def test_a_public_step_out_of_order_is_refused_not_asked(client, cast, four_two,  # noqa: F811
                                                         reps) -> None:  # noqa: F811
    _walk_to(cast, four_two, "members_review")
    c = as_user(client, cast["staff_a"])
    before = _written()
    response = c.post(_step(four_two, "resolution_public"), {"note": "决议", "notice_days": "7"},
                      follow=True)
    assert refusals(response) and 'data-testid="confirm-page"' not in response.content.decode()
    assert _written() == before
