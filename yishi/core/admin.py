from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from . import clock
from .exceptions import RuleViolation
from .models import AuditEvent, CalendarDay, CalendarYear, Delivery, Reminder
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
