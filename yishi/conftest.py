"""Shared fixtures: a place tree, a resident and staff of each community, a township official."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run from a thread with a running loop unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Checkpoint files a test writes go to its own directory, never to var/."""
    settings.YISHI_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _sign_ins_unaudited(request):  # type: ignore[no-untyped-def]
    """A test's ``client.login`` is set-up, not the action under test: its sign-in writes no
    audit event (which would show up in the "nothing written" counts), unless the test is
    marked ``audits_sign_ins``."""
    if request.node.get_closest_marker("audits_sign_ins"):
        yield
        return
    from django.contrib.auth import signals

    from yishi.core import signins

    signals.user_logged_in.disconnect(dispatch_uid="yishi-sign-in")
    signals.user_logged_out.disconnect(dispatch_uid="yishi-sign-out")
    try:
        yield
    finally:
        signals.user_logged_in.connect(signins.signed_in, dispatch_uid="yishi-sign-in")
        signals.user_logged_out.connect(signins.signed_out, dispatch_uid="yishi-sign-out")


@pytest.fixture(autouse=True)
def _figures_refreshed_at_once(settings):  # type: ignore[no-untyped-def]
    """The worker adds the districts' and the city's sums up as soon as it is run (the
    delay a deployment waits has a test of its own, in ledger/tests/test_figures.py)."""
    settings.YISHI_FIGURES_DELAY = 0


@pytest.fixture(autouse=True)
def _cache_cleared():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: ids come round again between tests (SQLite
    reuses them after a rollback), so a fragment kept by one could answer the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _language_of_the_site():  # type: ignore[no-untyped-def]
    """Each test starts in the site's language: a request of an earlier test (an English
    cookie) leaves its language active in the thread, and commands print in it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def verify_second_factor(client, user):  # type: ignore[no-untyped-def]
    """The client's session has passed the second factor (a confirmed TOTP device), as an
    administrator's has after the code page (yishi/portal/second_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="test", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def admin_client(db, admin_user, client):  # type: ignore[no-untyped-def]
    """pytest-django's, past the second factor the Django admin asks for."""
    client.force_login(admin_user)
    verify_second_factor(client, admin_user)
    return client


@pytest.fixture
def tree(db):  # type: ignore[no-untyped-def]
    from yishi.places.tests.factories import place_tree

    return place_tree()


@pytest.fixture
def people(tree):  # type: ignore[no-untyped-def]
    """Residents and staff of community A and village B, and a street official over both."""
    from yishi.places.models import RoleKind
    from yishi.places.tests.factories import resident, staff

    return {
        "resident_a": resident(tree["a"], username="resident_a", name="王小明"),
        "resident_b": resident(tree["b"], username="resident_b", name="李大山"),
        "staff_a": staff(tree["a"], username="staff_a"),
        "staff_b": staff(tree["b"], username="staff_b"),
        "township": staff(tree["street"], username="township", kind=RoleKind.TOWNSHIP),
        "courier_a": staff(tree["a"], username="courier_a", kind=RoleKind.COURIER),
    }


CHROMIUM = os.environ.get("YISHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def new_page(chromium, live_server):  # type: ignore[no-untyped-def]
    """Open a fresh browser context (its own cookies) at a phone-sized viewport."""
    contexts = []

    def make(viewport: dict[str, int] | None = None, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
        ctx = chromium.new_context(
            viewport=viewport or {"width": 390, "height": 844}, locale=locale,
            base_url=live_server.url,
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def login(page, username: str, password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real form."""
    from yishi.places.tests.factories import PASSWORD

    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
