"""Intake in the admin: the subcategories are edited here; opinions, joint proposals and
their signatures move only through the services (deadlines, thresholds, one audit event
each), so their pages only show them."""

from django.contrib import admin

from yishi.core.admin import ReadOnlyAdmin

from .models import JointProposal, Opinion, OpinionStep, Signature, Subcategory


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "community", "category", "state", "due_date"]
    list_filter = ["state", "category"]
    search_fields = ["number", "title"]
    list_select_related = ["community"]


@admin.register(OpinionStep)
class OpinionStepAdmin(ReadOnlyAdmin):
    list_display = ["opinion", "action", "from_state", "to_state", "at"]
    list_select_related = ["opinion"]


@admin.register(JointProposal)
class JointProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "state", "resident_signatures",
                    "representative_signatures"]
    list_filter = ["state"]
    list_select_related = ["community"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "person", "is_representative", "signed_at", "withdrawn_at"]
    list_select_related = ["proposal", "person"]


admin.site.register(Subcategory)
