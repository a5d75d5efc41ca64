"""Places in the admin. Roles and committee seats save through the services: the same
refusals as the pages (each shown on the form, nothing written) and one audit event per
grant, appointment or end. They are ended, never deleted (issue 10, item 6)."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yishi.core.admin import ServiceForm, ThroughServices, ThroughServicesInline
from yishi.core.crypto import blind_index, normalise_id_number, normalise_phone
from yishi.core.exceptions import RuleViolation
from yishi.core.refusals import refusal_of

from . import services
from .forms import PlaceChoiceField
from .models import (
    CommitteeMembership,
    CommunitySettings,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    ReferralDepartment,
    Role,
)
from .rules import is_valid_id_number, is_valid_phone


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


@admin.register(ReferralDepartment)
class ReferralDepartmentAdmin(admin.ModelAdmin):
    """转办部门: each street's list, in its order; one no longer used is made inactive (the
    opinions referred to it keep it), so none is deleted here."""

    list_display = ["name", "street", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "street__name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if db_field.name == "street":  # the streets as the tree, under their districts
            return PlaceChoiceField(queryset=Place.objects.filter(kind=PlaceKind.STREET),
                                    label=db_field.verbose_name, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "place", "community"]
    search_fields = ["number"]
    raw_id_fields = ["community", "place"]


# --- Roles ---------------------------------------------------------------------------------

# Once granted, a role's holder, place, kind and start stay as granted; only its end moves
# (earlier), through ``services.end_role``.
ROLE_FIXED = ["person", "place", "kind", "start"]


class RoleForm(ServiceForm):
    """A new role is checked as ``grant_role`` checks it; a new end as ``end_role`` does."""

    class Meta:
        model = Role
        fields = ["person", "place", "kind", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # an inline row of a granted role: its end only
            for name in ROLE_FIXED:
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                person = cleaned.get("person") or (
                    self.instance.person if self.instance.person_id else None)
                if person is None or person.pk is None:
                    return cleaned  # a person added on this page: checked when saved
                services.check_grant_role(actor=self.actor, person=person,
                                          kind=cleaned["kind"], place=cleaned["place"],
                                          start=cleaned["start"], end=cleaned.get("end"))
            elif "end" in self.changed_data:
                services.check_end_role(actor=self.actor, role=self.instance,
                                        on=cleaned.get("end"))
        except RuleViolation as error:
            self.refuse(error)
        return cleaned


def _save_role(request: HttpRequest, form: RoleForm, person: Person) -> Role | None:
    """Grant the form's new role, or end its role on the new date; None if unchanged."""
    data = form.cleaned_data
    if form.instance.pk is None:
        return services.grant_role(actor=request.user, person=person, kind=data["kind"],
                                   place=data["place"], start=data["start"],
                                   end=data.get("end"))
    if "end" in form.changed_data:
        return services.end_role(actor=request.user, role=form.instance, on=data["end"])
    return None


class RoleInline(ThroughServicesInline, admin.TabularInline):  # type: ignore[type-arg]
    model = Role
    form = RoleForm
    extra = 0
    can_delete = False
    raw_id_fields = ["place"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalDataForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PersonalData
        fields = ["phone", "id_number"]

    def clean_id_number(self) -> str | None:
        # The uniqueness lies on the blind index, which the form does not hold: checked
        # here with Django's own message, rather than as an IntegrityError on save.
        value = self.cleaned_data.get("id_number") or None
        if value and (PersonalData.objects.with_id_number(value)
                      .exclude(pk=self.instance.pk).exists()):
            raise ValidationError(self.instance.unique_error_message(PersonalData, ["id_number"]))
        return value


class PersonalDataInline(admin.StackedInline):  # type: ignore[type-arg]
    model = PersonalData
    form = PersonalDataForm
    can_delete = False


@admin.register(Person)
class PersonAdmin(ThroughServices, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "gender", "birth_date", "community", "household"]
    list_filter = ["gender"]
    # Phone and ID numbers are encrypted: a whole number is found through its blind index
    # (get_search_results), never a part of one.
    search_fields = ["name"]
    raw_id_fields = ["community", "household", "user"]
    inlines = [PersonalDataInline, RoleInline]

    # Without ``places.view_personaldata`` (the security administrator picking a role's
    # holder): one person at a time by name, with the community only; no list of everyone,
    # no phone, ID, birth date or household (PIPL; GB/T 22239-2019 separation of duties).
    NARROW = ["name", "community"]

    def _narrow(self, request: HttpRequest) -> bool:
        return not request.user.has_perm("places.view_personaldata")

    def get_list_display(self, request: HttpRequest) -> Any:
        return self.NARROW if self._narrow(request) else super().get_list_display(request)

    def get_list_filter(self, request: HttpRequest) -> Any:
        return [] if self._narrow(request) else super().get_list_filter(request)

    def get_search_fields(self, request: HttpRequest) -> Any:
        return ["name"] if self._narrow(request) else super().get_search_fields(request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.NARROW if self._narrow(request) else super().get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if self._narrow(request) else super().get_inlines(request, obj)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Person],
                           search_term: str) -> tuple[QuerySet[Person], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self._narrow(request):
            # A name first, never the whole register, and never a search by number.
            return (found if search_term.strip() else queryset.none()), may_have_duplicates
        numbers = [Q(personal__phone_index=blind_index("phone", term))
                   | Q(personal__id_number_index=blind_index("id_number", term))
                   for term in search_term.split()
                   if is_valid_phone(normalise_phone(term))
                   or is_valid_id_number(normalise_id_number(term))]
        if numbers:
            found |= queryset.filter(reduce(operator.or_, numbers))
        return found, may_have_duplicates

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet,
                     change: bool) -> None:  # type: ignore[type-arg]
        if formset.model is not Role:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message lists; a role is never deleted here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not (row.has_changed() and row.is_valid()):
                continue
            new = row.instance.pk is None
            saved = _save_role(request, row, form.instance)
            if saved is None:
                continue
            if new:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, ["end"]))


@admin.register(Role)
class RoleAdmin(ThroughServices, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "kind", "place", "start", "end"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "place"]
    form = RoleForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ROLE_FIXED if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a role is ended, so the record says who held it when

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        saved = _save_role(request, form, obj.person)
        if saved is not None:
            obj.pk, obj.end = saved.pk, saved.end
            obj._state.adding = False


# --- The 7+X committee's fixed seats -------------------------------------------------------


class MembershipForm(ServiceForm):
    """An appointment is checked as ``appoint_seat`` checks it; an early end as ``end_seat``."""

    class Meta:
        model = CommitteeMembership
        fields = ["community", "seat", "person", "term_start", "ended_on"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                services.check_appoint_seat(actor=self.actor, community=cleaned["community"],
                                            seat=cleaned["seat"], person=cleaned["person"],
                                            term_start=cleaned["term_start"])
            elif cleaned.get("ended_on") is not None:
                services.check_end_seat(actor=self.actor, membership=self.instance,
                                        on=cleaned["ended_on"])
        except RuleViolation as error:
            self.refuse(error)
        return cleaned


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ThroughServices, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["community", "seat", "person", "term_start", "term_end", "ended_on"]
    list_filter = ["seat"]
    raw_id_fields = ["community", "person"]
    form = MembershipForm
    actions = ["renew"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["term_end", "ended_on"]  # three years from the start; not ended yet
        fixed = ["community", "seat", "person", "term_start", "term_end"]
        return fixed + ["ended_on"] if obj.ended_on is not None else fixed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a seat is ended early or runs out, never removed from the record

    def save_model(self, request: HttpRequest, obj: CommitteeMembership, form: Any,
                   change: bool) -> None:
        data = form.cleaned_data
        if not change:
            saved = services.appoint_seat(actor=request.user, community=data["community"],
                                          seat=data["seat"], person=data["person"],
                                          term_start=data["term_start"])
        elif data.get("ended_on") is not None:
            saved = services.end_seat(actor=request.user, membership=obj, on=data["ended_on"])
        else:
            return
        obj.pk, obj.term_end, obj.ended_on = saved.pk, saved.term_end, saved.ended_on
        obj._state.adding = False

    @admin.action(description=gettext_lazy("Renew for the next term (可连任)"))
    def renew(self, request: HttpRequest, queryset: QuerySet[CommitteeMembership]) -> None:
        renewed = 0
        for membership in queryset.select_related("community"):
            try:
                services.renew_seat(actor=request.user, membership=membership)
            except RuleViolation as error:
                self.message_user(request, f"{membership}: {refusal_of(error).text}",
                                  messages.ERROR)
            else:
                renewed += 1
        if renewed:
            self.message_user(request, _("%(n)d terms renewed.") % {"n": renewed},
                              messages.SUCCESS)
