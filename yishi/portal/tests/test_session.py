"""Sessions end after 30 minutes without activity, with a warning a minute before, and at
browser close on a shared phone (issue 11, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Right-pass-2026"


@pytest.fixture
def account() -> Any:
    return get_user_model().objects.create_user("resident-s", password=PASSWORD)


def test_a_session_ends_after_thirty_idle_minutes_and_each_request_renews_it(
        client: Client, account: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.post("/login/", {"username": "resident-s", "password": PASSWORD})
    assert client.session.get_expiry_age() == 30 * 60
    assert not client.session.get_expire_at_browser_close()
    page = client.get("/").content.decode()
    assert 'data-idle-seconds="1800"' in page and "js/session.js" in page
    assert client.get("/session/keepalive/").status_code == 204


def test_a_request_after_ten_seconds_renews_the_session(client: Client, account: Any,
                                                         monkeypatch: Any) -> None:
    import time

    from yishi.portal import sessions

    client.post("/login/", {"username": "resident-s", "password": PASSWORD})
    stamped = client.session[sessions.KEY]
    client.get("/")
    assert client.session[sessions.KEY] == stamped  # within ten seconds: nothing written
    later = stamped + 11
    monkeypatch.setattr(time, "time", lambda: later)
    client.get("/")
    assert client.session[sessions.KEY] == later


def test_on_a_shared_phone_the_session_ends_when_the_browser_closes(
        client: Client, account: Any) -> None:
    page = client.get("/login/").content.decode()
    assert "公用" in page
    client.post("/login/", {"username": "resident-s", "password": PASSWORD,
                            "shared_device": "on"})
    assert client.session.get_expire_at_browser_close()


def test_keepalive_after_the_end_says_so_instead_of_redirecting(client: Client) -> None:
    assert client.get("/session/keepalive/").status_code == 401
    assert "session-warning" not in client.get("/login/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_warns_a_minute_before_and_staying_signed_in_keeps_the_session(
        new_page: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    from yishi.conftest import login
    from yishi.places.tests.factories import place_tree, resident

    settings.SESSION_COOKIE_AGE = 64  # the warning comes after 4 s, the end after 64 s
    tree = place_tree()
    person = resident(tree["a"], username="resident-browser", name="张阿姨")
    page = new_page()
    login(page, person.user.username)
    warning = page.get_by_test_id("session-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_contain_text("1 分钟后")
    warning.get_by_role("button").click()
    expect(warning).to_be_hidden()
    page.reload()
    assert "/login/" not in page.url  # still signed in


def test_an_account_staff_made_must_choose_its_own_password_first(admin_client: Client) -> None:
    from yishi.core.models import AuditEvent, PasswordDue

    response = admin_client.post("/admin/auth/user/add/", {
        "username": "new-resident", "password1": "Given-by-2026", "password2": "Given-by-2026",
        "usable_password": "true"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new-resident")
    assert PasswordDue.objects.filter(user=user).exists()

    client = Client()
    client.post("/login/", {"username": "new-resident", "password": "Given-by-2026"})
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/password/"
    assert "请先设置" in client.get("/password/").content.decode()
    assert client.get("/intake/opinions/new/")["Location"] == "/password/"
    done = client.post("/password/", {"old_password": "Given-by-2026",
                                      "new_password1": "My-own-2026!",
                                      "new_password2": "My-own-2026!"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert not PasswordDue.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="account.password_changed",
                                     object_id=str(user.pk)).exists()


def test_a_password_staff_reset_must_be_changed_too(admin_client: Client, account: Any) -> None:
    from yishi.core.models import PasswordDue

    response = admin_client.post(f"/admin/auth/user/{account.pk}/password/", {
        "password1": "Reset-by-2026", "password2": "Reset-by-2026"})
    assert response.status_code == 302
    assert PasswordDue.objects.filter(user=account).exists()
    # an account that set its own password is not stopped
    other = get_user_model().objects.create_user("resident-own", password=PASSWORD)
    client = Client()
    client.post("/login/", {"username": other.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
