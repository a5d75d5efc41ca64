"""The site's own "not found" and "something went wrong" pages, in development too.

With ``DEBUG`` on (``make demo``), Django answers a missing page or a crash with its
technical pages, in English, listing the URL patterns or the traceback: what a developer
wants and what a resident trying the demo should never see. ``FriendlyErrorsMiddleware``
(first in ``MIDDLEWARE`` when ``DEBUG`` is on and ``YISHI_DEBUG_PAGES`` is not) answers both
with ``404.html`` and ``500.html`` instead, as production does; the traceback still goes to
the console log. ``YISHI_DEBUG_PAGES=1`` keeps Django's pages for debugging.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader


class FriendlyErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (404, 500) and _technical(response):
            # The 404 page has the site's header (render with the request); the 500 page
            # stands alone, as Django's handler500 renders it.
            page = loader.render_to_string(f"{response.status_code}.html",
                                           request=request if response.status_code == 404
                                           else None)
            return HttpResponse(page, status=response.status_code)
        return response


def _technical(response: HttpResponse) -> bool:
    """Django's technical page (DEBUG on), which says so of itself; a page of ours, a file
    or a JSON answer passes untouched."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b"DEBUG = True" in getattr(response, "content", b"")
