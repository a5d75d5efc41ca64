from django.contrib import admin

from .models import CatalogueItem, ConsultSettings, MajorityRule, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "source", "mandatory", "state", "created_at"]
    list_filter = ["state", "source", "mandatory"]
    raw_id_fields = ["community", "proposer"]

    # States move only through the services (and their audit events).
    readonly_fields = ["state", "mandatory", "source"]


@admin.register(ConsultSettings)
class ConsultSettingsAdmin(admin.ModelAdmin):
    """Per community: days' notice, days on the notice board, the quorum share."""

    list_display = ["community", "notice_days", "publication_days", "quorum_num", "quorum_den"]
    raw_id_fields = ["community"]


@admin.register(MajorityRule)
class MajorityRuleAdmin(admin.ModelAdmin):
    """The majority rule per community and form (default: more than half of those present)."""

    list_display = ["community", "form", "share_num", "share_den", "strict", "base"]
    list_filter = ["base", "strict"]
    raw_id_fields = ["community"]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    """The consultation catalogue (事项目录清单); a community's rows replace the default list."""

    list_display = ["community", "position", "code", "title", "major", "technical", "active"]
    list_filter = ["major", "technical", "active"]
    raw_id_fields = ["community"]
