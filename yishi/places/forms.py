"""Forms of the places pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Place


class RegisterImportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Place.objects.none(),
                                       empty_label=None)
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
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Place.objects.filter(pk__in=[c.pk for c in communities]).order_by("path")
        if len(communities) == 1:
            field.initial = communities[0].pk
