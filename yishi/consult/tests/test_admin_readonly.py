"""Issue 10, item 6: the procedure records cannot be changed in the Django admin. Topics,
meetings, sign-ins, votes, ballots, X members, plans and outcomes (and the procedure
records of intake, follow-up and disclosure) are shown there, never added, changed or
deleted: only the services move them, with their checks and audit events."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import Client, RequestFactory

from yishi.conftest import verify_second_factor
from yishi.consult import services
from yishi.consult.models import Attendance, BallotBox, Meeting, Topic, Vote, XMember
from yishi.consult.tests.helpers import held_to_vote, participant, signed_minutes, snapshot
from yishi.core.models import AuditEvent
from yishi.places.tests.factories import UserFactory

# Models whose rows only the services write (issue 10, item 6).
PROCEDURE_RECORDS = {
    "consult": ["topic", "topictransition", "xmember", "plan", "participant", "meeting",
                "attendance", "meetingstep", "speech", "vote", "votermark", "ballotbox",
                "minutes", "amendment", "outcome", "procedurestep", "riskassessment",
                "assembly", "assemblyattendance"],
    "intake": ["opinion", "opinionstep", "jointproposal", "signature"],
    "followup": ["implementationtask", "taskprogress", "dissent", "dissentexplanation",
                 "entrustedanswer", "correction", "legalopinion"],
    "disclosure": ["notice", "disclosureitem"],
    "core": ["auditevent"],
}
RECORDS = [(app, name) for app, names in PROCEDURE_RECORDS.items() for name in names]


@pytest.fixture
def root(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_(root) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(root)
    verify_second_factor(client, root)
    return client


@pytest.mark.parametrize(("app", "name"), RECORDS)
def test_a_procedure_record_is_only_viewed_in_the_admin_even_by_a_superuser(root, app, name):
    model = apps.get_model(app, name)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = root

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_every_consult_model_with_a_state_or_a_count_is_covered():
    """A procedure model added to consult later must be listed (or shown to be settings)."""
    settings_models = {"consultsettings", "majorityrule", "catalogueitem"}
    names = {m._meta.model_name for m in apps.get_app_config("consult").get_models()}

    assert names - settings_models == set(PROCEDURE_RECORDS["consult"])


def test_a_topics_state_cannot_be_changed_in_the_admin(client_, cast, tree):
    topic = signed_minutes(cast, tree)
    state = topic.state
    before = (snapshot(), LogEntry.objects.count())

    response = client_.post(f"/admin/consult/topic/{topic.pk}/change/",
                            {"state": "closed", "title": "改过的标题", "community": tree["a"].pk,
                             "mandatory": "", "source": "staff", "text": "x"})

    assert response.status_code == 403
    topic.refresh_from_db()
    assert (topic.state, topic.title) == (state, "加装电梯")
    assert (snapshot(), LogEntry.objects.count()) == before


def test_a_topic_cannot_be_added_or_deleted_in_the_admin(client_, cast, tree):
    topic = signed_minutes(cast, tree)
    before = snapshot()

    assert client_.post("/admin/consult/topic/add/", {
        "title": "绕过筛选", "community": tree["a"].pk, "state": "accepted"}).status_code == 403
    assert client_.post(f"/admin/consult/topic/{topic.pk}/delete/",
                        {"post": "yes"}).status_code == 403
    assert snapshot() == before


def test_votes_ballots_and_sign_ins_cannot_be_added_or_changed_in_the_admin(client_, cast,
                                                                           tree):
    topic, meeting = held_to_vote(cast, tree, method="ballot")
    services.cast_ballot(actor=cast["neighbour"].user, meeting=meeting, choice="yes")
    vote = Vote.objects.get(meeting=meeting)
    box = BallotBox.objects.get(vote=vote)
    attendance = Attendance.objects.filter(meeting=meeting).first()
    assert attendance is not None
    stranger = participant(meeting, cast["neighbour"])
    before = (snapshot(), AuditEvent.objects.count(), LogEntry.objects.count())

    posts = [
        ("/admin/consult/vote/add/", {"meeting": meeting.pk, "method": "hands", "yes": 99}),
        (f"/admin/consult/vote/{vote.pk}/change/", {"yes": 99, "passed": "on"}),
        ("/admin/consult/ballotbox/add/", {"vote": vote.pk, "no": 5}),
        (f"/admin/consult/ballotbox/{box.pk}/change/", {"yes": 0, "no": 5}),
        (f"/admin/consult/ballotbox/{box.pk}/delete/", {"post": "yes"}),
        ("/admin/consult/attendance/add/", {"meeting": meeting.pk,
                                            "participant": stranger.pk, "method": "staff"}),
        (f"/admin/consult/attendance/{attendance.pk}/delete/", {"post": "yes"}),
        (f"/admin/consult/meeting/{meeting.pk}/change/", {"state": "closed"}),
        ("/admin/consult/xmember/add/", {"topic": topic.pk, "person": cast["neighbour"].pk}),
    ]
    for url, data in posts:
        assert client_.post(url, data).status_code == 403, url

    assert (snapshot(), AuditEvent.objects.count(), LogEntry.objects.count()) == before
    box.refresh_from_db()
    assert (box.yes, box.no) == (1, 0)
    assert Meeting.objects.get(pk=meeting.pk).state == meeting.state
    assert not XMember.objects.filter(person=cast["neighbour"]).exists()


def test_the_changelist_action_cannot_delete_procedure_records(client_, cast, tree):
    topic = signed_minutes(cast, tree)

    response = client_.post("/admin/consult/topic/", {"action": "delete_selected",
                                                      "_selected_action": [topic.pk],
                                                      "post": "yes"})

    assert response.status_code in (200, 302)  # the action is not offered: nothing happens
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_every_admin_changelist_and_record_page_still_opens(client_, cast, tree):
    signed_minutes(cast, tree)
    held_to_vote(cast, tree, method="ballot", title="第二个议题")
    failures: list[Any] = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        response = client_.get(url)
        if response.status_code != 200:
            failures.append((url, response.status_code))
        first = model_admin.get_queryset(response.wsgi_request).first()
        if first is not None:
            page = client_.get(f"{url}{first.pk}/change/")
            if page.status_code != 200:
                failures.append((f"{url}{first.pk}/change/", page.status_code))

    assert failures == []
