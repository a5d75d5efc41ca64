"""The Django admin, with every change it makes written to the audit chain.

``YishiAdminConfig`` replaces ``django.contrib.admin`` in ``INSTALLED_APPS``; its site
registers every ``ModelAdmin`` (Yishi's, ``auth``'s, any app's) with ``AuditedAdmin``
mixed in, so an addition, a change (a password set by an administrator included) or a
deletion made in the admin is one audit event in the same transaction, beside Django's
own ``LogEntry``. Records only the services may change are read-only there
(``yishi.core.admin.ReadOnlyAdmin``). GB/T 22239-2019 L2 安全审计.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _


def _changed_fields(message: Any) -> list[str]:
    """The names of the changed fields, never their values (no personal data in the log)."""
    fields: list[str] = []
    for part in message if isinstance(message, list) else []:
        for value in part.values() if isinstance(part, dict) else []:
            if isinstance(value, dict):
                fields.extend(str(f) for f in value.get("fields", []))
    return fields


class AuditedAdmin:
    """Mixed into every registered ``ModelAdmin`` by ``YishiAdminSite``."""

    def _audit(self, request: HttpRequest, action: str, obj: models.Model,
               after: dict[str, Any]) -> None:
        if getattr(self, "audited_by_services", False):
            return  # its saves call the services, which write the events
        from . import audit  # not at import: this module loads before the models

        with transaction.atomic():  # inside the admin's own transaction where it has one
            audit.record(actor=request.user, action=action, obj=obj,  # type: ignore[arg-type]
                         after=after)  # the admin lets in signed-in staff only

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit(request, "admin.add", obj, {"via": "admin"})
        _password_set_by_staff(obj)
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        fields = _changed_fields(message)
        self._audit(request, "admin.change", obj, {"via": "admin", "fields": fields})
        if any(f.lower() == "password" for f in fields):
            _password_set_by_staff(obj)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)  # type: ignore[misc]
        for obj in queryset:
            self._audit(request, "admin.delete", obj, {"via": "admin", "was": str(obj.pk)})
        return entries


def _password_set_by_staff(obj: models.Model) -> None:
    """An account made, or a password set, by staff: its holder changes it at first sign-in."""
    from django.contrib.auth import get_user_model

    from .models import PasswordDue

    if isinstance(obj, get_user_model()) and obj.pk:
        PasswordDue.objects.get_or_create(user_id=obj.pk)


class YishiAdminSite(admin.AdminSite):
    """Open to the three administrators (三员分立) and, until they are all appointed, the
    superuser; to each only after the second factor (GB/T 22239-2019 8.1.4.1)."""

    def has_permission(self, request: HttpRequest) -> bool:
        return admin_refusal(request) is None

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Signing in happens on Yishi's own page; the admin then asks for the second
        factor, or says why it stays closed."""
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        reason = admin_refusal(request)
        if reason is None:
            return redirect(target)
        if reason == "signed_out":
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(target, reverse("login"))
        if reason == "unverified":
            return redirect(f"{reverse('second_factor')}?{urlencode({'next': target})}")
        return render(request, "admin_closed.html", {"message": ADMIN_REFUSALS[reason]},
                      status=403)

    def register(self, model_or_iterable: Any, admin_class: Any = None,
                 **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedAdmin):
            base = type(base.__name__, (AuditedAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)


ADMIN_REFUSALS = {
    "not_admin": _("Only the system, security and audit administrators use the "
                   "administration. Your work is on Yishi's own pages."),
    "installed": _("The system, security and audit administrators have been appointed, "
                   "so the superuser is no longer used here (GB/T 22239-2019, separation "
                   "of duties). Sign in with your administrator account."),
}


def admin_refusal(request: HttpRequest) -> str | None:
    """Why the admin stays closed to this request's user, or None when it opens."""
    from .models import AdminDuty  # not at import: this module loads before the models
    from .services import duty_of

    user: Any = request.user
    if not (user.is_authenticated and user.is_active):
        return "signed_out"
    if user.is_superuser:
        held = set(AdminDuty.objects.filter(ended_at__isnull=True, user__is_active=True)
                   .values_list("duty", flat=True))
        if len(held) == 3:
            return "installed"
    elif duty_of(user) is None:
        return "not_admin"
    verified = getattr(user, "is_verified", None)
    if verified is None or not verified():
        return "unverified"
    return None


class YishiAdminConfig(AdminConfig):
    default_site = "yishi.core.adminsite.YishiAdminSite"
