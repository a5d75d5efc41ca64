from django.contrib import admin

from .models import JointProposal, Opinion, Signature, Subcategory


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "community", "category", "state", "due_date"]
    list_filter = ["state", "category"]
    search_fields = ["number", "title"]
    raw_id_fields = ["community", "place", "raised_by", "recorded_by", "subcategory"]


@admin.register(JointProposal)
class JointProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "state", "resident_signatures",
                    "representative_signatures"]
    list_filter = ["state"]
    raw_id_fields = ["community", "proposer"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["proposal", "person", "is_representative", "signed_at", "withdrawn_at"]
    raw_id_fields = ["proposal", "person"]


admin.site.register(Subcategory)
