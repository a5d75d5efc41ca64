"""Forms of the follow-up pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yishi.consult.models import Participant, Topic
from yishi.core.forms import KeepsPhotos, LongTextField, MultipleImageField
from yishi.places.forms import PlaceChoiceField
from yishi.places.models import Person, Place, PlaceKind

from .models import Adoption, DissentGrounds, LegalVerdict


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    details = LongTextField(label=_("Details"), required=False, max_length=4000, rows=3)
    owner_person = forms.ModelChoiceField(label=_("Responsible person"), required=False,
                                          queryset=Person.objects.none())
    owner_place = PlaceChoiceField(label=_("Responsible government body"), required=False)
    owner_body = forms.CharField(label=_("Or a department, by name"), required=False,
                                 max_length=100)
    deadline = forms.CharField(label=_("Deadline (YYYY-MM-DD)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(label=_("Or within so many working days"), required=False,
                                      min_value=1, max_value=366)

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community = topic.community
        self.fields["owner_person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(community__path__startswith=community.path,
                                  moved_out_on__isnull=True).order_by("name"))
        root = community.path.split("/")[1] if community.path else ""
        self.fields["owner_place"].queryset = (  # type: ignore[attr-defined]
            Place.objects.filter(kind__in=[PlaceKind.STREET, PlaceKind.DISTRICT],
                                 path__startswith=f"/{root}/"))


class ProgressForm(KeepsPhotos):
    text = LongTextField(label=_("Progress"), max_length=4000, rows=3)
    photos = MultipleImageField(label=_("Photos"), required=False)
    complete = forms.BooleanField(label=_("The task is done"), required=False)


class DissentForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Participant"), required=False,
                                         queryset=Participant.objects.none())
    person = forms.ModelChoiceField(label=_("Or a resident"), required=False,
                                    queryset=Person.objects.none())
    grounds = forms.ChoiceField(label=_("Grounds"), choices=DissentGrounds.choices)
    note = LongTextField(label=_("Their opinion"), required=False, max_length=4000, rows=2)

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = (  # type: ignore[attr-defined]
            Participant.objects.filter(plan__topic=topic).select_related("person"))
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(community__path__startswith=topic.community.path,
                                  moved_out_on__isnull=True).order_by("name"))


class ExplanationForm(forms.Form):
    text = LongTextField(label=_("Explanation given"), max_length=4000, rows=3)


class ReportForm(forms.Form):
    text = LongTextField(label=_("Report (empty: the outcome's text)"), required=False,
                         max_length=8000, rows=3)


class AnswerForm(forms.Form):
    adoption = forms.ChoiceField(label=_("Adoption"), choices=Adoption.choices)
    text = LongTextField(label=_("Written answer"), max_length=8000, rows=5)


class UnlawfulForm(forms.Form):
    reason = LongTextField(label=_("Law or regulation broken, and how"), max_length=4000, rows=3)


class CorrectionForm(forms.Form):
    text = LongTextField(label=_("Correction made"), max_length=8000, rows=3)
    legal_education = LongTextField(label=_("Legal education given"), required=False,
                                    max_length=4000, rows=2)


class LegalOpinionForm(forms.Form):
    """法律顾问意见 (000 §(四)(2))."""

    verdict = forms.ChoiceField(label=_("Is the outcome lawful?"), choices=LegalVerdict.choices,
                                widget=forms.RadioSelect)
    text = LongTextField(label=_("Legal opinion"), max_length=8000, rows=4)
