"""Residents sign in with a code texted to the number on their register (portal/codes.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from yishi.core import clock
from yishi.core.channels import SmsBackend, read_outbox
from yishi.core.models import AuditEvent, SignInCode
from yishi.places.models import PersonalData
from yishi.places.tests.factories import PASSWORD, resident

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _sms_to_the_outbox(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.YISHI_SMS_BACKEND = "yishi.core.channels.OutboxSmsBackend"
    settings.YISHI_OUTBOX_DIR = tmp_path / "outbox"


@pytest.fixture
def wang(tree):  # type: ignore[no-untyped-def]
    return with_phone(resident(tree["a"], username="wang", name="王秀英"))


def with_phone(person: Any, phone: str = PHONE) -> Any:
    data, _created = PersonalData.objects.get_or_create(person=person)
    data.phone = phone
    data.save()
    return person


def texted_code() -> str:
    texts = [m for m in read_outbox() if m["channel"] == "sms"]
    assert texts, "no text message in the outbox"
    assert PHONE not in texts[-1]["address"]  # the outbox masks the number
    found = re.search(r"(\d{6})", texts[-1]["subject"])
    assert found is not None
    return found.group(1)


def send(client: Client, phone: str = PHONE, **extra: Any) -> str:
    return client.post("/login/code/", {"action": "send", "phone": phone, **extra}).content.decode()


def check(client: Client, code: str, phone: str = PHONE) -> Any:
    return client.post("/login/code/", {"action": "check", "phone": phone, "code": code})


@pytest.mark.audits_sign_ins
def test_a_resident_signs_in_with_the_code_texted_to_her(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    assert 'data-testid="code-sign-in-link"' in client.get("/login/").content.decode()
    page = send(client, phone="138 1234 5678")  # spaces as people type them
    assert 'data-testid="code-sent"' in page
    code = texted_code()
    assert "5 分钟" in read_outbox()[-1]["subject"] or "5分钟" in read_outbox()[-1]["subject"]
    row = SignInCode.objects.get()
    assert code not in row.digest and PHONE not in row.phone_index  # neither kept as typed

    response = check(client, code)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "王秀英" in client.get("/").content.decode()
    assert SignInCode.objects.get().used_at is not None
    actions = list(AuditEvent.objects.filter(object_id=str(wang.user.pk))
                   .values_list("action", flat=True))
    assert "account.code_sent" in actions and "account.sign_in" in actions

    client.logout()
    assert check(client, code).status_code == 200  # a code works once
    assert client.get("/").context["user"].is_anonymous


def test_a_number_on_no_register_gets_the_same_answer_and_no_text(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    page = send(client, phone="13900000000")
    assert 'data-testid="code-sent"' in page and "13900000000" in page
    assert read_outbox() == [] and not SignInCode.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_new_code_waits_a_minute_and_five_an_hour(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    start = timezone.now()
    with clock.at(start):
        send(client)
        again = send(client)
    assert "秒" in again and 'data-testid="code-sent"' in again  # the first code still counts
    assert SignInCode.objects.count() == 1
    for i in range(1, 5):
        with clock.at(start + timedelta(seconds=61 * i)):
            assert 'data-testid="code-error"' not in send(client)
    assert SignInCode.objects.count() == 5
    with clock.at(start + timedelta(seconds=61 * 5)):
        refused = send(client)
    assert "分钟" in refused and 'data-testid="code-error"' in refused
    assert SignInCode.objects.count() == 5
    with clock.at(start + timedelta(hours=1, seconds=5)):
        assert 'data-testid="code-error"' not in send(client)
    assert SignInCode.objects.count() == 6


def test_one_address_asks_for_at_most_twenty_codes_an_hour(client: Client, tree) -> None:  # type: ignore[no-untyped-def]
    for i in range(20):
        assert 'data-testid="code-error"' not in send(client, phone=f"1390000{i:04d}")
    assert 'data-testid="code-error"' in send(client, phone="13900009999")


def test_five_wrong_codes_end_the_code(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    send(client)
    code = texted_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        page = check(client, wrong).content.decode()
        assert "验证码不对或已失效" in page
    last = check(client, wrong).content.decode()
    assert "5" in last
    assert AuditEvent.objects.filter(action="account.code_failed",
                                     object_id=str(wang.user.pk)).exists()
    assert check(client, code).status_code == 200  # the right code no longer opens it
    assert client.get("/").context["user"].is_anonymous


def test_a_code_ends_after_five_minutes(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    send(client)
    code = texted_code()
    with clock.at(timezone.now() + timedelta(minutes=5, seconds=1)):
        assert check(client, code).status_code == 200
    assert client.get("/").context["user"].is_anonymous


def test_full_width_digits_are_read_as_digits(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    send(client)
    code = texted_code().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert check(client, code).status_code == 302


def test_a_couple_sharing_a_phone_choose_who_signs_in(client: Client, tree, wang) -> None:  # type: ignore[no-untyped-def]
    husband = with_phone(resident(tree["a"], username="li", name="李建国"))
    # The password form cannot tell which of the two a shared number means.
    form = client.post("/login/", {"username": PHONE, "password": PASSWORD})
    assert form.status_code == 200
    send(client)
    page = check(client, texted_code()).content.decode()
    assert "王秀英" in page and "李建国" in page
    stranger = resident(tree["a"], username="zhao", name="赵某")
    tampered = client.post("/login/code/", {"action": "choose", "account": stranger.user.pk})
    assert tampered.status_code == 200 and client.get("/").context["user"].is_anonymous
    chosen = client.post("/login/code/", {"action": "choose", "account": husband.user.pk})
    assert chosen.status_code == 302
    assert client.get("/").context["user"] == husband.user


@pytest.mark.parametrize("data", [
    {"action": "send", "phone": "abc"}, {"action": "send", "phone": "1" * 5000},
    {"action": "send"}, {"action": "check", "phone": PHONE, "code": "12"},
    {"action": "check", "phone": "x", "code": "123456"}, {"action": "choose", "account": "x"},
    {"action": "nonsense"}, {},
])
def test_bad_input_gets_a_message_and_writes_nothing(client: Client, wang, data) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    response = client.post("/login/code/", data)
    assert response.status_code == 200
    assert not SignInCode.objects.exists() and AuditEvent.objects.count() == events
    assert client.get("/").context["user"].is_anonymous


def test_without_a_gateway_the_code_is_not_offered(client: Client, settings, wang) -> None:  # type: ignore[no-untyped-def]
    settings.YISHI_SMS_BACKEND = ""
    assert 'data-testid="code-sign-in-link"' not in client.get("/login/").content.decode()
    page = client.get("/login/code/").content.decode()
    assert "密码" in page and 'name="phone"' not in page
    assert 'data-testid="code-sent"' not in send(client)
    assert not SignInCode.objects.exists()


class _Down(SmsBackend):
    def send_sms(self, *, phone: str, text: str, key: str) -> str:
        raise RuntimeError("gateway timeout")


def test_a_gateway_that_fails_says_so_and_the_code_never_works(client: Client, settings, wang) -> None:  # type: ignore[no-untyped-def]
    settings.YISHI_SMS_BACKEND = f"{__name__}._Down"
    page = send(client)
    assert 'data-testid="code-error"' in page and "短信" in page
    row = SignInCode.objects.get()
    assert row.expires_at <= timezone.now()


def test_the_password_form_takes_the_mobile_number_too(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    assert "手机号" in client.get("/login/").content.decode()
    response = client.post("/login/", {"username": "138-1234-5678", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == wang.user


def test_a_forgotten_password_is_set_anew_after_a_code(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    link = 'data-testid="forgot-password"'
    assert link in client.get("/login/").content.decode()
    client.post("/login/code/?next=/password/new/", {"action": "send", "phone": PHONE})
    response = client.post("/login/code/", {"action": "check", "phone": PHONE,
                                            "code": texted_code(), "next": "/password/new/"})
    assert response["Location"] == "/password/new/"
    page = client.get("/password/new/").content.decode()
    assert 'data-testid="password-new"' in page and "old_password" not in page
    weak = client.post("/password/new/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and weak.context["form"].errors
    done = client.post("/password/new/", {"new_password1": "Xingfu-2026-ok",
                                          "new_password2": "Xingfu-2026-ok"})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="account.password_reset",
                                     object_id=str(wang.user.pk)).exists()
    # Once: a second new password needs the old one again.
    assert client.get("/password/new/")["Location"] == "/password/"
    client.logout()
    assert client.login(username="wang", password="Xingfu-2026-ok")


def test_a_new_password_without_the_old_needs_a_fresh_code(client: Client, wang) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/password/new/").status_code == 302  # signed out: to the sign-in
    assert client.login(username="wang", password=PASSWORD)  # a password session
    assert client.get("/password/new/")["Location"] == "/password/"
    client.logout()
    send(client)
    code = texted_code()
    check(client, code)
    with clock.at(timezone.now() + timedelta(minutes=11)):
        assert client.get("/password/new/")["Location"] == "/password/"
