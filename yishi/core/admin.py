from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from . import clock
from .models import AuditEvent, CalendarDay, CalendarYear, Delivery, Reminder
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
