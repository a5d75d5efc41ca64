from django.contrib import admin

from .models import (
    CommitteeMembership,
    CommunitySettings,
    Household,
    Person,
    PersonalData,
    Place,
    Role,
)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]


@admin.register(CommunitySettings)
class CommunitySettingsAdmin(admin.ModelAdmin):
    list_display = ["community", "opinion_answer_days", "voting_age"]
    raw_id_fields = ["community"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "place", "community"]
    search_fields = ["number"]
    raw_id_fields = ["community", "place"]


class PersonalDataInline(admin.StackedInline):
    model = PersonalData
    can_delete = False


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    raw_id_fields = ["place"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "birth_date", "community", "household"]
    list_filter = ["gender"]
    search_fields = ["name", "personal__phone", "personal__id_number"]
    raw_id_fields = ["community", "household", "user"]
    inlines = [PersonalDataInline, RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "place", "start", "end"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "place"]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(admin.ModelAdmin):
    list_display = ["community", "seat", "person", "term_start", "term_end", "ended_on"]
    list_filter = ["seat"]
    raw_id_fields = ["community", "person"]
