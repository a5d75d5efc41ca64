from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "source", "mandatory", "state", "created_at"]
    list_filter = ["state", "source", "mandatory"]
    raw_id_fields = ["community", "proposer"]
