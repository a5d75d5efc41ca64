from django.contrib import admin, messages

from . import clock
from .models import AuditEvent, CalendarDay, CalendarYear, Delivery, Reminder
from .workdays import calendar_update_message


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


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
