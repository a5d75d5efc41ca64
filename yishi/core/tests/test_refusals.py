"""One path for refusals: a refusal's status, code, clause and text, and a form run through
a service by ``attempt`` (a message, the form's errors, or the caller; never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.refusals import (
    INPUT_RULES,
    Action,
    Refusal,
    attempt,
    attempt_action,
    form_refusal,
    refusal_of,
)

codes = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=20)
clauses = st.sampled_from(["", "000 §(二)(4)2", "004 第一篇 四.2"])


class CountForm(forms.Form):
    n = forms.IntegerField(min_value=0)


def _request(data: dict[str, Any] | None = None) -> HttpRequest:
    request = RequestFactory().post("/x/", data or {})
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.user = AnonymousUser()
    return request


def _shown(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.tags, str(m)) for m in get_messages(request)]


def _refuse(error: RuleViolation) -> Any:
    def service(d: dict[str, Any]) -> None:
        raise error
    return service


# --- The mapping ------------------------------------------------------------------------------


@given(codes, clauses)
def test_permission_denied_is_403_with_its_rule_and_clause(rule: str, clause: str) -> None:
    r = refusal_of(PermissionDenied("你不是本社区工作人员", rule=rule, clause=clause))
    assert (r.status, r.code, r.clause) == (403, rule, clause)


@given(codes, clauses)
def test_a_rule_about_the_input_is_400_any_other_rule_409(rule: str, clause: str) -> None:
    r = refusal_of(RuleViolation("不行", rule=rule, clause=clause))
    assert r.status == (400 if rule in INPUT_RULES else 409)
    assert (r.code, r.clause, r.message) == (rule, clause, "不行")


def test_a_refusal_naming_no_rule_is_about_the_input() -> None:
    assert refusal_of(RuleViolation("请填写")) == Refusal(400, "input", "", "请填写")
    assert refusal_of(PermissionDenied("无权")).code == "permission"


@given(codes, clauses)
def test_the_page_shows_the_message_and_clause_never_the_rule_code(rule: str,
                                                                  clause: str) -> None:
    r = refusal_of(RuleViolation("重大事项须有 2/3 以上委员到会", rule=rule, clause=clause))
    assert r.text == r.message if not clause else (
        r.text.startswith(r.message) and r.clause_text in r.text)
    assert rule not in r.text
    assert clause == "" or clause not in r.text  # the clause in words, not the reference
    assert r.as_dict() == {"code": rule, "clause": clause, "clause_text": r.clause_text,
                           "message": r.message}
    assert f"rule-{rule}" in r.tags.split()


def test_a_page_in_chinese_names_the_document_and_its_clause_in_words() -> None:
    with translation.override("zh-hans"):
        r = refusal_of(RuleViolation("还差 1 人", rule="quorum", clause="000 §(二)(4)3"))
        assert r.text == "还差 1 人（依据《利川市城乡社区协商实施方案》（二）4.(3)）"


def test_the_quorum_and_the_order_of_steps_are_conflicts_a_bad_photo_is_bad_input() -> None:
    assert refusal_of(RuleViolation("m", rule="quorum")).status == 409
    assert refusal_of(RuleViolation("m", rule="transition")).status == 409
    assert refusal_of(RuleViolation("m", rule="photo")).status == 400


def test_an_invalid_form_is_400_input_with_its_errors_or_the_given_message() -> None:
    form = CountForm({"n": "-1"})
    assert not form.is_valid()
    r = form_refusal(form)
    assert (r.status, r.code) == (400, "input") and r.message == form.errors["n"][0]
    assert form_refusal(form, "请填写数量").message == "请填写数量"


# --- attempt -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_form_calls_the_service_and_says_done() -> None:
    request = _request()
    seen: list[dict[str, Any]] = []
    done = attempt(request, lambda d: seen.append(d) or d["n"] * 2,
                   form=CountForm({"n": "3"}), done=lambda n: f"done {n}")
    assert done.ok and done.result == 6 and seen == [{"n": 3}]
    assert _shown(request) == [("success", "done 6")]


@pytest.mark.django_db
def test_an_invalid_form_never_reaches_the_service() -> None:
    request = _request()
    called: list[object] = []
    refused = attempt(request, lambda d: called.append(d), form=CountForm({"n": "x"}),
                      done="never", invalid="请填写数量")
    assert not refused.ok and refused.result is None and not called
    assert refused.refusal is not None and refused.refusal.status == 400
    assert _shown(request) == [("refusal rule-input error", "请填写数量")]


@pytest.mark.django_db
def test_a_refusal_becomes_a_message_with_its_clause_and_no_success() -> None:
    request = _request()
    refused = attempt(request, _refuse(RuleViolation("人数不足", rule="quorum",
                                                     clause="000 §(二)(4)2")), done="never")
    assert refused.refusal == Refusal(409, "quorum", "000 §(二)(4)2", "人数不足")
    assert _shown(request) == [
        ("refusal rule-quorum error", "人数不足（依据《利川市城乡社区协商实施方案》（二）4.(2)）")]


@pytest.mark.django_db
def test_on_the_form_a_refusal_is_a_non_field_error_or_the_named_fields() -> None:
    request = _request()
    form = CountForm({"n": "1"})
    attempt(request, _refuse(PermissionDenied("无权", rule="staff")), form=form, show="form")
    assert form.non_field_errors() == ["无权"] and not _shown(request)
    form = CountForm({"n": "1"})
    attempt(request, _refuse(RuleViolation("文件不对", rule="register_file")), form=form,
            show="form", field="n")
    assert form.errors["n"] == ["文件不对"]


@pytest.mark.django_db
def test_for_htmx_the_caller_shows_the_refusal_itself() -> None:
    request = _request()
    refused = attempt(request, _refuse(RuleViolation("已签到", rule="attended")), show="caller")
    assert refused.refusal is not None and refused.refusal.text == "已签到"
    assert not _shown(request)


@pytest.mark.django_db
def test_an_error_that_is_no_refusal_is_not_swallowed() -> None:
    def broken(d: dict[str, Any]) -> None:
        raise ValueError("a bug")
    with pytest.raises(ValueError):
        attempt(_request(), broken)


# --- Dispatch tables ------------------------------------------------------------------------------

ACTIONS: dict[str, Action[list[int]]] = {
    "add": Action(form=lambda box, post: CountForm(post), invalid="请填写数量",
                  run=lambda user, box, d: box.append(d["n"])),
    "clear": Action(run=lambda user, box, d: box.clear()),
}


@pytest.mark.django_db
def test_an_action_in_the_table_runs_with_its_form() -> None:
    box: list[int] = [1]
    attempt_action(_request({"n": "5"}), ACTIONS, "add", box, done="ok")
    assert box == [1, 5]
    attempt_action(_request(), ACTIONS, "clear", box, done="ok")
    assert box == []
    request = _request({"n": ""})
    assert not attempt_action(request, ACTIONS, "add", box, done="ok").ok
    assert box == [] and _shown(request) == [("refusal rule-input error", "请填写数量")]


def test_an_action_not_in_the_table_is_404() -> None:
    with pytest.raises(Http404):
        attempt_action(_request(), ACTIONS, "delete", [], done="ok")
