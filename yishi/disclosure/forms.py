from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisclosureKind, FinanceCadence, NoticeKind, ReviewDecision
from .rules import ISSUER_MAX, PAYEE_MAX, PURPOSE_MAX, REVIEW_REASON_MAX, TITLE_MAX
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


class ReviewForm(forms.Form):
    """村(居)务监督委员会's review: agree to publish, or return with the reason."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=ReviewDecision.choices)
    reason = forms.CharField(label=_("Reason (needed when returning it)"), required=False,
                             max_length=REVIEW_REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


class FinanceCadenceForm(forms.Form):
    """Any value reaches the service, which refuses one below the floor with its clause."""

    finance_cadence = forms.CharField(
        label=_("Finances disclosed"), max_length=10,
        widget=forms.RadioSelect(choices=FinanceCadence.choices))


class SubsidyForm(forms.Form):
    """误工补贴; the amount and the day are checked by the service, which says why."""

    payee = forms.CharField(label=_("Paid to"), max_length=PAYEE_MAX)
    purpose = forms.CharField(label=_("Consultation organised"), max_length=PURPOSE_MAX)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=12,
                                decimal_places=2, widget=forms.TextInput(
                                    attrs={"inputmode": "decimal"}))
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
