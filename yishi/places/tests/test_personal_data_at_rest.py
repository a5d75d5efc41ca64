"""Residents' phone and ID numbers at rest (GB/T 22239 数据保密性, PIPL): plaintext in Python,
SM4-GCM tokens in the table, found through their blind indexes however they are spelled."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from yishi.conftest import verify_second_factor
from yishi.core import crypto
from yishi.places import selectors
from yishi.places.admin import PersonalDataForm
from yishi.places.models import Person, PersonalData
from yishi.places.tests.factories import PersonFactory, UserFactory, id_number_for

PHONE = "13812345678"
# An ID number whose check character is X, the one place where spelling differs.
ID_X = next(n for n in (id_number_for(date(1990, 3, 7), s) for s in range(1000)) if n[-1] == "X")


@pytest.fixture
def person(db) -> Person:  # type: ignore[no-untyped-def]
    person = PersonFactory(name="赵六")
    PersonalData.objects.filter(person=person).update(phone=PHONE, id_number=ID_X)
    return Person.objects.select_related("personal").get(pk=person.pk)


def _raw_row(pk: int) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM places_personaldata WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def _raw_set(pk: int, column: str, value: str | None) -> None:
    assert column in ("phone", "id_number")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE places_personaldata SET {column} = %s WHERE id = %s", [value, pk])


def _raw_get(pk: int, column: str) -> str:
    assert column in ("phone", "id_number")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM places_personaldata WHERE id = %s", [pk])
        (value,) = cursor.fetchone()
    return str(value)


def test_the_numbers_read_back_as_plaintext(person: Person) -> None:
    assert person.personal.phone == PHONE and person.personal.id_number == ID_X
    assert list(PersonalData.objects.filter(pk=person.personal.pk)
                .values_list("phone", "id_number")) == [(PHONE, ID_X)]
    created = PersonalData.objects.create(person=Person.objects.create(name="新人"),
                                          phone="13900000000", id_number=None)
    created.refresh_from_db()
    assert (created.phone, created.id_number, created.id_number_index) == ("13900000000", None, None)


def test_the_table_holds_neither_the_phone_nor_the_id_number(person: Person) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM places_personaldata")
        everything = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for secret in (PHONE, ID_X, ID_X[:17], ID_X.lower()):
        assert secret not in everything
    for column in ("phone", "id_number"):
        assert _raw_get(person.personal.pk, column).startswith("v1:")
    # Every factory resident is in there too, and none of their numbers is.
    for pd in PersonalData.objects.all():
        assert pd.phone not in everything
        assert not pd.id_number or pd.id_number not in everything


@pytest.mark.parametrize("spelled", [PHONE, "138 1234 5678", "+86 138-1234-5678", "0086.13812345678",
                                     "１３８１２３４５６７８"])
def test_a_phone_finds_its_person_however_it_is_spelled(person: Person, spelled: str) -> None:
    assert list(PersonalData.objects.with_phone(spelled).values_list("person", flat=True)) == [
        person.pk]


@pytest.mark.parametrize("spelled", [ID_X, ID_X.lower(), f" {ID_X[:6]} {ID_X[6:14]} {ID_X[14:]} "])
def test_an_id_number_finds_its_person_however_it_is_spelled(person: Person, spelled: str) -> None:
    assert PersonalData.objects.with_id_number(spelled).get().person == person
    assert list(PersonalData.objects.with_id_numbers([spelled, "nobody"])) == [person.personal]


def test_a_courier_finds_the_resident_by_phone_or_id_number(person: Person) -> None:
    community = person.community
    assert community is not None
    for key in (PHONE, ID_X, ID_X.lower()):
        assert list(selectors.residents_by_number(key, [community])) == [person]


def test_no_number_finds_nobody(person: Person) -> None:
    PersonFactory()  # has a phone, no matter
    PersonalData.objects.filter(pk=person.personal.pk).update(phone="", id_number=None)
    assert not PersonalData.objects.with_phone("").exists()
    assert not PersonalData.objects.with_id_number("  ").exists()
    assert not PersonalData.objects.with_id_numbers([]).exists()


def test_the_encrypted_columns_refuse_lookups_that_cannot_work(person: Person) -> None:
    with pytest.raises(FieldError, match="places.PersonalData.phone is encrypted"):
        list(PersonalData.objects.filter(phone=PHONE))
    with pytest.raises(FieldError, match="through its blind index"):
        list(Person.objects.filter(personal__id_number__icontains="1990"))
    assert PersonalData.objects.filter(id_number__isnull=False).count() == PersonalData.objects.count()


def test_the_same_id_number_twice_is_refused_however_it_is_spelled(person: Person) -> None:
    other = Person.objects.create(name="冒名")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalData.objects.create(person=other, id_number=ID_X.lower())
    # No ID number is no clash: many people may have none.
    PersonalData.objects.create(person=other, id_number=None)
    PersonalData.objects.create(person=Person.objects.create(name="无证"), id_number=None)


def test_the_admin_form_refuses_an_id_number_someone_else_holds(person: Person) -> None:
    other = PersonFactory()
    form = PersonalDataForm(data={"phone": "", "id_number": ID_X.lower()},
                            instance=other.personal)
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["id_number"] == ["Personal data with this ID number already exists."]
    # Its own number again is no clash.
    mine = PersonalDataForm(data={"phone": PHONE, "id_number": ID_X}, instance=person.personal)
    assert mine.is_valid(), mine.errors


def test_the_admin_finds_a_person_by_a_whole_number(person: Person) -> None:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    verify_second_factor(client, admin)
    for term in (PHONE, "138-1234-5678", ID_X.lower(), person.name):
        page = client.get("/admin/places/person/", {"q": term}).content.decode()
        assert f"/admin/places/person/{person.pk}/change/" in page, term
    page = client.get("/admin/places/person/", {"q": PHONE[:7]}).content.decode()
    assert f"/admin/places/person/{person.pk}/change/" not in page  # no part of a number


def test_updates_and_bulk_updates_keep_the_index(person: Person) -> None:
    PersonalData.objects.filter(pk=person.personal.pk).update(phone="13700000000")
    assert PersonalData.objects.with_phone("13700000000").get().person == person
    assert not PersonalData.objects.with_phone(PHONE).exists()
    pd = person.personal
    pd.phone = "13600000000"
    PersonalData.objects.bulk_update([pd], ["phone"])
    assert PersonalData.objects.with_phone("13600000000").get().person == person


def test_the_index_follows_the_number_whatever_is_assigned(person: Person) -> None:
    pd = person.personal
    pd.phone_index = "forged"
    pd.save()
    assert PersonalData.objects.with_phone(PHONE).get() == pd
    assert pd.phone_index == crypto.blind_index("phone", PHONE)


def test_an_edited_token_refuses_to_decrypt(person: Person) -> None:
    pk = person.personal.pk
    token = _raw_get(pk, "phone")
    raw = bytearray(base64.b64decode(token[3:]))
    raw[15] ^= 0x01
    _raw_set(pk, "phone", "v1:" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(crypto.DecryptionError, match="places.PersonalData.phone does not decrypt"):
        PersonalData.objects.get(pk=pk)


def test_a_token_moved_to_the_other_column_refuses_to_decrypt(person: Person) -> None:
    pk = person.personal.pk
    _raw_set(pk, "id_number", _raw_get(pk, "phone"))
    with pytest.raises(crypto.DecryptionError, match="copied from another column"):
        PersonalData.objects.get(pk=pk)


def test_another_key_refuses_to_decrypt(person: Person, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YISHI_DATA_KEY = "someone-elses-key-of-at-least-thirty-two-characters"
    with pytest.raises(crypto.DecryptionError, match="another YISHI_DATA_KEY"):
        PersonalData.objects.get(pk=person.personal.pk)
    assert not PersonalData.objects.with_phone(PHONE).exists()  # nor does its index match


def test_a_dump_holds_tokens_and_loads_them_back(person: Person) -> None:
    dumped = serializers.serialize("json", PersonalData.objects.filter(pk=person.personal.pk))
    assert PHONE not in dumped and ID_X not in dumped and '"v1:' in dumped
    (loaded,) = serializers.deserialize("json", dumped)
    assert (loaded.object.phone, loaded.object.id_number) == (PHONE, ID_X)
