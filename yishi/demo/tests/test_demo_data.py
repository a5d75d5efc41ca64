"""The demo loads once per module (rolled back afterwards), and holds what the issue asks."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from yishi.consult.models import Topic
from yishi.core import audit
from yishi.intake import selectors
from yishi.intake.models import JointProposal, Opinion, Signature
from yishi.intake.rules import OPEN_OPINION_STATES, OPINION_STATES, PROPOSAL_STATES
from yishi.places.models import (
    CommitteeMembership,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    Role,
    RoleKind,
    Seat,
)
from yishi.places.rules import is_valid_id_number, is_valid_phone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Run the command once for the module, inside a transaction rolled back at the end,
    so the demo never leaks into other modules' tests."""
    # The suite hashes passwords with MD5 (conftest); the accounts must be made the same way.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), \
            transaction.atomic():
        out = io.StringIO()
        call_command("demo_data", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):  # type: ignore[no-untyped-def]
    return demo_output


def _communities() -> list[Place]:
    return list(Place.objects.filter(kind=PlaceKind.COMMUNITY, parent__name="和平街道")
                .order_by("name"))


def test_places_people_and_committee(demo):
    street = Place.objects.get(name="和平街道", parent__name="东湖区", parent__parent__name="示范市")
    community = Place.objects.get(name="幸福社区", parent=street, is_village=False)
    village = Place.objects.get(name="桃园村", parent=street, is_village=True)
    for c in (community, village):
        assert Household.objects.filter(community=c).count() >= 300
        sizes = {h.members.count() for h in Household.objects.filter(community=c)[:200]}
        assert sizes <= {2, 3, 4}
        seats = set(CommitteeMembership.objects.filter(community=c, ended_on__isnull=True)
                    .values_list("seat", flat=True))
        assert seats == set(Seat.values)
        reps = Role.objects.filter(kind=RoleKind.REPRESENTATIVE, place__path__startswith=c.path)
        households = Household.objects.filter(community=c).count()
        assert households / 15 <= reps.count() <= households / 10
        for kind in (RoleKind.COURIER, RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY,
                     RoleKind.SUPERVISOR):
            assert Role.objects.filter(kind=kind, place=c).exists(), kind
    for group in Place.objects.filter(kind=PlaceKind.GROUP, parent=community):
        assert 200 <= Household.objects.filter(place__path__startswith=group.path).count() <= 300
    assert Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path).count() >= 10
    assert Role.objects.filter(kind=RoleKind.TOWNSHIP, place=street).exists()
    assert Role.objects.filter(kind=RoleKind.CITY, place__name="示范市").exists()
    # Valid, unique personal data; children and the elderly among the residents.
    data = list(PersonalData.objects.values_list("id_number", "phone"))
    assert len(data) == Person.objects.count()
    assert all(is_valid_id_number(i) for i, _p in data)
    assert all(is_valid_phone(p) for _i, p in data if p)
    assert len({i for i, _p in data}) == len(data)
    adults = selectors.eligible_residents(community, timezone.localdate(), 18)
    people = Person.objects.filter(community=community).count()
    assert 0 < adults < people


def test_opinions_proposals_and_audit(demo):
    for c in _communities():
        states = set(Opinion.objects.filter(community=c).values_list("state", flat=True))
        assert states == set(OPINION_STATES)
        assert set(Opinion.objects.filter(community=c).values_list("category", flat=True)) >= {
            "sanitation", "traffic", "welfare", "dispute", "governance"}
        assert Opinion.objects.filter(community=c, state__in=OPEN_OPINION_STATES,
                                      due_date__lt=timezone.localdate()).exists()
        assert set(JointProposal.objects.filter(community=c).values_list("state", flat=True)) == set(
            PROPOSAL_STATES)
    # Past the threshold by residents' signatures (≥1/10), with a mandatory topic.
    reached = JointProposal.objects.get(community__name="幸福社区", state="reached")
    assert reached.topic is not None and reached.topic.mandatory
    first = Signature.objects.filter(proposal=reached).first()
    assert first is not None
    assert reached.resident_signatures * 10 >= first.eligible_residents
    assert reached.proposer.user.username == "resident"
    village = JointProposal.objects.get(community__name="桃园村", state="reached")
    assert village.topic is not None and village.topic.mandatory
    assert Topic.objects.filter(mandatory=True).count() == 2
    # One open proposal a few signatures short.
    assert "2 more reach the threshold" in demo
    # Every action went through the services: the chain verifies.
    result = audit.verify()
    assert result.ok, result
    assert result.checked > 300


def test_accounts_log_in_and_a_second_run_changes_nothing(demo, client):
    from yishi.demo.builder import ACCOUNTS, PASSWORD

    assert PASSWORD == "yishi2026"
    for account in ACCOUNTS:
        assert account.username in demo
        assert client.login(username=account.username, password=PASSWORD), account.username
        client.logout()
    me = Person.objects.get(user__username="resident")
    assert me.name == "王秀英" and me.community.name == "幸福社区"
    assert Opinion.objects.filter(raised_by=me).count() >= 3
    counts = (Person.objects.count(), Opinion.objects.count(), JointProposal.objects.count())
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "demo data already loaded" in out.getvalue()
    assert "resident" in out.getvalue()
    assert (Person.objects.count(), Opinion.objects.count(), JointProposal.objects.count()) == counts
    assert audit.verify().ok
