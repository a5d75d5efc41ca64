"""Issue 10, item 6: roles and committee seats changed in the Django admin go through the
places services — the same refusals (shown on the form, nothing written) and one audit
event each, in the chain."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from yishi.conftest import verify_second_factor
from yishi.core import clock
from yishi.core.audit import verify
from yishi.core.exceptions import PermissionDenied
from yishi.core.models import AuditEvent
from yishi.places import services
from yishi.places.models import CommitteeMembership, Person, Role, RoleKind, Seat
from yishi.places.tests.factories import UserFactory, resident

START = date(2025, 1, 1)


@pytest.fixture
def root(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client_(root) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(root)
    verify_second_factor(client, root)
    return client


def written() -> tuple[int, int, int, int]:
    """Everything an admin save could write: roles, seats, audit events, admin log."""
    return (Role.objects.count(), CommitteeMembership.objects.count(),
            AuditEvent.objects.count(), LogEntry.objects.count())


def refused_rules(response: Any) -> set[str]:
    """The rule codes of the errors the admin form shows (the texts are in zh-hans)."""
    assert response.status_code == 200, response
    form = response.context["adminform"].form
    return {e.code for errors in form.errors.as_data().values() for e in errors}


def form_data(response: Any) -> dict[str, Any]:
    """The POST a browser would send back from an admin change page, as shown."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data


def role_post(person: Person, place: Any, kind: str = RoleKind.REPRESENTATIVE,
              start: date = START, end: date | None = None) -> dict[str, Any]:
    return {"person": person.pk, "place": place.pk, "kind": kind, "start": start.isoformat(),
            "end": end.isoformat() if end else ""}


# --- Roles -----------------------------------------------------------------------------


def test_a_role_granted_in_the_admin_is_one_audit_event_in_the_chain(admin_client_, tree,
                                                                      people):
    before = written()
    person = people["resident_a"]

    response = admin_client_.post("/admin/places/role/add/", role_post(person, tree["a"]))

    assert response.status_code == 302, response.context and response.context[
        "adminform"].form.errors
    role = Role.objects.get(person=person, kind=RoleKind.REPRESENTATIVE)
    assert (role.place, role.start, role.end) == (tree["a"], START, None)
    assert written() == (before[0] + 1, before[1], before[2] + 1, before[3] + 1)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id, event.actor.username) == ("role.grant",
                                                                     str(role.pk), "root")
    assert event.after == {"person": person.pk, "kind": "representative",
                           "place": tree["a"].pk, "start": "2025-01-01", "end": None}
    assert verify().ok
    call_command("audit_verify")  # exits non-zero on a broken chain


def test_a_representative_who_lives_elsewhere_is_refused_on_the_form_and_nothing_is_written(
        admin_client_, tree, people):
    before = written()

    response = admin_client_.post("/admin/places/role/add/",
                                  role_post(people["resident_b"], tree["a"]))

    assert refused_rules(response) == {"resident"}
    assert "村民委员会组织法" in response.content.decode()  # the clause, in words
    assert written() == before


def test_a_representative_outside_a_community_is_refused(admin_client_, tree, people):
    before = written()

    response = admin_client_.post("/admin/places/role/add/",
                                  role_post(people["resident_a"], tree["street"]))

    assert refused_rules(response) == {"role_place"}
    assert written() == before


def test_a_role_the_person_already_holds_there_is_refused(admin_client_, tree, people):
    person = people["resident_a"]
    admin_client_.post("/admin/places/role/add/", role_post(person, tree["a"]))
    before = written()

    response = admin_client_.post("/admin/places/role/add/",
                                  role_post(person, tree["a"], start=START + timedelta(days=30)))

    assert refused_rules(response) == {"role_held"}
    assert written() == before


def test_a_role_ending_before_it_starts_is_refused(admin_client_, tree, people):
    before = written()

    response = admin_client_.post("/admin/places/role/add/", role_post(
        people["resident_a"], tree["a"], end=START - timedelta(days=1)))

    assert "end_date" in refused_rules(response)
    assert written() == before


def test_staff_given_admin_permissions_still_find_the_admin_closed(tree, people):
    """Only the three administrators use the admin (三员分立): community staff marked
    is_staff with every places permission grant nothing there."""
    official = people["staff_b"].user
    official.is_staff = True
    official.save()
    official.user_permissions.set(Permission.objects.filter(content_type__app_label="places"))
    client = Client()
    client.force_login(official)
    verify_second_factor(client, official)
    before = written()

    response = client.post("/admin/places/role/add/", role_post(people["resident_a"], tree["a"],
                                                                kind=RoleKind.STAFF), follow=True)

    assert response.status_code == 403
    assert "只有系统管理员、安全管理员和审计管理员" in response.content.decode()
    assert written() == before


def test_staff_of_another_community_cannot_grant_roles_here(tree, people):
    """The service's own rule, whatever the page: staff grant roles at their places only."""
    before = written()
    with pytest.raises(PermissionDenied) as refused:
        services.grant_role(actor=people["staff_b"].user, person=people["resident_a"],
                            kind=RoleKind.STAFF, place=tree["a"], start=START, end=None)
    assert refused.value.rule == "staff"
    assert written() == before


def test_a_role_ended_in_the_admin_is_one_audit_event_and_keeps_what_was_granted(
        admin_client_, root, tree, people):
    role = services.grant_role(actor=root,
                               person=people["resident_a"], kind=RoleKind.REPRESENTATIVE,
                               place=tree["a"], start=START, end=None)
    before = written()
    page = admin_client_.get(f"/admin/places/role/{role.pk}/change/")
    data = {**form_data(page), "end": "2025-06-30",
            # fields shown read-only: a forged POST must not change them
            "kind": RoleKind.CITY, "place": tree["street"].pk, "start": "2020-01-01"}

    response = admin_client_.post(f"/admin/places/role/{role.pk}/change/", data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.kind, role.place, role.start, role.end) == (
        RoleKind.REPRESENTATIVE, tree["a"], START, date(2025, 6, 30))
    assert written()[2] == before[2] + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.before, event.after["end"]) == ("role.end", {"end": None},
                                                                 "2025-06-30")
    assert verify().ok


@pytest.mark.parametrize(("end", "rule"), [("", "reopen"), ("2025-07-31", "ended"),
                                           ("2024-12-31", "end_date")])
def test_an_end_the_service_refuses_is_refused_on_the_change_form(admin_client_, tree, people,
                                                                  end, rule):
    role = Role.objects.create(person=people["resident_a"], place=tree["a"],
                               kind=RoleKind.REPRESENTATIVE, start=START, end=date(2025, 6, 30))
    before = written()
    page = admin_client_.get(f"/admin/places/role/{role.pk}/change/")

    response = admin_client_.post(f"/admin/places/role/{role.pk}/change/",
                                  {**form_data(page), "end": end})

    assert refused_rules(response) == {rule}
    role.refresh_from_db()
    assert role.end == date(2025, 6, 30)
    assert written() == before


def test_a_role_cannot_be_deleted_in_the_admin(admin_client_, tree, people):
    role = Role.objects.get(person=people["staff_a"])

    assert admin_client_.get(f"/admin/places/role/{role.pk}/delete/").status_code == 403
    assert admin_client_.post(f"/admin/places/role/{role.pk}/delete/",
                              {"post": "yes"}).status_code == 403
    # nor by deleting its holder, which would take the role with it
    assert admin_client_.post(f"/admin/places/person/{people['staff_a'].pk}/delete/",
                              {"post": "yes"}).status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_role_added_on_the_person_page_goes_through_the_service(admin_client_, tree, people):
    person = people["resident_a"]
    page = admin_client_.get(f"/admin/places/person/{person.pk}/change/")
    data = form_data(page)
    n = int(data["roles-TOTAL_FORMS"])
    data.update({"roles-TOTAL_FORMS": n + 1, f"roles-{n}-place": tree["a_group"].pk,
                 f"roles-{n}-kind": RoleKind.REPRESENTATIVE, f"roles-{n}-start": "2025-01-01"})
    before = written()

    response = admin_client_.post(f"/admin/places/person/{person.pk}/change/", data)

    assert response.status_code == 302
    role = Role.objects.get(person=person)
    assert role.place == tree["a_group"]
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id) == ("role.grant", str(role.pk))
    assert written()[2] == before[2] + 1


def test_a_role_refused_on_the_person_page_writes_nothing(admin_client_, tree, people):
    person = people["resident_b"]  # lives in village B
    page = admin_client_.get(f"/admin/places/person/{person.pk}/change/")
    data = form_data(page)
    n = int(data["roles-TOTAL_FORMS"])
    data.update({"roles-TOTAL_FORMS": n + 1, "name": "改名", f"roles-{n}-place": tree["a"].pk,
                 f"roles-{n}-kind": RoleKind.REPRESENTATIVE, f"roles-{n}-start": "2025-01-01"})
    before = written()

    response = admin_client_.post(f"/admin/places/person/{person.pk}/change/", data)

    assert response.status_code == 200
    formset = next(i.formset for i in response.context["inline_admin_formsets"]
                   if i.formset.model is Role)
    assert {e.code for f in formset.forms for errs in f.errors.as_data().values()
            for e in errs} == {"resident"}
    person.refresh_from_db()
    assert person.name == "李大山"
    assert written() == before


def test_an_inline_role_row_changes_only_its_end(admin_client_, tree, people):
    role = Role.objects.get(person=people["staff_a"])
    page = admin_client_.get(f"/admin/places/person/{people['staff_a'].pk}/change/")
    data = {**form_data(page), "roles-0-kind": RoleKind.CITY, "roles-0-end": "2025-03-31"}

    response = admin_client_.post(f"/admin/places/person/{people['staff_a'].pk}/change/", data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.kind, role.end) == (RoleKind.STAFF, date(2025, 3, 31))
    assert AuditEvent.objects.latest("id").action == "role.end"


# --- The 7+X committee's fixed seats -----------------------------------------------------


def seat_post(community: Any, person: Person, seat: str = Seat.WOMEN,
              start: date = START) -> dict[str, Any]:
    return {"community": community.pk, "person": person.pk, "seat": seat,
            "term_start": start.isoformat()}


def test_a_seat_appointed_in_the_admin_is_one_audit_event(admin_client_, tree, people):
    before = written()

    response = admin_client_.post("/admin/places/committeemembership/add/",
                                  seat_post(tree["a"], people["resident_a"]))

    assert response.status_code == 302
    m = CommitteeMembership.objects.get()
    assert (m.person, m.seat, m.term_end) == (people["resident_a"], Seat.WOMEN,
                                              date(2027, 12, 31))
    assert written() == (before[0], before[1] + 1, before[2] + 1, before[3] + 1)
    assert AuditEvent.objects.latest("id").action == "committee.appoint"
    assert verify().ok


def test_a_second_person_on_one_seat_is_refused_in_the_admin(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    other = resident(tree["a"], name="赵丽")
    before = written()

    response = admin_client_.post("/admin/places/committeemembership/add/",
                                  seat_post(tree["a"], other, start=START + timedelta(days=90)))

    assert "occupied" in refused_rules(response)
    assert "利川市城乡社区协商实施方案" in response.content.decode()
    assert written() == before


def test_a_non_resident_is_refused_a_seat_in_the_admin(admin_client_, tree, people):
    before = written()

    response = admin_client_.post("/admin/places/committeemembership/add/",
                                  seat_post(tree["a"], people["resident_b"]))

    assert refused_rules(response) == {"resident"}
    assert written() == before


def test_one_person_on_two_seats_is_refused_in_the_admin(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    before = written()

    response = admin_client_.post("/admin/places/committeemembership/add/",
                                  seat_post(tree["a"], people["resident_a"], seat=Seat.RESPECTED))

    assert refused_rules(response) == {"one_seat"}
    assert written() == before


def test_a_refusal_found_only_when_saving_rolls_the_admin_save_back(admin_client_, tree,
                                                                    people, monkeypatch):
    """Someone filled the seat between the form's check and the save: the service refuses,
    the page says so, and nothing — not even the admin's log entry — is written."""
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]), follow=True)
    monkeypatch.setattr(services, "check_appoint_seat", lambda **kw: None)
    before = written()

    response = admin_client_.post("/admin/places/committeemembership/add/",
                                  seat_post(tree["a"], resident(tree["a"], name="赵丽")),
                                  follow=True)

    assert response.redirect_chain[-1][0] == "/admin/places/committeemembership/add/"
    assert [m.tags for m in response.context["messages"]] == ["refusal rule-occupied error"]
    assert written() == before


def test_a_seat_ended_in_the_admin_goes_through_end_seat(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    m = CommitteeMembership.objects.get()
    page = admin_client_.get(f"/admin/places/committeemembership/{m.pk}/change/")
    data = {**form_data(page), "ended_on": "2025-05-31", "seat": Seat.PARTY}

    response = admin_client_.post(f"/admin/places/committeemembership/{m.pk}/change/", data)

    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.ended_on, m.seat) == (date(2025, 5, 31), Seat.WOMEN)
    assert AuditEvent.objects.latest("id").action == "committee.end"


def test_a_seat_end_after_its_term_is_refused_in_the_admin(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    m = CommitteeMembership.objects.get()
    page = admin_client_.get(f"/admin/places/committeemembership/{m.pk}/change/")
    before = written()

    response = admin_client_.post(f"/admin/places/committeemembership/{m.pk}/change/",
                                  {**form_data(page), "ended_on": "2028-01-01"})

    assert refused_rules(response) == {"end_date"}
    assert written() == before


def test_a_seat_cannot_be_deleted_in_the_admin(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    m = CommitteeMembership.objects.get()

    response = admin_client_.post(f"/admin/places/committeemembership/{m.pk}/delete/",
                                  {"post": "yes"})

    assert response.status_code == 403
    assert CommitteeMembership.objects.filter(pk=m.pk).exists()


def test_the_renew_action_goes_through_renew_seat(admin_client_, tree, people):
    admin_client_.post("/admin/places/committeemembership/add/",
                       seat_post(tree["a"], people["resident_a"]))
    m = CommitteeMembership.objects.get()

    response = admin_client_.post("/admin/places/committeemembership/",
                                  {"action": "renew", "_selected_action": [m.pk]})

    assert response.status_code == 302
    renewed = CommitteeMembership.objects.exclude(pk=m.pk).get()
    assert renewed.term_start == date(2028, 1, 1)
    assert AuditEvent.objects.latest("id").action == "committee.renew"


def test_the_places_changelists_and_forms_open(admin_client_, tree, people):
    role = Role.objects.first()
    assert role is not None
    for url in ["/admin/places/role/", "/admin/places/role/add/",
                f"/admin/places/role/{role.pk}/change/",
                "/admin/places/committeemembership/", "/admin/places/committeemembership/add/",
                "/admin/places/person/", f"/admin/places/person/{role.person_id}/change/",
                "/admin/places/person/add/"]:
        assert admin_client_.get(url).status_code == 200, url
    assert clock.localdate()  # the clock the services read is the test's
