"""Asking first (core/confirm.py): a POST without ``confirmed=1`` gets the question and the
same fields again; a confirmed POST goes on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from yishi.core.confirm import Confirm, ask_first

QUESTION = Confirm(question="确定结束表决吗？", detail="结束后不能再投票。", button="结束表决")


def _post(data: dict[str, object]):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/meetings/7/do/close_vote/?from=console", data)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.mark.django_db
def test_an_unconfirmed_post_gets_the_question_and_its_fields_again() -> None:
    response = ask_first(_post({"result": "agreed", "choice": ["a", "b"],
                                "csrfmiddlewaretoken": "x"}), QUESTION, back="/meetings/7/")
    assert response is not None and response.status_code == 200
    html = response.content.decode().split('data-testid="confirm-page"')[1]
    assert "确定结束表决吗？" in html and "结束后不能再投票。" in html and "结束表决" in html
    assert 'action="/meetings/7/do/close_vote/?from=console"' in html
    assert '<input type="hidden" name="result" value="agreed">' in html
    # Every value of a field with several, and the page's own token only once.
    assert html.count('name="choice"') == 2
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert 'href="/meetings/7/"' in html


@pytest.mark.django_db
def test_a_confirmed_post_goes_on() -> None:
    assert ask_first(_post({"result": "agreed", "confirmed": "1"}), QUESTION, back="/") is None


@pytest.mark.django_db
def test_a_field_value_is_escaped_on_the_page() -> None:
    response = ask_first(_post({"conclusion": '"><script>alert(1)</script>'}), QUESTION, back="/")
    assert response is not None
    assert "<script>alert(1)" not in response.content.decode()
