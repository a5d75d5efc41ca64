from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import clock, services
from .exceptions import RuleViolation
from .models import (
    AdminDuty,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Delivery,
    Reminder,
    SignInGuard,
)
from .refusals import refusal_of, show_refusal
from .workdays import calendar_update_message


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record only the services change (each change one audit event): the admin shows it
    and its list, and adds, changes or deletes nothing, so no admin edit can do what the
    services would refuse (issue 10, item 6)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """The inline counterpart of ``ReadOnlyAdmin``."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """An admin form that refuses as the service behind it would.

    ``actor`` is the signed-in user (set per request by ``ThroughServices``); ``clean()``
    of a subclass calls the service's ``check_*`` twin and hands a ``RuleViolation`` to
    ``refuse``, so the page shows the message and its clause in words and saves nothing.
    """

    actor: Any = None

    def refuse(self, error: RuleViolation, field: str | None = None) -> None:
        self.add_error(field, ValidationError(refusal_of(error).text,
                                              code=error.rule or "input"))


def _with_actor(form: type[forms.BaseForm], request: HttpRequest) -> type[forms.BaseForm]:
    return type(form.__name__, (form,), {"actor": request.user})


class ThroughServices:
    """For a ModelAdmin whose saves call the services (issue 10, item 6).

    Its forms know the actor; ``save_model``/``save_formset`` of the admin call the
    service. Should the service still refuse (someone changed the same rows between the
    form's check and the save), the admin's transaction is rolled back, so nothing of
    the save — not even the admin's own log entry — is written, and the refusal comes
    back as a message on the same page.
    """

    # The services write the audit events; the admin site adds none of its own.
    audited_by_services = True

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        return _with_actor(form, request)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().changeform_view(  # type: ignore[misc,no-any-return]
                request, object_id, form_url, extra_context)
        except RuleViolation as error:
            show_refusal(request, refusal_of(error))
            return HttpResponseRedirect(request.get_full_path())


class ThroughServicesInline:
    """For an inline whose rows the parent admin saves through the services."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = _with_actor(formset.form, request)
        return formset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        # Tell the administrator which years still need the State Council's schedule.
        message = calendar_update_message(clock.localdate())
        if message:
            messages.warning(request, message)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["notification"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_type", "object_id", "sent_at"]
    list_filter = ["kind"]


# --- Accounts and the three administrators (三员分立) ---------------------------------------


class AdminDutyForm(ServiceForm):
    class Meta:
        model = AdminDuty
        fields = ["user", "duty"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not self.errors:
            try:
                services.check_grant_duty(actor=self.actor, user=cleaned["user"],
                                          duty=cleaned["duty"])
            except RuleViolation as error:
                self.refuse(error)
        return cleaned


@admin.register(AdminDuty)
class AdminDutyAdmin(ThroughServices, admin.ModelAdmin):  # type: ignore[type-arg]
    """Who holds which duty. The superuser grants and ends them at installation (so does
    ``manage.py admin_duty`` on the server); the security administrator sees the list."""

    list_display = ["user", "duty", "granted_at", "ended_at"]
    list_filter = ["duty"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    form = AdminDutyForm
    actions = ["end"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a duty is ended, so the record says who held it when

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if not getattr(request.user, "is_superuser", False):
            actions.pop("end", None)
        return actions

    def save_model(self, request: HttpRequest, obj: AdminDuty, form: Any, change: bool) -> None:
        saved = services.grant_duty(actor=request.user, user=form.cleaned_data["user"],  # type: ignore[arg-type]
                                    duty=form.cleaned_data["duty"])
        obj.pk, obj.granted_at = saved.pk, saved.granted_at
        obj._state.adding = False

    @admin.action(description=gettext_lazy("End the duty"))
    def end(self, request: HttpRequest, queryset: Any) -> None:
        for row in queryset.filter(ended_at__isnull=True):
            services.end_duty(actor=request.user, row=row)  # type: ignore[arg-type]


@admin.register(SignInGuard)
class SignInGuardAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Failed sign-ins and locks; deleting one lifts the lock (an audit event)."""

    list_display = ["key", "failures", "window_start", "locked_until"]
    search_fields = ["key"]
    readonly_fields = ["key", "failures", "window_start", "locked_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _is_administrator(user: Any) -> bool:
    return bool(user.is_superuser) or services.duty_of(user) is not None


class TOTPDeviceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Second-factor devices, their secret never shown. Removing one lets its holder enrol
    again (a lost phone); an administrator's own device is the installer's to remove."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "confirmed", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the holder enrols on his own phone; nobody else learns the key

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _is_administrator(obj.user) and not request.user.is_superuser:  # type: ignore[union-attr]
            return False
        return super().has_delete_permission(request, obj)


admin.site.register(TOTPDevice, TOTPDeviceAdmin)


class YishiUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Accounts, kept by the security administrator. He cannot make anyone a superuser or
    give an account permissions (a duty's permissions are fixed: ``yishi.portal.duties``),
    nor change an administrator's account; an account is deactivated, never deleted (the
    audit log names its actors)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:  # type: ignore[union-attr]
            fields += ["is_superuser", "is_staff", "groups", "user_permissions",
                       "last_login", "date_joined"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if (obj is not None and not request.user.is_superuser  # type: ignore[union-attr]
                and _is_administrator(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), YishiUserAdmin)
