"""In development (DEBUG on) a missing page and a crash show the site's own pages in
Chinese, not Django's technical ones (yishi/core/errors.py)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from yishi.core.errors import FriendlyErrorsMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_site(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.MIDDLEWARE = ["yishi.core.errors.FriendlyErrorsMiddleware", *settings.MIDDLEWARE]


def test_a_missing_page_in_development_is_the_sites_own(client: Client, debug_site) -> None:  # type: ignore[no-untyped-def]
    for url in ("/no-such-page/", "/public/99999999/"):  # no pattern; a view's Http404
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 404, url
        assert "页面不存在" in html or "找不到" in html, url
        assert "DEBUG = True" not in html and "URLconf" not in html, url


def test_a_crash_in_development_is_the_sites_own_page(debug_site) -> None:  # type: ignore[no-untyped-def]
    technical = HttpResponse(b"<h1>ValueError</h1> You're seeing this error because you have "
                             b"<code>DEBUG = True</code>", status=500)
    page = FriendlyErrorsMiddleware(lambda r: technical)(RequestFactory().get("/x/"))
    html = page.content.decode()
    assert page.status_code == 500 and "ValueError" not in html
    assert 'data-testid="error-500"' in html and "系统出错了" in html


def test_files_json_and_the_sites_own_pages_pass_untouched() -> None:
    own = HttpResponse(b"<p>\xe6\x9c\xaa\xe6\x89\xbe\xe5\x88\xb0</p>", status=404)
    as_json = HttpResponse(b'{"detail": "DEBUG = True"}', status=404,
                           content_type="application/json")
    for response in (own, as_json, HttpResponse(b"ok")):
        assert FriendlyErrorsMiddleware(lambda r, x=response: x)(
            RequestFactory().get("/")) is response
