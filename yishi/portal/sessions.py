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

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

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


# --- A password set by someone else is changed first -------------------------------------

DUE = "_yishi_password_due"
ALLOWED = ("password_change", "password_change_done", "password_new", "logout",
           "session_keepalive", "set_language", "second_factor")  # an administrator's code comes first


def note_password_due(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in (one query): is this account's password one that staff set?"""
    from yishi.core.models import PasswordDue

    if hasattr(request, "session"):
        request.session[DUE] = PasswordDue.objects.filter(user_id=user.pk).exists()


class PasswordDueMiddleware:
    """Until its holder chose their own password, an account opens only the change page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(DUE) and request.user.is_authenticated:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in ALLOWED and not request.path_info.startswith("/static/"):
                messages.warning(request, _("Your password was set by the community office. "
                                            "Choose your own before you go on."))
                return redirect("password_change")
        return self.get_response(request)
