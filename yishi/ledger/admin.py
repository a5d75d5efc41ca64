from django.contrib import admin

from .models import ExportJob, LedgerSettings


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(admin.ModelAdmin):
    list_display = ["community", "min_consultations", "min_councils", "min_representatives",
                    "min_residents"]
    raw_id_fields = ["community"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["place", "year", "format", "status", "done", "total", "created_at"]
    list_filter = ["status", "format"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
