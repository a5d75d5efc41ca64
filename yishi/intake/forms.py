from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yishi.core.forms import KeepsPhotos, LongTextField, MultipleImageField
from yishi.core.taxonomy import Category
from yishi.places.forms import PlaceChoiceField
from yishi.places.models import Place, ReferralDepartment, street_of
from yishi.places.rules import is_valid_id_number, is_valid_phone

from .models import Opinion
from .rules import RATINGS


class OpinionForm(KeepsPhotos):
    title = forms.CharField(label=_("Title"), max_length=100, strip=True)
    text = LongTextField(label=_("What is the matter?"), max_length=2000, rows=5)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    place = PlaceChoiceField(label=_("Where"), empty_label=None)
    photos = MultipleImageField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args: Any, communities: Sequence[Place], courier: bool = False,
                 **kwargs: Any):
        """``communities``: the raiser's own, or every one a courier serves (places of all)."""
        super().__init__(*args, **kwargs)
        place_field = self.fields["place"]
        assert isinstance(place_field, PlaceChoiceField)
        within = Q(pk__in=[])
        for community in communities:
            within |= Q(path__startswith=community.path)
        place_field.queryset = Place.objects.filter(within)
        self.fields["place"].initial = communities[0].pk if communities else None
        if courier:
            self.fields["resident"] = forms.CharField(
                label=_("Resident's mobile or ID number"), max_length=18,
                help_text=_("The resident this opinion was collected from."),
            )
            self.order_fields(["resident"])

    def clean_resident(self) -> str:
        value = self.cleaned_data["resident"].strip().upper()
        if not (is_valid_phone(value) or is_valid_id_number(value)):
            raise ValidationError(_("Enter an 11-digit mobile number or an 18-character ID "
                                    "number."))
        return value




# The select's last choice: a department not on the street's list, named in the text field.
OTHER_DEPARTMENT = "other"


class ReferForm(forms.Form):
    """转办: one of the opinion's street's departments, or another one named in words (the
    only way when the street has set up none). The service checks that a chosen department
    is the street's and still referred to: a forged choice gets the same refusal."""

    listed = forms.CharField(label=_("Department"), required=False, widget=forms.Select)
    department = forms.CharField(label=_("Department"), required=False,
                                 widget=forms.TextInput(attrs={"maxlength": 100}))
    note = LongTextField(label=_("Note"), max_length=500, required=False, rows=2)

    def __init__(self, *args: Any, opinion: Opinion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = list(ReferralDepartment.objects.offered_by(street_of(opinion.community)))
        if not offered:
            del self.fields["listed"]
            return
        self.fields["listed"].widget.choices = [  # type: ignore[attr-defined]
            ("", _("Choose a department")), *((str(d.pk), d.name) for d in offered),
            (OTHER_DEPARTMENT, _("Another department (name it below)")),
        ]
        self.fields["department"].label = _("Or another department, by name")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if "listed" not in self.fields:
            return cleaned  # the name alone; the service checks it
        listed, named = cleaned.get("listed", ""), cleaned.get("department", "")
        if listed in ("", OTHER_DEPARTMENT):
            if not named:
                raise ValidationError(_("Choose the department from the list, or name "
                                        "another one."))
            return cleaned
        if named:
            raise ValidationError(_("Choose a department from the list or name another one, "
                                    "not both."))
        found = (ReferralDepartment.objects.filter(pk=int(listed)).first()
                 if listed.isdigit() and len(listed) < 10 else None)
        if found is None:
            raise ValidationError(_("Choose a department from the list."))
        cleaned["department"] = found
        return cleaned


class AnswerForm(forms.Form):
    answer = LongTextField(label=_("Answer"), max_length=2000, rows=4)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int,
                                    choices=list(RATINGS.items()), widget=forms.RadioSelect)
    comment = LongTextField(label=_("Comment (optional)"), max_length=500, required=False,
                            rows=2)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, strip=True)
    text = LongTextField(label=_("What should the committee consult on?"), max_length=2000,
                         rows=6)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
