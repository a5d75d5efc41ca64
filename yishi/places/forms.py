"""Forms of the places pages, and the one field every form chooses a place with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import Place

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
