"""Sessions end after ``SESSION_COOKIE_AGE`` without activity: each request renews it.

Django's ``SESSION_SAVE_EVERY_REQUEST`` would write the session on every request; this
middleware writes it at most every ``RENEW_AFTER`` seconds of a user's requests, which
keeps the idle limit to within those seconds while list pages stay at their query counts.
The stamp is set at sign-in (``stamp_sign_in``), so the first pages cost nothing either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

RENEW_AFTER = 10  # seconds
KEY = "_yishi_renewed"


def stamp_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if hasattr(request, "session"):
        request.session[KEY] = int(time.time())


class RenewOnActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(KEY, 0)) >= RENEW_AFTER:
                session[KEY] = now  # modified: the session middleware saves it, expiry anew
        return self.get_response(request)
