"""三员分立: the system, security and audit administrators, each with a duty's permissions
only (GB/T 22239-2019 8.1.4.2 c), granted by the installer, and the superuser stepping back
once all three are appointed."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from yishi.conftest import verify_second_factor
from yishi.core import rules, services
from yishi.core.exceptions import RuleViolation
from yishi.core.models import AdminDuty, AuditEvent, Duty, SignInGuard
from yishi.places.models import Role, RoleKind
from yishi.places.tests.factories import UserFactory, resident

pytestmark = pytest.mark.django_db

User = get_user_model()


def administrator(duty: str, username: str | None = None) -> Any:
    user = UserFactory(username=username or f"{duty}-admin")
    services.grant_duty(actor=services.INSTALLER, user=user, duty=duty)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.fixture
def three() -> dict[str, Any]:
    return {duty: administrator(duty) for duty in Duty.values}


# --- The rule ---------------------------------------------------------------------------


@given(held=st.sampled_from([None, *Duty.values]), superuser=st.booleans(),
       active=st.booleans(), installer=st.booleans())
def test_a_duty_is_granted_only_by_the_installer_to_an_active_personal_account_without_one(
        held: str | None, superuser: bool, active: bool, installer: bool) -> None:
    reason = rules.duty_grant_refusal(holds_duty=held, is_superuser=superuser,
                                      is_active=active, actor_is_installer=installer)
    assert (reason is None) == (installer and active and not superuser and held is None)


# --- Granting and ending -----------------------------------------------------------------


def test_the_installer_grants_each_duty_as_one_audit_event() -> None:
    user = UserFactory(username="li-audit")
    before = AuditEvent.objects.count()
    row = services.grant_duty(actor=services.INSTALLER, user=user, duty=Duty.AUDIT)
    event = AuditEvent.objects.get(action="account.duty_granted")
    assert AuditEvent.objects.count() == before + 1
    assert event.actor_label == "system:installer" and event.after == {
        "user": user.pk, "duty": "audit"}
    assert services.duty_of(User.objects.get(pk=user.pk)) == "audit"
    services.end_duty(actor=services.INSTALLER, row=row)
    assert services.duty_of(User.objects.get(pk=user.pk)) is None
    assert AdminDuty.objects.get().ended_at is not None  # ended, still on record


@pytest.mark.parametrize("case", ["second_duty", "superuser", "by_an_administrator"])
def test_a_grant_that_would_merge_duties_is_refused_and_writes_nothing(case: str,
                                                                       three: dict) -> None:
    before = (AdminDuty.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuleViolation) as refused:
        if case == "second_duty":
            services.grant_duty(actor=services.INSTALLER, user=three["security"],
                                duty=Duty.AUDIT)
        elif case == "superuser":
            root = UserFactory(username="root", is_superuser=True, is_staff=True)
            services.grant_duty(actor=services.INSTALLER, user=root, duty=Duty.SYSTEM)
        else:  # the security administrator may not make anyone an administrator
            services.grant_duty(actor=three["security"], user=UserFactory(username="x"),
                                duty=Duty.AUDIT)
    assert refused.value.clause == rules.SEPARATION_CLAUSE
    assert (AdminDuty.objects.count(), AuditEvent.objects.count()) == before


def test_the_command_grants_lists_ends_and_resets_a_device() -> None:
    user = UserFactory(username="wang-sys")
    out = StringIO()
    call_command("admin_duty", "grant", "wang-sys", "system", stdout=out)
    call_command("admin_duty", "list", stdout=out)
    assert "system\twang-sys" in out.getvalue()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    call_command("admin_duty", "reset-device", "wang-sys", stdout=out)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="account.second_factor_removed").count() == 1
    with pytest.raises(CommandError, match="已担任"):
        call_command("admin_duty", "grant", "wang-sys", "audit")
    call_command("admin_duty", "end", "wang-sys", stdout=out)
    with pytest.raises(CommandError, match="holds no duty"):
        call_command("admin_duty", "end", "wang-sys")
    with pytest.raises(CommandError, match="no account"):
        call_command("admin_duty", "grant", "nobody", "audit")


# --- What each may open ------------------------------------------------------------------

PAGES = {
    "audit log": "/admin/core/auditevent/",
    "accounts": "/admin/auth/user/",
    "roles": "/admin/places/role/",
    "people": "/admin/places/person/",
    "sign-in locks": "/admin/core/signinguard/",
    "devices": "/admin/otp_totp/totpdevice/",
    "places": "/admin/places/place/",
    "calendar": "/admin/core/calendarday/",
    "community settings": "/admin/places/communitysettings/",
    "opinions": "/admin/intake/opinion/",
    "topics": "/admin/consult/topic/",
    "notices": "/admin/disclosure/notice/",
    "exports": "/admin/ledger/exportjob/",
    "deliveries": "/admin/core/delivery/",
}
OPENS = {
    "system": {"places", "calendar", "community settings"},
    "security": {"accounts", "roles", "people", "sign-in locks", "devices"},
    "audit": {"audit log"},
}


@pytest.mark.parametrize("duty", Duty.values)
def test_each_administrator_opens_his_duty_s_pages_and_no_other(duty: str, three: dict) -> None:
    client = signed_in(three[duty])
    assert client.get("/admin/").status_code == 200
    opened = {name for name, url in PAGES.items() if client.get(url).status_code == 200}
    refused = {name for name, url in PAGES.items() if client.get(url).status_code == 403}
    assert opened == OPENS[duty]
    assert refused == set(PAGES) - OPENS[duty]


def test_permissions_given_to_an_administrator_s_account_widen_nothing(three: dict) -> None:
    auditor = three["audit"]
    auditor.user_permissions.set(Permission.objects.all())
    client = signed_in(User.objects.get(pk=auditor.pk))
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/places/person/").status_code == 403
    assert client.get("/admin/core/auditevent/").status_code == 200


def test_the_auditor_reads_the_log_and_changes_nothing(three: dict) -> None:
    client = signed_in(three["audit"])
    event = AuditEvent.objects.first()
    assert event is not None
    page = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 403


def test_the_security_administrator_finds_people_by_name_and_never_their_numbers(
        tree: dict, three: dict) -> None:
    person = resident(tree["a"], name="赵秀英")
    phone, id_number = person.personal.phone, person.personal.id_number
    client = signed_in(three["security"])

    everyone = client.get("/admin/places/person/").content.decode()
    assert "赵秀英" not in everyone  # no list of the whole register
    found = client.get("/admin/places/person/", {"q": "赵秀英"}).content.decode()
    assert "赵秀英" in found
    detail = client.get(f"/admin/places/person/{person.pk}/change/").content.decode()
    for page in (found, detail):
        assert phone not in page and id_number not in page
        assert person.birth_date.isoformat() not in page
    assert client.get("/admin/places/person/", {"q": phone}).content.decode().count(
        f"/admin/places/person/{person.pk}/") == 0  # no search by number either


def test_the_security_administrator_grants_a_role_through_the_service(tree: dict,
                                                                       three: dict) -> None:
    person = resident(tree["a"], name="钱多多")
    client = signed_in(three["security"])
    response = client.post("/admin/places/role/add/", {
        "person": person.pk, "place": tree["a"].pk, "kind": RoleKind.COURIER,
        "start": "2026-01-01", "end": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    role = Role.objects.get(person=person)
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor_id == three["security"].pk and event.object_id == str(role.pk)


def test_the_security_administrator_cannot_make_a_superuser_or_touch_an_administrator(
        three: dict) -> None:
    client = signed_in(three["security"])
    clerk = UserFactory(username="clerk")
    page = client.get(f"/admin/auth/user/{clerk.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    # A forged form: the read-only fields stay as they are; "active" is his to change.
    response = client.post(f"/admin/auth/user/{clerk.pk}/change/", {
        "username": "clerk", "is_active": "", "is_superuser": "on", "is_staff": "on",
        "user_permissions": [p.pk for p in Permission.objects.all()[:3]],
        "first_name": "", "last_name": "", "email": ""})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active and not clerk.is_superuser and not clerk.is_staff
    assert not clerk.user_permissions.exists()
    assert AuditEvent.objects.filter(action="admin.change", object_id=str(clerk.pk)).exists()
    # The auditor's account is the installer's: no change, no password, no deletion.
    auditor = three["audit"]
    assert client.post(f"/admin/auth/user/{auditor.pk}/change/",
                       {"username": "audit-admin", "is_active": ""}).status_code == 403
    assert client.post(f"/admin/auth/user/{auditor.pk}/password/",
                       {"password1": "Xy-12345678", "password2": "Xy-12345678"}
                       ).status_code == 403
    assert client.post(f"/admin/auth/user/{clerk.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert User.objects.get(pk=auditor.pk).is_active


def test_the_security_administrator_lifts_a_lock_as_an_audit_event(three: dict) -> None:
    from yishi.core import clock

    guard = SignInGuard.objects.create(key="account:zhang", failures=5,
                                       window_start=clock.now(), locked_until=clock.now())
    client = signed_in(three["security"])
    response = client.post(f"/admin/core/signinguard/{guard.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SignInGuard.objects.exists()
    assert AuditEvent.objects.filter(action="admin.delete",
                                     object_type="core.signinguard").count() == 1


def test_devices_are_removed_never_shown_and_an_administrator_s_is_the_installer_s(
        three: dict) -> None:
    clerk = UserFactory(username="clerk")
    theirs = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    auditors = TOTPDevice.objects.create(user=three["audit"], name="phone", confirmed=True)
    client = signed_in(three["security"])
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    detail = client.get(f"/admin/otp_totp/totpdevice/{theirs.pk}/change/").content.decode()
    for page in (listing, detail):
        assert theirs.key not in page and auditors.key not in page
        assert not re.search(r"otpauth://", page)
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.post(f"/admin/otp_totp/totpdevice/{auditors.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/",
                       {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=theirs.pk).exists()
    assert TOTPDevice.objects.filter(pk=auditors.pk).exists()


# --- The superuser installs, then steps back ----------------------------------------------


def test_the_superuser_installs_the_three_and_then_finds_the_admin_closed(admin_client) -> None:
    for duty in Duty.values:
        user = UserFactory(username=f"new-{duty}")
        response = admin_client.post("/admin/core/adminduty/add/",
                                     {"user": user.pk, "duty": duty})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEvent.objects.filter(action="account.duty_granted").count() == 3
    closed = admin_client.get("/admin/", follow=True)
    assert closed.status_code == 403
    assert "超级用户" in closed.content.decode()


def test_the_admin_refuses_a_second_duty_on_the_form_and_saves_nothing(admin_client,
                                                                      three: dict) -> None:
    AdminDuty.objects.filter(duty=Duty.AUDIT).update(ended_at="2026-01-01T00:00Z")
    before = AuditEvent.objects.count()
    response = admin_client.post("/admin/core/adminduty/add/",
                                 {"user": three["security"].pk, "duty": Duty.AUDIT})
    assert response.status_code == 200
    assert "三员分立" in response.content.decode() or "已担任" in response.content.decode()
    assert AuditEvent.objects.count() == before
