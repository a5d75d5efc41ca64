"""Forms of the places pages, and the one field every form chooses a place with."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from yishi.core.forms import LongTextField

from .models import AssessmentResult, CourierRecruitment, Place
from .selectors import residents_by_number

# One full-width space (全角空格) a level: browsers keep it at the start of an option,
# where they drop ordinary spaces.
INDENT = "\u3000"


def tree_key(place: Place) -> tuple[int, ...]:
    """A place's position in the tree: its path as numbers ("/1/4/17/" → (1, 4, 17)), so a
    parent comes before its children and siblings in the order they were made (as strings,
    "/1/10/" would sort before "/1/4/")."""
    return tuple(int(p) for p in place.path.strip("/").split("/") if p)


def depth(place: Place) -> int:
    return len(tree_key(place))


class PlaceTreeIterator(ModelChoiceIterator):
    """The field's places in tree order, indented by their depth below the shallowest one.

    When the shallowest places lie under different parents (a city official's communities
    of several streets), each parent's places are an ``<optgroup>`` named after it, so an
    official sees which community is under which street. One query, for the whole list."""

    field: PlaceChoiceField

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        places = self.field.tree_places()
        if not places:
            return
        top = self.field.top_depth()
        parents = {p.parent_id for p in places if depth(p) == top}
        if len(parents) <= 1:
            yield from (self.choice(p) for p in places)
            return
        group: list[Any] = []
        label, parent = "", None
        for place in places:
            if depth(place) == top and place.parent_id != parent:
                if group:
                    yield (label, group)
                group, parent = [], place.parent_id
                label = place.parent.name if place.parent else ""
            group.append(self.choice(place))
        if group:
            yield (label, group)

    def __len__(self) -> int:
        return len(self.field.tree_places()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.tree_places())


class PlaceChoiceField(forms.ModelChoiceField):
    """A ``<select>`` of places as an indented tree (city → district → street → community →
    group → building): every form that chooses a place uses it.

        幸福社区
        　第一居民小组
        　　1栋
    """

    iterator = PlaceTreeIterator

    def __init__(self, queryset: QuerySet[Place] | None = None, **kwargs: Any) -> None:
        self._tree: list[Place] | None = None
        self._top = 0
        super().__init__(queryset if queryset is not None else Place.objects.none(), **kwargs)

    def _get_queryset(self) -> QuerySet[Place] | None:
        return self._queryset  # type: ignore[no-any-return]

    def _set_queryset(self, queryset: QuerySet[Place] | None) -> None:
        # The parent's name labels a group: read with the places, in the same query. Each
        # form's copy of the field gets its queryset anew (ModelChoiceField.__deepcopy__),
        # so each form reads its own places.
        self._queryset = (None if queryset is None
                          else queryset.select_related("parent").order_by("path"))
        self._tree, self._top = None, 0
        self.widget.choices = self.choices

    queryset = property(_get_queryset, _set_queryset)  # type: ignore[assignment]

    def tree_places(self) -> list[Place]:
        """The places, read once per form (the widget asks for its choices more than once)."""
        if self._tree is None:
            qs = self.queryset
            self._tree = sorted(qs, key=tree_key) if qs is not None else []
            self._top = min((depth(p) for p in self._tree), default=0)
        return self._tree

    def top_depth(self) -> int:
        """The depth of the shallowest place listed: it is not indented."""
        self.tree_places()
        return self._top

    def label_from_instance(self, obj: Place) -> str:
        return INDENT * max(0, depth(obj) - self.top_depth()) + obj.name


class RegisterImportForm(forms.Form):
    community = PlaceChoiceField(label=_("Community"), empty_label=None)
    file = forms.FileField(
        label=_("Register file"),
        help_text=_("Excel workbook (.xlsx) or CSV. The first row names the columns."),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument."
                      "spreadsheetml.sheet,text/csv",
        }),
    )

    def __init__(self, *args: Any, communities: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, PlaceChoiceField)
        field.queryset = Place.objects.filter(pk__in=[c.pk for c in communities]).order_by("path")
        if len(communities) == 1:
            field.initial = communities[0].pk


# --- Opinion couriers' appointments (002 一聘) --------------------------------------------


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"},
                                                               format="%Y-%m-%d"))


def _subsidy_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Work subsidy (yuan a month, optional)"), required=False, min_value=0,
        max_value=Decimal("999999.99"), max_digits=8, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))


class RecruitmentForm(forms.Form):
    """公开招聘: where and when the recruitment was announced, and its closing date."""

    announced_on = _date_field(_("Announced on"))
    announced_where = forms.CharField(
        label=_("Announced where"), max_length=200,
        help_text=_("For example: the community notice board and its WeChat group."))
    closes_on = _date_field(_("Applications close on"))


class RecruitmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("Announced %(announced)s (%(where)s), closing %(closes)s") % {
            "announced": obj.announced_on, "where": obj.announced_where,
            "closes": obj.closes_on}


class AppointForm(forms.Form):
    """聘任: a person recruited openly, found by mobile or ID number among the residents."""

    recruitment = RecruitmentChoiceField(label=_("Recruitment"), empty_label=None,
                                         queryset=CourierRecruitment.objects.none())
    lookup = forms.CharField(label=_("Mobile or ID number of the resident"), max_length=18,
                             help_text=_("Residents of the community are found by number."))
    term_start = _date_field(_("Appointed from"))
    subsidy = _subsidy_field()

    def __init__(self, *args: Any, community: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        field = self.fields["recruitment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CourierRecruitment.objects.filter(community=community)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = (data.get("lookup") or "").strip()
        if key:
            person = residents_by_number(key, [self.community]).first()
            if person is None:
                raise ValidationError(_("No resident with that mobile or ID number is "
                                        "registered in this community."))
            data["person"] = person
        return data


class AssessForm(forms.Form):
    """一年一考核: the yearly assessment of a term."""

    assessed_on = _date_field(_("Assessed on"))
    result = forms.ChoiceField(label=_("Assessment result"), choices=AssessmentResult.choices,
                               widget=forms.RadioSelect)
    comment = LongTextField(label=_("Assessment comment"), max_length=1000, rows=3)
    assessed_by = forms.CharField(label=_("Assessed by"), max_length=100,
                                  help_text=_("For example: the community party committee."))


class ReappointForm(forms.Form):
    """一年一聘: the next year's term, with its subsidy."""

    subsidy = _subsidy_field()

    def __init__(self, *args: Any, appointment: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if appointment is not None and not self.is_bound:
            self.fields["subsidy"].initial = appointment.subsidy
