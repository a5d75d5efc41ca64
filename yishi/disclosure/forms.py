from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisclosureKind, NoticeKind
from .rules import ISSUER_MAX, TITLE_MAX
from .search import QUERY_MAX_CHARS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; their content is checked by the service (PDF or image, size)."""

    widget = MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class NoticeForm(forms.Form):
    """The posting period's dates are not required here: the service refuses a missing
    period with the rule's own message, so the form and the API say the same thing."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices, initial=NoticeKind.OTHER)
    issuer = forms.CharField(label=_("Issuing body"), max_length=ISSUER_MAX)
    issued_on = forms.DateField(label=_("Date of issue"), required=False, widget=DateInput())
    starts_on = forms.DateField(label=_("Posted from"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Posted until"), required=False, widget=DateInput())
    attachments = MultipleFileField(label=_("Attachments (PDF or images, optional)"),
                                    required=False)

    def __init__(self, *args: Any, with_kind: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_kind:
            del self.fields["kind"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search notices"), max_length=QUERY_MAX_CHARS, required=False,
                        error_messages={"max_length": _("Search with at most %(limit_value)d "
                                                        "characters.")})


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class DisclosureItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (DisclosureKind.PHASED.value, DisclosureKind.PHASED.label),
        (DisclosureKind.IMMEDIATE.value, DisclosureKind.IMMEDIATE.label),
    ])
    label = forms.CharField(label=_("Work or phase"), max_length=100)
    due_on = forms.DateField(label=_("Disclose by"), required=False, widget=DateInput())
