"""The register answers core's SMS channel with a person's phone (registered in ``ready()``)."""

from __future__ import annotations

from typing import Any

import pytest

from yishi.core import contacts
from yishi.core.channels import SmsBackend
from yishi.places.contacts import phone_for_user
from yishi.places.models import PersonalData
from yishi.places.tests.factories import UserFactory, resident, staff


def test_places_registers_its_phone_resolver_with_core() -> None:
    assert contacts._phone_resolver is phone_for_user


@pytest.mark.django_db
def test_a_user_with_a_phone_on_the_register_gets_an_sms_address(tree: dict[str, Any]) -> None:
    person = resident(tree["a"], username="with_phone")
    PersonalData.objects.filter(person=person).update(phone="13912345678")
    user = type(person.user).objects.get(pk=person.user.pk)  # fresh: nothing cached
    assert SmsBackend().address(user) == "13912345678"


@pytest.mark.django_db
def test_a_user_without_a_phone_gets_no_sms_address(tree: dict[str, Any]) -> None:
    no_person = UserFactory(username="no_person")
    no_personal = staff(tree["a"], username="no_personal")
    PersonalData.objects.filter(person=no_personal).delete()
    blank = resident(tree["a"], username="blank_phone")
    PersonalData.objects.filter(person=blank).update(phone="")
    users = type(no_person).objects.filter(
        username__in=["no_person", "no_personal", "blank_phone"])
    assert {u.username: SmsBackend().address(u) for u in users} == {
        "no_person": "", "no_personal": "", "blank_phone": "",
    }
