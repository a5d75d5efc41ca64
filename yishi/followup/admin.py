"""Read-only admin: follow-up records change only through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for model in (ImplementationTask, TaskProgress, Dissent, DissentExplanation, EntrustedAnswer,
              Correction, LegalOpinion):
    admin.site.register(model, ReadOnly)


@admin.register(FollowupSettings)
class FollowupSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("place", "answer_days")
    raw_id_fields = ("place",)
