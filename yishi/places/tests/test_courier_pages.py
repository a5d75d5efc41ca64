"""The couriers' pages for community staff (002 一聘), in zh-hans: the list with terms and
assessments, and the forms to recruit, appoint, assess and reappoint; refusals in words,
no server error for any input, and as many queries for many couriers as for one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yishi.core import clock
from yishi.places import services
from yishi.places.models import CourierAppointment, CourierAssessment, Role, RoleKind
from yishi.places.tests.factories import resident


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return clock.localdate()


@pytest.fixture
def staff_client(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people["staff_a"].user)
    return client


@pytest.fixture
def recruitment(people, tree, today):  # type: ignore[no-untyped-def]
    return services.record_recruitment(
        actor=people["staff_a"].user, community=tree["a"],
        announced_on=today - timedelta(days=400), announced_where="社区公示栏",
        closes_on=today - timedelta(days=380))


def _appoint(people, tree, recruitment, today, name="赵丽华", days_ago=320):  # type: ignore[no-untyped-def]
    person = resident(tree["a"], name=name)
    return services.appoint_courier(actor=people["staff_a"].user, recruitment=recruitment,
                                    person=person, term_start=today - timedelta(days=days_ago),
                                    subsidy="300")


def test_the_staff_menu_leads_to_the_community_couriers(staff_client, tree):
    home = staff_client.get("/").content.decode()
    assert reverse("places:couriers_index") in home and "民情专递员" in home
    response = staff_client.get(reverse("places:couriers_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("places:couriers", args=[tree["a"].pk])


def test_the_list_shows_each_courier_with_term_and_assessment(staff_client, people, tree,
                                                              recruitment, today):
    due = _appoint(people, tree, recruitment, today)  # ends in 44 days: assessment due
    assessed = _appoint(people, tree, recruitment, today, name="钱多多", days_ago=100)
    services.assess_courier(actor=people["staff_a"].user, appointment=assessed,
                            assessed_on=today, result="excellent", comment="好",
                            assessed_by="社区党委")
    Role.objects.create(person=resident(tree["a"], name="孙老"), place=tree["a"],
                        kind=RoleKind.COURIER, start=today - timedelta(days=10))

    page = staff_client.get(reverse("places:couriers", args=[tree["a"].pk])).content.decode()

    assert "幸福社区的民情专递员" in page
    assert page.count('data-testid="courier"') == 2
    assert "赵丽华" in page and "钱多多" in page and "孙老" in page
    assert "待考核" in page and "考核：优秀" in page and "未登记招聘" in page
    assert f"{due.term_end:%Y-%m-%d}" in page
    assert "每月补贴300.00元" in page


def test_a_recruitment_and_an_appointment_are_made_on_the_page(staff_client, tree, today):
    url = reverse("places:couriers", args=[tree["a"].pk])
    response = staff_client.post(url, {
        "action": "recruit", "recruit-announced_on": f"{today - timedelta(days=30):%Y-%m-%d}",
        "recruit-announced_where": "社区公示栏", "recruit-closes_on":
        f"{today - timedelta(days=10):%Y-%m-%d}"}, follow=True)
    assert response.status_code == 200
    assert "招聘已登记" in response.content.decode()
    recruitment = tree["a"].courier_recruitments.get()
    person = resident(tree["a"], name="赵丽华")

    response = staff_client.post(url, {
        "action": "appoint", "appoint-recruitment": recruitment.pk,
        "appoint-lookup": person.personal.phone,
        "appoint-term_start": f"{today:%Y-%m-%d}", "appoint-subsidy": ""}, follow=True)

    assert "已聘任为民情专递员，聘期一年" in response.content.decode()
    appointment = CourierAppointment.objects.get()
    assert appointment.person == person and appointment.subsidy is None


def test_a_refused_appointment_says_why_with_the_clause_and_writes_nothing(staff_client, tree,
                                                                           recruitment, today):
    party = resident(tree["a"], name="吴海燕")
    Role.objects.create(person=party, place=tree["a"], kind=RoleKind.PARTY,
                        start=today - timedelta(days=900))
    response = staff_client.post(reverse("places:couriers", args=[tree["a"].pk]), {
        "action": "appoint", "appoint-recruitment": recruitment.pk,
        "appoint-lookup": party.personal.phone, "appoint-term_start": f"{today:%Y-%m-%d}"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "“两委”" in page and "依据《成都市基层治理实践（武侯区“民情专递”）》一聘" in page
    assert "002 一聘" not in page  # the clause in words only; the rule only as a class
    assert 'class="msg refusal rule-courier_two_committees error"' in page
    assert CourierAppointment.objects.count() == 0
    assert party.personal.phone in page  # the form keeps what was typed


def test_a_reappointment_without_an_assessment_is_refused_in_words(staff_client, people, tree,
                                                                   recruitment, today):
    a = _appoint(people, tree, recruitment, today)
    url = reverse("places:courier_term", args=[a.pk])

    response = staff_client.post(url, {"action": "reappoint", "reappoint-subsidy": "300"})

    assert response.status_code == 409
    assert "先登记本聘期的年度考核" in response.content.decode()
    assert CourierAppointment.objects.count() == 1

    response = staff_client.post(url, {
        "action": "assess", "assess-assessed_on": f"{today:%Y-%m-%d}",
        "assess-result": "competent", "assess-comment": "走访及时",
        "assess-assessed_by": "社区党委"}, follow=True)
    assert "考核已登记" in response.content.decode()
    response = staff_client.post(url, {"action": "reappoint", "reappoint-subsidy": "300"},
                                 follow=True)
    assert "已续聘下一年" in response.content.decode()
    assert CourierAppointment.objects.filter(previous=a).count() == 1


@pytest.mark.parametrize("data", [
    {},
    {"action": "nonsense"},
    {"action": "recruit"},
    {"action": "recruit", "recruit-announced_on": "2025-02-30", "recruit-closes_on": "x"},
    {"action": "appoint", "appoint-recruitment": "999999", "appoint-lookup": "abc"},
    {"action": "appoint", "appoint-lookup": "13900000000", "appoint-term_start": "9999-99-99"},
    {"action": "appoint", "appoint-subsidy": "-5", "appoint-lookup": "\x00"},
])
def test_odd_input_on_the_list_page_is_never_a_server_error(staff_client, tree, recruitment,
                                                            data):
    before = (CourierAppointment.objects.count(), tree["a"].courier_recruitments.count())
    response = staff_client.post(reverse("places:couriers", args=[tree["a"].pk]), data)
    assert response.status_code in (302, 400, 404, 409)
    assert (CourierAppointment.objects.count(),
            tree["a"].courier_recruitments.count()) == before


@pytest.mark.parametrize("data", [
    {"action": "assess", "assess-result": "superb", "assess-assessed_on": "2025-01-01"},
    {"action": "assess", "assess-result": "competent", "assess-assessed_on": "2999-01-01",
     "assess-comment": "好", "assess-assessed_by": "社区"},
    {"action": "reappoint", "reappoint-subsidy": "1e99"},
    {"action": "reappoint", "reappoint-subsidy": "abc"},
])
def test_odd_input_on_the_term_page_is_never_a_server_error(staff_client, people, tree,
                                                            recruitment, today, data):
    a = _appoint(people, tree, recruitment, today)
    response = staff_client.post(reverse("places:courier_term", args=[a.pk]), data)
    assert response.status_code in (400, 409)
    assert CourierAssessment.objects.count() == 0 and CourierAppointment.objects.count() == 1


def test_the_pages_are_404_alike_for_other_communities_and_residents(client, people, tree,
                                                                     recruitment, today):
    a = _appoint(people, tree, recruitment, today)
    for who in ("staff_b", "resident_a", "courier_a"):
        client.force_login(people[who].user)
        assert client.get(reverse("places:couriers", args=[tree["a"].pk])).status_code == 404
        assert client.get(reverse("places:courier_term", args=[a.pk])).status_code == 404
        assert client.post(reverse("places:courier_term", args=[a.pk]),
                           {"action": "reappoint"}).status_code == 404
    assert client.get(reverse("places:couriers", args=[999999])).status_code == 404
    client.force_login(people["township"].user)
    assert client.get(reverse("places:couriers", args=[tree["a"].pk])).status_code == 200
    assert client.get(reverse("places:couriers_index")).status_code == 200  # two to choose


def test_the_list_reads_as_many_queries_for_many_couriers_as_for_one(
        staff_client, people, tree, recruitment, today, django_assert_max_num_queries):
    url = reverse("places:couriers", args=[tree["a"].pk])
    first = _appoint(people, tree, recruitment, today)
    services.assess_courier(actor=people["staff_a"].user, appointment=first, assessed_on=today,
                            result="competent", comment="好", assessed_by="社区党委")
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(url).status_code == 200
    for i in range(6):
        a = _appoint(people, tree, recruitment, today, name=f"专递员{i}", days_ago=10 * i)
        if i % 2:
            services.assess_courier(actor=people["staff_a"].user, appointment=a,
                                    assessed_on=today, result="basic", comment="好",
                                    assessed_by="社区党委")
        Role.objects.create(person=resident(tree["a"], name=f"老专递员{i}"), place=tree["a"],
                            kind=RoleKind.COURIER, start=today - timedelta(days=5))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert page.count('data-testid="courier"') == 7
