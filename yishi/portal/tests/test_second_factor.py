"""The second factor (TOTP) of the administrators and the Django admin (GB/T 22239-2019
8.1.4.1): enrolment with a QR code, a code at each sign-in, wrong codes throttled and
audited, a code good once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yishi.core import services
from yishi.core.models import AuditEvent, Duty
from yishi.core.tests.threads import run_together
from yishi.places.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def auditor() -> Any:
    user = UserFactory(username="audit-zhou")
    services.grant_duty(actor=services.INSTALLER, user=user, duty=Duty.AUDIT)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_administrator_opens_no_page_before_the_second_factor(auditor: Any) -> None:
    client = signed_in(auditor)
    for url in ("/", "/notifications/", "/places/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/two-factor/?next=")


def test_enrolment_shows_a_qr_code_and_one_right_code_confirms_it(auditor: Any) -> None:
    client = signed_in(auditor)
    page = client.get("/two-factor/", {"next": "/admin/core/auditevent/"})
    html = page.content.decode()
    assert page.status_code == 200 and "data:image/svg+xml;base64," in html
    device = TOTPDevice.objects.get(user=auditor)
    assert not device.confirmed
    secret = page.context["secret"].replace(" ", "")
    assert len(secret) == 32 and secret in html.replace(" ", "")

    response = client.post("/two-factor/", {"code": code_for(device),
                                            "next": "/admin/core/auditevent/"})
    assert response.status_code == 302 and response["Location"] == "/admin/core/auditevent/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="account.second_factor_enrolled",
                                     actor=auditor).count() == 1
    assert client.get("/admin/core/auditevent/").status_code == 200
    home = client.get("/")
    assert home.status_code == 200 and 'data-testid="nav-admin"' in home.content.decode()


def test_a_wrong_code_is_refused_audited_and_the_next_try_waits(auditor: Any) -> None:
    device = TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    client = signed_in(auditor)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    first = client.post("/two-factor/", {"code": wrong})
    assert first.status_code == 200 and first.context["form"].errors
    assert "不正确" in first.content.decode()
    assert AuditEvent.objects.filter(action="account.second_factor_failed").count() == 1
    # Straight away even the right code waits out the throttle, and says until when.
    second = client.post("/two-factor/", {"code": right})
    assert "次数过多" in second.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_is_good_once(auditor: Any) -> None:
    device = TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    code = code_for(device)
    first = signed_in(auditor)
    assert first.post("/two-factor/", {"code": code})["Location"] == "/admin/"
    again = signed_in(auditor)
    assert again.post("/two-factor/", {"code": code}).status_code == 200
    assert again.get("/").status_code == 302


@pytest.mark.parametrize("code", ["", "abc", "12345", "1234567", "１２３４５６", "12 34 5x"])
def test_a_malformed_code_gets_a_message_and_writes_nothing(auditor: Any, code: str) -> None:
    device = TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    client = signed_in(auditor)
    before = AuditEvent.objects.count()
    page = client.post("/two-factor/", {"code": code})
    assert page.status_code == 200 and page.context["form"].errors
    device.refresh_from_db()
    assert device.throttling_failure_count == 0 and AuditEvent.objects.count() == before


def test_the_next_address_stays_on_this_site(auditor: Any) -> None:
    device = TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    client = signed_in(auditor)
    response = client.post("/two-factor/", {"code": code_for(device),
                                            "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_the_admin_asks_anyone_for_the_second_factor_and_residents_are_never_asked(
        admin_user: Any, people: dict) -> None:
    root = Client()
    root.force_login(admin_user)
    response = root.get("/admin/places/place/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/?next=")
    resident = signed_in(people["resident_a"].user)
    home = resident.get("/")
    assert home.status_code == 200 and 'data-testid="nav-admin"' not in home.content.decode()
    assert not TOTPDevice.objects.filter(user=people["resident_a"].user).exists()
    closed = resident.get("/admin/", follow=True)
    assert closed.status_code == 403  # not an administrator, code or no code


def test_signed_out_the_admin_leads_to_yishi_s_sign_in() -> None:
    response = Client().get("/admin/core/auditevent/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/?next=")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_twice_at_once_signs_in_once() -> None:
    user = UserFactory(username="audit-twice")
    services.grant_duty(actor=services.INSTALLER, user=user, duty=Duty.AUDIT)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = code_for(device)
    clients = [signed_in(user), signed_in(user)]
    results = run_together([lambda c=c: c.post("/two-factor/", {"code": code}).status_code
                            for c in clients])
    assert sorted(results) == [200, 302]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_security_administrator_sets_up_the_code_and_reaches_the_accounts(
        new_page: Any) -> None:
    """The journey: sign in, scan (here: read) the key, type the code, open the accounts."""
    import base64

    from playwright.sync_api import expect

    user = UserFactory(username="secadmin-browser")
    services.grant_duty(actor=services.INSTALLER, user=user, duty=Duty.SECURITY)
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/admin/auth/user/")
    page.wait_for_url("**/login/**")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/**")
    expect(page.get_by_test_id("second-factor")).to_contain_text("登录第二步")
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    page.fill("#id_code", f"{totp.token():06d}")
    page.get_by_role("button", name="确认").click()
    page.wait_for_url("**/admin/auth/user/")
    expect(page.locator("#result_list")).to_contain_text("secadmin-browser")
