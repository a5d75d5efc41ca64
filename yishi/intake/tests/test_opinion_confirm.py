"""Turning an opinion into a topic and referring it ask first: a POST without
``confirmed=1`` gets the question and writes nothing; the page's forms ask the same in the
dialog (issue 13, item 5)."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.test import Client

from yishi.consult.models import Topic
from yishi.core.models import AuditEvent
from yishi.intake import services
from yishi.intake.models import Opinion, OpinionStep

from .helpers import raise_as

pytestmark = pytest.mark.django_db

REFER_Q = "确定把这条民情转办给该部门吗？"
TOPIC_Q = "确定把这条民情转为待审议题吗？"


@pytest.fixture
def opinion(people: dict[str, Any], tree: dict[str, Any]) -> Opinion:
    o = raise_as(people["resident_a"], tree["a_building"])
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=o)
    return o


@pytest.fixture
def staff_client(people: dict[str, Any]) -> Client:
    c = Client()
    c.force_login(people["staff_a"].user)
    return c


def _written() -> tuple[int, int, int]:
    return AuditEvent.objects.count(), OpinionStep.objects.count(), Topic.objects.count()


def _state(opinion: Opinion) -> str:
    return Opinion.objects.get(pk=opinion.pk).state


def test_referring_without_confirming_asks_and_writes_nothing(staff_client, opinion) -> None:
    before = _written()
    page = staff_client.post(f"/intake/opinions/{opinion.pk}/refer/",
                             {"department": "城管执法中队", "note": "占道经营"})
    assert page.status_code == 200 and _written() == before
    assert _state(opinion) == "acknowledged"
    body = page.content.decode()
    assert 'data-testid="confirm-page"' in body and REFER_Q in body
    assert '<input type="hidden" name="department" value="城管执法中队">' in body
    assert '<input type="hidden" name="confirmed" value="1">' in body
    assert f'href="/intake/opinions/{opinion.pk}/"' in body


def test_referring_confirmed_refers(staff_client, opinion) -> None:
    response = staff_client.post(f"/intake/opinions/{opinion.pk}/refer/",
                                 {"department": "城管执法中队", "note": "", "confirmed": "1"})
    assert response.status_code == 302
    o = Opinion.objects.get(pk=opinion.pk)
    assert (o.state, o.referred_to) == ("referred", "城管执法中队")


def test_a_confirmed_referral_without_a_department_is_refused(staff_client, opinion) -> None:
    before = _written()
    response = staff_client.post(f"/intake/opinions/{opinion.pk}/refer/",
                                 {"department": "", "note": "", "confirmed": "1"}, follow=True)
    assert "refusal" in response.content.decode()
    assert _written() == before and _state(opinion) == "acknowledged"


def test_turning_into_a_topic_without_confirming_asks_and_writes_nothing(staff_client,
                                                                         opinion) -> None:
    before = _written()
    page = staff_client.post(f"/intake/opinions/{opinion.pk}/make_topic/")
    assert page.status_code == 200 and _written() == before
    assert _state(opinion) == "acknowledged"
    body = page.content.decode()
    assert TOPIC_Q in body and "转为待审议题" in body.split('data-testid="confirm-yes"')[1]


def test_turning_into_a_topic_confirmed_makes_the_candidate(staff_client, opinion) -> None:
    assert staff_client.post(f"/intake/opinions/{opinion.pk}/make_topic/",
                             {"confirmed": "1"}).status_code == 302
    assert _state(opinion) == "topic" and Topic.objects.count() == 1


def test_the_opinion_page_asks_the_same_in_the_dialog(staff_client, opinion) -> None:
    body = staff_client.get(f"/intake/opinions/{opinion.pk}/").content.decode()
    for testid, question in (("refer-form", REFER_Q), ("make-topic-form", TOPIC_Q)):
        tag = re.search(rf'<form [^>]*data-testid="{testid}"[^>]*>', body)
        assert tag is not None, testid
        attrs = dict(re.findall(r'(data-confirm[\w-]*)="([^"]*)"', tag.group(0)))
        assert html_lib.unescape(attrs["data-confirm"]) == question
        assert attrs["data-confirm-detail"] and attrs["data-confirm-button"]
