"""转办: a street keeps the list of departments its communities refer opinions to; the
referral form offers the opinion's street's list, and a department of another street or
one no longer referred to is refused with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent
from yishi.intake import services
from yishi.intake.forms import ReferForm
from yishi.intake.models import Opinion, OpinionStep
from yishi.places.models import PlaceKind, ReferralDepartment
from yishi.places.tests.factories import PASSWORD, PlaceFactory

from .helpers import raise_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(people: dict[str, Any], tree: dict[str, Any]) -> Opinion:
    o = raise_as(people["resident_a"], tree["a_building"])
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=o)
    return o


@pytest.fixture
def departments(tree: dict[str, Any]) -> dict[str, ReferralDepartment]:
    other = PlaceFactory(name="平安街道", kind=PlaceKind.STREET, parent=tree["district"])
    return {
        "police": ReferralDepartment.objects.create(street=tree["street"], name="派出所",
                                                    order=2),
        "city": ReferralDepartment.objects.create(street=tree["street"], name="城管执法中队",
                                                  order=1),
        "closed": ReferralDepartment.objects.create(street=tree["street"], name="旧水务站",
                                                    active=False),
        "elsewhere": ReferralDepartment.objects.create(street=other, name="平安派出所"),
    }


def _written() -> tuple[int, int]:
    return AuditEvent.objects.count(), OpinionStep.objects.count()


def _client(person: Any) -> Client:
    c = Client()
    assert c.login(username=person.user.username, password=PASSWORD)
    return c


def _refer(client: Client, opinion: Opinion, data: dict[str, str]) -> str:
    response = client.post(f"/intake/opinions/{opinion.pk}/refer/", {**data, "confirmed": "1"},
                           follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_referral_form_offers_the_streets_active_departments_in_order(
        people, opinion, departments) -> None:  # type: ignore[no-untyped-def]
    page = _client(people["staff_a"]).get(f"/intake/opinions/{opinion.pk}/").content.decode()
    select = page[page.index('name="listed"'):page.index("</select>", page.index('name="listed"'))]
    names = [n for n in ("城管执法中队", "派出所", "旧水务站", "平安派出所") if n in select]
    assert names == ["城管执法中队", "派出所"]
    assert select.index("城管执法中队") < select.index("派出所") < select.index("其他部门")


def test_a_chosen_department_is_the_referral(people, opinion, departments) -> None:  # type: ignore[no-untyped-def]
    _refer(_client(people["staff_a"]), opinion,
           {"listed": str(departments["police"].pk), "department": "", "note": "治安问题"})
    opinion.refresh_from_db()
    assert (opinion.state, opinion.referred_to, opinion.referred_department) == (
        "referred", "派出所", departments["police"])


@pytest.mark.parametrize(("which", "message"), [
    ("elsewhere", "不是和平街道的转办部门"), ("closed", "旧水务站已不再接收转办")])
def test_a_department_of_another_street_or_no_longer_used_is_refused(
        people, opinion, departments, which, message) -> None:  # type: ignore[no-untyped-def]
    before = _written()
    page = _refer(_client(people["staff_a"]), opinion,
                  {"listed": str(departments[which].pk), "department": "", "note": ""})
    assert message in page
    assert _written() == before
    assert Opinion.objects.get(pk=opinion.pk).state == "acknowledged"
    with pytest.raises(RuleViolation):  # the service refuses it alike
        services.refer_opinion(actor=people["staff_a"].user, opinion=opinion,
                               department=departments[which])
    assert _written() == before


@pytest.mark.parametrize(("data", "message"), [
    ({"listed": "", "department": ""}, "请从列表中选择部门，或写明其他部门"),
    ({"listed": "999999", "department": ""}, "请从列表中选择部门。"),
    ({"listed": "abc", "department": ""}, "请从列表中选择部门。"),
])
def test_no_department_or_a_made_up_one_is_refused(people, opinion, departments, data,
                                                   message) -> None:  # type: ignore[no-untyped-def]
    before = _written()
    page = _refer(_client(people["staff_a"]), opinion, {**data, "note": ""})
    assert message in page and _written() == before


def test_another_department_by_name_is_the_last_choice(people, opinion, departments) -> None:  # type: ignore[no-untyped-def]
    _refer(_client(people["staff_a"]), opinion,
           {"listed": "other", "department": "区水务局", "note": ""})
    opinion.refresh_from_db()
    assert (opinion.referred_to, opinion.referred_department) == ("区水务局", None)


def test_a_street_without_a_list_names_the_department(people, opinion) -> None:  # type: ignore[no-untyped-def]
    form = ReferForm(opinion=opinion)
    assert "listed" not in form.fields
    _refer(_client(people["staff_a"]), opinion, {"department": "城管局", "note": "转办"})
    assert Opinion.objects.get(pk=opinion.pk).referred_to == "城管局"


def test_officials_keep_the_lists_in_the_admin(admin_client, departments, tree) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get("/admin/places/referraldepartment/add/").content.decode()
    assert f'<option value="{tree["street"].pk}">和平街道</option>' in page
    assert "幸福社区" not in page  # streets only
    listing = admin_client.get("/admin/places/referraldepartment/").content.decode()
    assert "派出所" in listing and "平安派出所" in listing
