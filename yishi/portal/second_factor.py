"""The second factor (TOTP, ``django-otp``) for the administrators and the Django admin.

GB/T 22239-2019 8.1.4.1 (身份鉴别): an administrator proves who he is with the password
and a six-digit code from an authenticator app on his phone (any RFC 6238 app: 微信小程序
"腾讯身份验证器", Google or Microsoft Authenticator, FreeOTP). The first time, the page
shows a QR code to scan and asks for one code to confirm it; after that it asks for the
code at each sign-in. Wrong codes wait 1, 2, 4, 8 … seconds (django-otp's throttle), a
code is good once, and enrolment and every wrong code are audit events. A lost phone:
the security administrator removes the device in the admin and the holder enrols again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_otp
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from yishi.core import audit
from yishi.core.services import duty_of
from yishi.disclosure.documents import qr_data_uri

# Pages an account that still owes its second factor may open.
ALLOWED = ("second_factor", "logout", "session_keepalive", "set_language")
ADMINISTRATOR = "_yishi_administrator"


def note_administrator(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in (one query): does this account hold an administrator duty?"""
    if hasattr(request, "session"):
        request.session[ADMINISTRATOR] = duty_of(user) is not None


def needs_second_factor(request: HttpRequest) -> bool:
    """An administrator not verified in this session (no query on other users' pages)."""
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    session = request.session
    if ADMINISTRATOR not in session:  # a session from before this rule: find out once
        session[ADMINISTRATOR] = duty_of(user) is not None
    return bool(session[ADMINISTRATOR])


class SecondFactorMiddleware:
    """An administrator opens no page before the second factor (after OTPMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The admin asks for the code itself (yishi.core.adminsite.YishiAdminSite.login).
        if (not request.path_info.startswith(("/static/", "/admin/"))
                and needs_second_factor(request)):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in ALLOWED:
                return redirect(f"{reverse('second_factor')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code"), max_length=12, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "autofocus": True}))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits your authenticator app "
                                          "shows now."))
        return code


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return reverse("admin:index") if duty_of(request.user) else reverse("home")


def _device(user: Any) -> tuple[TOTPDevice, bool]:
    """The account's confirmed device, or the one it is enrolling (made on first visit)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed, False
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="Yishi", confirmed=False)
    return pending, True


def _throttled(device: TOTPDevice) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    if until is None:
        return _("Too many wrong codes. Wait a moment and try again.")
    return _("Too many wrong codes. Try again after %(time)s.") % {
        "time": formats.time_format(timezone.localtime(until), "H:i:s")}


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    target = _next(request)
    if user.is_verified():
        return redirect(target)
    device, enrolling = _device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = _throttled(device)
        if refusal is None:
            verified = django_otp.verify_token(user, device.persistent_id,
                                               form.cleaned_data["code"])
            if verified is not None:
                with transaction.atomic():
                    if enrolling:
                        verified.confirmed = True
                        verified.save(update_fields=["confirmed"])
                        audit.record(actor=user, action="account.second_factor_enrolled",
                                     obj=verified)
                django_otp.login(request, verified)
                return redirect(target)
            with transaction.atomic():
                audit.record(actor=user, action="account.second_factor_failed", obj=device)
            refusal = _("That code is not right. Enter the code your app shows now; each "
                        "code is good for 30 seconds and only once.")
        form.add_error("code", refusal)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": target}
    if enrolling:
        context["qr"] = qr_data_uri(device.config_url)
        secret = _b32(device.bin_key)
        context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render(request, "portal/second_factor.html", context)


def _b32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
