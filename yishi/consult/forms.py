"""Forms of the consultation pages: they check the shape of the input; the services check
the rules. Choices come from ``rules`` so a form never offers what the workflow refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.forms import LongTextField
from yishi.places.models import STAFF_ROLES, Person, Place, Role
from yishi.places.selectors import residents_by_number

from . import rules
from .models import Participant, Topic, VoteMethod


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return LongTextField(label=label, max_length=max_length, required=required, rows=rows)


# --- Screening -----------------------------------------------------------------------------


class AcceptForm(forms.Form):
    catalogue_code = forms.ChoiceField(label=_("Catalogue item"))
    major = forms.BooleanField(
        label=_("Possibly a major matter (重大事项): the party organisation decides; until then "
                "it is treated as major"), required=False)
    technical = forms.BooleanField(
        label=_("Possibly a technical matter: experts take part unless the party organisation "
                "decides otherwise"), required=False)
    note = _text(_("Note (optional)"), 1000, required=False, rows=2)

    def __init__(self, *args: Any, catalogue: list[rules.CatalogueEntry], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["catalogue_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(e.code, _catalogue_label(e)) for e in catalogue]


def _catalogue_label(e: rules.CatalogueEntry) -> str:
    marks = [str(m) for m, on in ((_("major matter"), e.major), (_("experts"), e.technical)) if on]
    return f"{e.title}（{'、'.join(marks)}）" if marks else e.title


class DecideKindForm(forms.Form):
    """党组织认定: the party organisation decides what kind of matter it is."""

    major = forms.BooleanField(label=_("A major matter"), required=False)
    technical = forms.BooleanField(label=_("Experts must take part"), required=False)
    reason = _text(_("Reason (required to record a major item as general, or no experts)"),
                   1000, required=False, rows=2)


class RiskForm(forms.Form):
    """社会稳定风险评估 (002)."""

    level = forms.ChoiceField(label=_("Risk level"), choices=list(rules.RISK_LEVELS.items()))
    findings = _text(_("Findings"), 4000, rows=3)
    mitigation = _text(_("Mitigation (required for a medium or high risk)"), 4000,
                       required=False, rows=3)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Topic.objects.none())
    reason = _text(_("Reason (optional)"), 1000, required=False, rows=2)

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        closed = set(rules.TERMINAL_TOPIC_STATES) | {rules.TopicState.CANDIDATE}
        field.queryset = (Topic.objects.filter(community_id=topic.community_id)
                          .exclude(pk=topic.pk).exclude(state__in=closed).order_by("-created_at"))


class ReferForm(forms.Form):
    referred_to = forms.CharField(label=_("Referred to (department or body)"), max_length=100)
    reason = _text(_("Reason, sent to the proposer"), 1000, required=False, rows=2)


class RejectForm(forms.Form):
    reason = _text(_("Reason, sent to the proposer"), 1000, required=False, rows=2)


# --- The plan ------------------------------------------------------------------------------


def officials_for(community: Place) -> Any:
    """People who may convene or record: staff of the community (or above) and seat holders."""
    ancestors = [p for p in community.path.strip("/").split("/") if p]
    staff_ids = Role.objects.active().filter(kind__in=STAFF_ROLES, place_id__in=ancestors) \
        .values("person_id")
    today = clock.localdate()
    seats = Q(committee_seats__community=community,
              committee_seats__ended_on__isnull=True, committee_seats__term_start__lte=today)
    # Both sign the minutes, so both need an account.
    return (Person.objects.filter(Q(pk__in=staff_ids) | seats, user__isnull=False)
            .distinct().order_by("name", "pk"))


class PlanForm(forms.Form):
    starts_at = _datetime_field(_("Date and time"))
    location = forms.CharField(label=_("Place"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=list(rules.FORMS.items()))
    rules_text = _text(_("Rules of procedure"), 4000, rows=3)
    materials = _text(_("Materials sent with the notice (optional)"), 8000, required=False,
                      rows=3)
    notice_days = forms.IntegerField(label=_("Days of notice"), min_value=0, max_value=60)
    convener = forms.ModelChoiceField(label=_("Convener"), queryset=Person.objects.none())
    recorder = forms.ModelChoiceField(label=_("Recorder"), queryset=Person.objects.none())

    def __init__(self, *args: Any, community: Place, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = officials_for(community)
        for name in ("convener", "recorder"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people


def find_resident(community: Place, key: str) -> Person | None:
    """A resident of the community by mobile or ID number (never from a list of 1,000)."""
    return residents_by_number(key, [community]).first()


PARTICIPANT_ADD_KINDS = [(k, v) for k, v in rules.PARTICIPANT_KINDS.items() if k != "seat"]


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Taking part as"), choices=PARTICIPANT_ADD_KINDS)
    lookup = forms.CharField(label=_("Mobile or ID number of a resident"), max_length=18,
                             required=False,
                             help_text=_("Residents of the community are found by number."))
    name = forms.CharField(label=_("Name (an expert from outside)"), max_length=50,
                           required=False)
    affiliation = forms.CharField(label=_("Affiliation (optional)"), max_length=100,
                                  required=False)

    def __init__(self, *args: Any, community: Place, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = (data.get("lookup") or "").strip()
        data["person"] = None
        if key:
            person = find_resident(self.community, key)
            if person is None:
                raise ValidationError(_("No resident with that mobile or ID number is "
                                        "registered in this community."))
            data["person"] = person
        elif not (data.get("name") or "").strip():
            raise ValidationError(_("Give a resident's mobile or ID number, or the name of "
                                    "an expert from outside."))
        return data


class ApproveForm(forms.Form):
    note = _text(_("Note (optional)"), 1000, required=False, rows=2)


class MeetingTimeForm(forms.Form):
    """A second consultation, or a new date after a cancelled meeting."""

    starts_at = _datetime_field(_("Date and time"))
    location = forms.CharField(label=_("Place (empty: as in the plan)"), max_length=200,
                               required=False)


# --- The meeting ---------------------------------------------------------------------------


class SummaryForm(forms.Form):
    summary = _text(_("Summary"), 4000, required=False, rows=3)


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class SpeechForm(forms.Form):
    participant = ParticipantChoiceField(label=_("Speaker"), queryset=Participant.objects.none())
    opinion = _text(_("Opinion"), 4000, rows=3)

    def __init__(self, *args: Any, present: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = present


class OpenVoteForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=VoteMethod.choices,
                               widget=forms.RadioSelect, initial=VoteMethod.HANDS)
    question = forms.CharField(label=_("Question put to the vote"), max_length=300)


class CountsForm(forms.Form):
    """A show of hands, or a batch of paper ballots."""

    yes = forms.IntegerField(label=_("For"), min_value=0, max_value=100000)
    no = forms.IntegerField(label=_("Against"), min_value=0, max_value=100000)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0, max_value=100000)


class CloseMeetingForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=list(rules.MEETING_RESULTS.items()),
                               widget=forms.RadioSelect)
    conclusion = _text(_("Consensus memo (共识纪要) or conclusion"), 8000, required=False,
                       rows=4)


class ReasonForm(forms.Form):
    """Why a meeting is cancelled, or why a topic goes to the residents' meeting."""

    reason = _text(_("Reason"), 1000, rows=2)


class AmendForm(forms.Form):
    text = _text(_("Correction"), 4000, rows=3)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"},
                                                               format="%Y-%m-%d"))


class AssemblyForm(forms.Form):
    """村(居)民会议或代表会议, recorded once held."""

    kind = forms.ChoiceField(label=_("Which meeting decides"),
                             choices=list(rules.ASSEMBLIES.items()))
    noticed_on = _date_field(_("Notice given on"))
    held_on = _date_field(_("Held on"))
    location = forms.CharField(label=_("Place"), max_length=200)


class AssemblyAttendForm(forms.Form):
    """签到 by mobile or ID number (residents are found by number, never from a list), or a
    representative ticked from the register's short list."""

    lookup = forms.CharField(label=_("Mobile or ID number"), max_length=18, required=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, community: Place, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = (data.get("lookup") or "").strip()
        found = None
        if key:
            found = find_resident(self.community, key)
        elif data.get("person"):
            found = Person.objects.filter(pk=data["person"],
                                          community=self.community).first()
        if found is None:
            raise ValidationError(_("No resident with that mobile or ID number is registered "
                                    "in this community."))
        data["found"] = found
        return data


class AssemblyDecisionForm(forms.Form):
    yes = forms.IntegerField(label=_("For"), min_value=0, max_value=100000)
    no = forms.IntegerField(label=_("Against"), min_value=0, max_value=100000)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, max_value=100000)
    decision = _text(_("Decision"), 8000, rows=3)
    minutes = _text(_("Minutes (optional)"), 8000, required=False, rows=3)


class PublishForm(forms.Form):
    days = forms.IntegerField(label=_("Days on the notice board"), min_value=1, max_value=366)


class FileForm(forms.Form):
    note = _text(_("Note (optional)"), 1000, required=False, rows=2)


class SignInCodeForm(forms.Form):
    code = forms.CharField(label=_("Sign-in code shown in the room"), max_length=8,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), widget=forms.RadioSelect,
                               choices=[("yes", _("For")), ("no", _("Against")),
                                        ("abstain", _("Abstain"))])
