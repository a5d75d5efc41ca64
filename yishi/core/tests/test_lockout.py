"""Failed sign-ins (issue 11, item 3): five wrong passwords lock the account for fifteen
minutes with a clear message, one address is throttled over all accounts, and the lock and
its end are audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from yishi.core import audit, clock
from yishi.core.lockout import record_failure
from yishi.core.models import AuditEvent, SignInGuard

from .threads import run_together

pytestmark = pytest.mark.django_db

RIGHT = "Right-pass-2026"


@pytest.fixture
def account() -> Any:
    return get_user_model().objects.create_user("resident-lock", password=RIGHT)


def _sign_in(client: Client, password: str, username: str = "resident-lock",
             address: str = "127.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
        client: Client, account: Any) -> None:
    for _i in range(4):
        assert _sign_in(client, "wrong").status_code == 200
    assert not AuditEvent.objects.filter(action="account.locked").exists()
    _sign_in(client, "wrong")
    [locked] = AuditEvent.objects.filter(action="account.locked")
    assert locked.object_id == str(account.pk) and locked.after["failures"] == 5

    page = _sign_in(client, RIGHT).content.decode()
    assert "锁定" in page and "密码错误次数过多" in page
    assert not _signed_in(client)
    assert audit.verify().ok


def test_the_lock_ends_after_fifteen_minutes_and_its_end_is_audited(
        client: Client, account: Any) -> None:
    for _i in range(5):
        _sign_in(client, "wrong")
    with clock.at(clock.now() + timedelta(minutes=14)):
        _sign_in(client, RIGHT)
        assert not _signed_in(client)
    with clock.at(clock.now() + timedelta(minutes=16)):
        assert _sign_in(client, RIGHT).status_code == 302
    assert _signed_in(client)
    [unlocked] = AuditEvent.objects.filter(action="account.unlocked")
    assert unlocked.object_id == str(account.pk)
    assert not SignInGuard.objects.filter(key="account:resident-lock").exists()


def test_old_failures_are_forgotten_and_a_success_starts_the_count_again(
        client: Client, account: Any) -> None:
    for _i in range(4):
        _sign_in(client, "wrong")
    with clock.at(clock.now() + timedelta(minutes=20)):
        _sign_in(client, "wrong")  # the first of a new period, not the fifth
        assert SignInGuard.objects.get(key="account:resident-lock").locked_until is None
        assert _sign_in(client, RIGHT).status_code == 302
    assert not SignInGuard.objects.filter(key="account:resident-lock").exists()


def test_one_address_trying_many_accounts_is_throttled(client: Client, account: Any) -> None:
    for i in range(20):
        _sign_in(client, "guess", username=f"someone-{i}", address="10.0.0.9")
    page = _sign_in(client, RIGHT, address="10.0.0.9").content.decode()
    assert "锁定" in page and not _signed_in(client)
    # the resident on another phone is not locked out by the attacker's address
    assert _sign_in(Client(), RIGHT, address="10.0.0.10").status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_parallel_wrong_passwords_are_each_counted_and_lock_once(account: Any) -> None:
    results = run_together([lambda: record_failure("resident-lock", "")
                            for _i in range(8)])
    assert all(r is None for r in results), results
    assert SignInGuard.objects.get(key="account:resident-lock").failures == 8
    assert AuditEvent.objects.filter(action="account.locked").count() == 1
