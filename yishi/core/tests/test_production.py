"""Safe production defaults (issue 11, item 7): DEBUG off unless asked for, no start on the
development keys, one HTTPS switch, ``check --deploy`` clean, error pages in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation

from yishi import urls as site_urls

MANAGE = str(Path(__file__).resolve().parents[3] / "manage.py")

# The documented production configuration (README, "Deployment").
PRODUCTION = {
    "YISHI_SECRET_KEY": "k8Qw3-4nR7vT1zX0bY6mP2sL9dF5gH8jK3lZ7xC1vB4nM6qW9eR2tY5uI8oP0aS",
    "YISHI_AUDIT_KEY": "a-long-random-audit-key-kept-outside-the-database-0123456789",
    "YISHI_DATA_KEY": "another-long-random-key-for-the-personal-numbers-9876543210",
    "YISHI_ALLOWED_HOSTS": "yishi.example.gov.cn",
    "YISHI_CSRF_TRUSTED_ORIGINS": "https://yishi.example.gov.cn",
    "YISHI_HTTPS": "1",
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("YISHI_") and k not in (
               "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DJANGO_SETTINGS_MODULE": "yishi.settings", "YISHI_VAR_DIR": str(tmp_path),
                "PYTHONPATH": str(Path(MANAGE).parent)})
    env.update(extra)
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_reports_nothing_in_the_production_configuration(tmp_path: Path) -> None:
    proc = _run(_env(tmp_path, **PRODUCTION), MANAGE, "check", "--deploy",
                "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_without_https_check_deploy_names_the_cookies_hsts_and_redirect(tmp_path: Path) -> None:
    env = _env(tmp_path, **{**PRODUCTION, "YISHI_HTTPS": "0"})
    proc = _run(env, MANAGE, "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in proc.stderr + proc.stdout


@pytest.mark.parametrize("missing, named", [
    ("YISHI_SECRET_KEY", "yishi.E001"),
    ("YISHI_AUDIT_KEY", "yishi.E002"),
    ("YISHI_DATA_KEY", "yishi.E004"),
])
def test_production_refuses_to_start_without_its_keys(tmp_path: Path, missing: str,
                                                      named: str) -> None:
    env = _env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != missing})
    check = _run(env, MANAGE, "check", "--deploy")
    assert check.returncode != 0 and named in check.stderr and missing in check.stderr
    wsgi = _run(env, "-c", "import yishi.wsgi")
    assert wsgi.returncode != 0
    assert "ImproperlyConfigured" in wsgi.stderr and missing in wsgi.stderr
    # the same keys present: the WSGI application loads
    assert _run(_env(tmp_path, **PRODUCTION), "-c", "import yishi.wsgi").returncode == 0


@pytest.mark.parametrize("data_key, named", [
    ("yishi-development-data-key-not-for-production", "yishi.E004"),
    ("short-data-key", "yishi.E005"),
    (PRODUCTION["YISHI_AUDIT_KEY"], "yishi.E006"),
])
def test_production_refuses_a_development_short_or_borrowed_data_key(
        tmp_path: Path, data_key: str, named: str) -> None:
    env = _env(tmp_path, **{**PRODUCTION, "YISHI_DATA_KEY": data_key})
    check = _run(env, MANAGE, "check", "--deploy")
    assert check.returncode != 0 and named in check.stderr
    wsgi = _run(env, "-c", "import yishi.wsgi")
    assert wsgi.returncode != 0 and "YISHI_DATA_KEY" in wsgi.stderr


def test_the_data_key_may_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "data.key"
    key_file.write_text(PRODUCTION["YISHI_DATA_KEY"] + "\n")
    env = _env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "YISHI_DATA_KEY"},
               YISHI_DATA_KEY_FILE=str(key_file))
    assert _run(env, "-c", "import yishi.wsgi").returncode == 0
    show = "from django.conf import settings; print(settings.YISHI_DATA_KEY)"
    assert _run(env, "-c", show).stdout.strip() == PRODUCTION["YISHI_DATA_KEY"]
    unreadable = _env(tmp_path, YISHI_DATA_KEY_FILE=str(tmp_path / "missing.key"))
    proc = _run(unreadable, "-c", show)
    assert proc.returncode != 0 and "YISHI_DATA_KEY_FILE cannot be read" in proc.stderr


def test_debug_is_off_unless_asked_for_and_the_demo_asks(tmp_path: Path) -> None:
    show = "from django.conf import settings; import django; django.setup(); " \
           "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    assert _run(_env(tmp_path), "-c", show).stdout.split() == ["False", "False"]
    assert _run(_env(tmp_path, YISHI_DEBUG="1"), "-c", show).stdout.split()[0] == "True"
    assert _run(_env(tmp_path, YISHI_HTTPS="1"), "-c", show).stdout.split() == [
        "False", "True"]
    makefile = (Path(MANAGE).parent / "Makefile").read_text()
    assert "demo: export YISHI_DEBUG ?= 1" in makefile


# --- Error pages -----------------------------------------------------------------------------


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a secret detail that must not reach the page")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *site_urls.urlpatterns]


@pytest.mark.django_db
def test_not_found_is_a_chinese_page_without_details(client: Client) -> None:
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'data-testid="error-404"' in page
    assert "Traceback" not in page and "urlpatterns" not in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_chinese_page_without_the_traceback() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "出错" in page and "未保存" in page
    assert "secret detail" not in page and "Traceback" not in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_forbidden_is_a_chinese_page(client: Client) -> None:
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_says_so_in_chinese_and_saves_nothing(client: Client) -> None:
    from django.contrib.auth import get_user_model

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in page and "未保存" in page
    assert "CSRF verification failed" not in page and "Traceback" not in page
    assert get_user_model().objects.count() == 0
    # and in English for a browser that asks for it
    with translation.override("zh-hans"):  # the middleware's "en" ends with this test
        response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
