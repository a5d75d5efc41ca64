"""Every privileged change is audited (issue 11, item 4): what the Django admin adds,
changes or deletes, and every sign-in, failed sign-in and sign-out, is an event in the
chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yishi.core import audit
from yishi.core.models import AuditEvent
from yishi.places.models import Household

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _household(tree: dict[str, Any], number: str) -> Household:
    return Household.objects.create(community=tree["a"], place=tree["a"], number=number)


def test_an_admin_change_is_an_audit_event_naming_the_fields_not_their_values(
        admin_client: Client, admin_user: Any, tree: dict[str, Any]) -> None:
    household = _household(tree, "H-1")
    response = admin_client.post(f"/admin/places/household/{household.pk}/change/", {
        "community": tree["a"].pk, "place": tree["a"].pk, "number": "H-1-改"})
    assert response.status_code == 302
    [event] = _events("admin.change")
    assert event.actor == admin_user
    assert (event.object_type, event.object_id) == ("places.household", str(household.pk))
    assert event.after == {"via": "admin", "fields": ["Household number"]}  # the label
    assert "H-1-改" not in str(event.after)
    assert audit.verify().ok


def test_an_admin_addition_and_deletions_one_by_one_and_in_bulk_are_audited(
        admin_client: Client, tree: dict[str, Any]) -> None:
    response = admin_client.post("/admin/places/household/add/", {
        "community": tree["a"].pk, "place": tree["a"].pk, "number": "H-new"})
    assert response.status_code == 302
    added = Household.objects.get(number="H-new")
    assert [e.object_id for e in _events("admin.add")] == [str(added.pk)]

    response = admin_client.post(f"/admin/places/household/{added.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    two = [_household(tree, "H-2"), _household(tree, "H-3")]
    response = admin_client.post("/admin/places/household/", {
        "action": "delete_selected", "_selected_action": [h.pk for h in two], "post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.exists()
    assert sorted(e.object_id for e in _events("admin.delete")) == sorted(
        str(pk) for pk in (added.pk, *[h.pk for h in two]))
    assert audit.verify().ok


def test_a_password_set_by_an_administrator_is_audited(admin_client: Client) -> None:
    user = get_user_model().objects.create_user("resident-x", password="Old-pass-123")
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "New-pass-456!", "password2": "New-pass-456!"})
    assert response.status_code == 302
    [event] = _events("admin.change")
    assert event.object_id == str(user.pk)
    assert "New-pass" not in str(event.after)


@pytest.mark.audits_sign_ins
def test_sign_ins_failures_and_sign_outs_are_audited_without_the_password(
        client: Client) -> None:
    user = get_user_model().objects.create_user("resident-y", password="Right-pass-123")
    client.post("/login/", {"username": "resident-y", "password": "wrong-pass"})
    client.post("/login/", {"username": "nobody-here", "password": "wrong-pass"})
    failed = _events("account.sign_in_failed")
    assert [e.object_id for e in failed] == [str(user.pk), ""]
    assert all("wrong-pass" not in str(e.after) for e in failed)
    assert failed[0].after["address"] == "127.0.0.1"

    assert client.post("/login/", {"username": "resident-y",
                                   "password": "Right-pass-123"}).status_code == 302
    [signed_in] = _events("account.sign_in")
    assert signed_in.actor == user
    client.post("/logout/")
    [signed_out] = _events("account.sign_out")
    assert signed_out.actor == user
    assert audit.verify().ok
