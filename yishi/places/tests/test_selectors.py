"""Residents found by number for a courier, in every community the courier serves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yishi.places.models import Role, RoleKind
from yishi.places.selectors import (
    courier_communities,
    residents_by_number,
    residents_for_courier,
)
from yishi.places.tests.factories import resident, staff

pytestmark = pytest.mark.django_db


def test_a_courier_serves_every_community_of_their_appointments(people, tree) -> None:
    courier = people["courier_a"]
    assert list(courier_communities(courier.user)) == [tree["a"]]
    Role.objects.create(person=courier, place=tree["b"], kind=RoleKind.COURIER,
                        start=date(2020, 1, 1))
    courier.user.__dict__.pop("_yishi_perm_cache", None)  # roles are cached per request
    assert set(courier_communities(courier.user)) == {tree["a"], tree["b"]}


def test_a_courier_at_the_street_serves_its_communities(tree) -> None:
    street_courier = staff(tree["street"], username="street_courier", kind=RoleKind.COURIER)
    assert set(courier_communities(street_courier.user)) == {tree["a"], tree["b"]}


def test_an_ended_appointment_and_other_roles_serve_nowhere(people) -> None:
    assert not courier_communities(people["staff_a"].user).exists()
    role = people["courier_a"].roles.get()
    role.end = timezone.localdate() - timedelta(days=1)
    role.save()
    assert not courier_communities(people["courier_a"].user).exists()


def test_residents_are_found_by_mobile_or_id_in_either_community(
        people, tree, django_assert_num_queries) -> None:
    courier = people["courier_a"]
    Role.objects.create(person=courier, place=tree["b"], kind=RoleKind.COURIER,
                        start=date(2020, 1, 1))
    villager = people["resident_b"]
    for key in (villager.personal.phone, villager.personal.id_number.lower(),
                f" {villager.personal.phone} "):
        courier.user.__dict__.pop("_yishi_perm_cache", None)
        with django_assert_num_queries(2):  # the courier's roles, then the residents
            assert list(residents_for_courier(courier.user, key)) == [villager]


def test_nobody_is_found_outside_the_communities_or_by_a_malformed_key(people, tree) -> None:
    other = resident(tree["b"])
    assert list(residents_for_courier(people["courier_a"].user, other.personal.phone)) == []
    assert list(residents_by_number("13", [tree["a"], tree["b"]])) == []
    assert list(residents_by_number("", [tree["a"]])) == []
    assert list(residents_by_number(other.personal.phone, [tree["b"]])) == [other]
