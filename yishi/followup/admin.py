"""Read-only admin: follow-up records change only through the services (audited)."""

from __future__ import annotations

from django.contrib import admin

from yishi.core.admin import ReadOnlyAdmin

from .models import (
    Correction,
    Dissent,
    DissentExplanation,
    EntrustedAnswer,
    FollowupSettings,
    ImplementationTask,
    LegalOpinion,
    TaskProgress,
)

for model in (ImplementationTask, TaskProgress, Dissent, DissentExplanation, EntrustedAnswer,
              Correction, LegalOpinion):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(FollowupSettings)
class FollowupSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("place", "answer_days")
    raw_id_fields = ("place",)
