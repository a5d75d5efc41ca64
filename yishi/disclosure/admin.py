"""Read-only admin: notices and disclosures change only through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from yishi.core.admin import ReadOnlyAdmin

from .models import (
    DisclosureContent,
    DisclosureItem,
    DisclosureReview,
    DisclosureSettings,
    LostWorkSubsidy,
    Notice,
    NoticeAttachment,
)


class AttachmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NoticeAttachment
    extra = 0
    can_delete = False
    readonly_fields = ("name", "content_type", "size", "file")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "kind", "starts_on", "ends_on", "issuer")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "starts_on"
    list_select_related = ("community",)
    exclude = ("search_text",)
    inlines = [AttachmentInline]


@admin.register(DisclosureItem)
class DisclosureItemAdmin(ReadOnlyAdmin):
    list_display = ("community", "kind", "period_label", "due_on", "published_at", "reminded_at",
                    "escalated_at")
    list_filter = ("kind",)
    list_select_related = ("community",)


@admin.register(DisclosureContent)
class DisclosureContentAdmin(ReadOnlyAdmin):
    list_display = ("item", "code", "ticked", "name", "recorded_at")
    list_select_related = ("item", "item__community")


@admin.register(DisclosureReview)
class DisclosureReviewAdmin(ReadOnlyAdmin):
    list_display = ("item", "decision", "reviewed_at")
    list_filter = ("decision",)
    list_select_related = ("item", "item__community")


@admin.register(DisclosureSettings)
class DisclosureSettingsAdmin(ReadOnlyAdmin):
    list_display = ("community", "finance_cadence")
    list_select_related = ("community",)


@admin.register(LostWorkSubsidy)
class LostWorkSubsidyAdmin(ReadOnlyAdmin):
    list_display = ("community", "payee", "amount", "paid_on", "disclosure")
    list_select_related = ("community", "disclosure")
