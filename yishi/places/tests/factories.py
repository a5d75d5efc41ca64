"""Factories for places and people; the other apps' tests build on them."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from yishi.places.models import (
    CommunitySettings,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    Role,
    RoleKind,
)
from yishi.places.rules import id_check_digit

PASSWORD = "yishi-test-pass"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"地点{n}")
    kind = PlaceKind.COMMUNITY
    parent = None


def place_tree() -> dict[str, Place]:
    """city → district → street → two communities, each with a group and a building."""
    city = PlaceFactory(name="示范市", kind=PlaceKind.CITY)
    district = PlaceFactory(name="东城区", kind=PlaceKind.DISTRICT, parent=city)
    street = PlaceFactory(name="和平街道", kind=PlaceKind.STREET, parent=district)
    a = PlaceFactory(name="幸福社区", kind=PlaceKind.COMMUNITY, parent=street)
    b = PlaceFactory(name="桃园村", kind=PlaceKind.COMMUNITY, parent=street, is_village=True)
    a_group = PlaceFactory(name="第一居民小组", kind=PlaceKind.GROUP, parent=a)
    a_bldg = PlaceFactory(name="1栋", kind=PlaceKind.BUILDING, parent=a_group)
    b_group = PlaceFactory(name="一组", kind=PlaceKind.GROUP, parent=b)
    return {"city": city, "district": district, "street": street, "a": a, "b": b,
            "a_group": a_group, "a_building": a_bldg, "b_group": b_group}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


_id_seq = iter(range(1, 10**6))


def make_id_number(birth: date) -> str:
    first17 = f"110101{birth:%Y%m%d}{next(_id_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"居民{n}")
    birth_date = date(1980, 5, 1)
    community = factory.SubFactory(PlaceFactory)
    registered_on = date(2020, 1, 1)

    @factory.post_generation
    def personal(obj: Person, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            phone = f"139{obj.pk:08d}"
            PersonalData.objects.create(
                person=obj, phone=phone,
                id_number=make_id_number(obj.birth_date) if obj.birth_date else None,
            )


def resident(community: Place, *, username: str | None = None, **kwargs: object) -> Person:
    """A registered adult resident with an account (when ``username`` is given)."""
    user = UserFactory(username=username) if username else None
    household = Household.objects.create(
        community=community, place=community,
        number=f"H{Household.objects.count() + 1:05d}",
    )
    return PersonFactory(community=community, household=household, user=user, **kwargs)


def staff(place: Place, *, username: str, kind: str = RoleKind.STAFF) -> Person:
    """An official holding ``kind`` at ``place`` (not a resident of it)."""
    person = PersonFactory(community=None, user=UserFactory(username=username), name=username)
    Role.objects.create(person=person, place=place, kind=kind, start=date(2020, 1, 1))
    return person


def settings_for(community: Place, **values: object) -> CommunitySettings:
    cfg, _ = CommunitySettings.objects.get_or_create(community=community)
    for k, v in values.items():
        setattr(cfg, k, v)
    cfg.save()
    return cfg


def id_number_for(birth: date, serial: int, region: str = "440106") -> str:
    """A valid ID number (another region than ``make_id_number``'s, so they never collide);
    ``serial`` (0–999) decides the gender: odd is male."""
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


def register_xlsx(rows: list[list[object]], headers: list[str] | None = None,
                  *, title_row: str = "") -> bytes:
    """An XLSX resident register as staff would upload it (template headers by default)."""
    import io

    from openpyxl import Workbook

    from yishi.places.importers import TEMPLATE_HEADERS

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title_row:
        ws.append([title_row])
    ws.append(headers or TEMPLATE_HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def register_csv(rows: list[list[object]], headers: list[str] | None = None,
                 *, encoding: str = "utf-8") -> bytes:
    """A CSV resident register in ``encoding`` (Excel in China saves GBK)."""
    import csv
    import io

    from yishi.places.importers import TEMPLATE_HEADERS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers or TEMPLATE_HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)
