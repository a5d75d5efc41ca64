"""误工补贴 (000 (四)(3)): registered, and posted with the village-affairs disclosure of the
quarter they were paid in, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.disclosure import rules
from yishi.disclosure.models import DisclosureItem, LostWorkSubsidy
from yishi.disclosure.services import publish_disclosure, record_subsidy, schedule_disclosures
from yishi.disclosure.tests.factories import ready_to_publish

TODAY = date(2026, 6, 1)


@given(amounts=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"),
                                    places=2), min_size=1, max_size=6))
def test_the_section_lists_each_payment_and_the_total(amounts):
    rows = [(f"张{i}", "加装电梯协商", a, date(2026, 3, 1)) for i, a in enumerate(amounts)]
    text = rules.subsidy_section(rows)
    for payee, _p, amount, _d in rows:
        assert payee in text and f"{amount:.2f}" in text
    assert f"{sum(amounts, Decimal('0')):.2f}" in text.splitlines()[-1]
    assert rules.subsidy_section([]) == ""


@pytest.mark.parametrize("values", [
    {"payee": ""}, {"purpose": " "}, {"amount": None}, {"amount": Decimal("0")},
    {"amount": Decimal("-5")}, {"amount": Decimal("1.005")}, {"amount": Decimal("NaN")},
    {"amount": Decimal("200000")}, {"paid_on": None}, {"paid_on": date(2026, 6, 2)},
    {"payee": "张" * 51},
])
def test_bad_payments_are_refused(values):
    good = {"payee": "王大伯", "purpose": "组织加装电梯协商", "amount": Decimal("200"),
            "paid_on": date(2026, 5, 1)}
    assert rules.validate_subsidy(**good, today=TODAY) == []
    assert rules.validate_subsidy(**{**good, **values}, today=TODAY)


@pytest.mark.django_db
def test_subsidies_are_posted_with_their_quarters_village_affairs_once(tree, people):
    staff_user = people["staff_b"].user
    paid = record_subsidy(actor=staff_user, community=tree["b"], payee="王大伯",
                          purpose="组织道路硬化协商", amount=Decimal("150.50"),
                          paid_on=date(2026, 2, 10))
    record_subsidy(actor=staff_user, community=tree["b"], payee="李婶",
                   purpose="组织垃圾分类协商", amount=Decimal("80"), paid_on=date(2025, 12, 30))
    assert AuditEvent.objects.filter(action="disclosure.subsidy").count() == 2
    assert "王大伯" not in str(AuditEvent.objects.filter(action="disclosure.subsidy")
                               .values_list("after", flat=True)[0])
    schedule_disclosures(actor=staff_user, community=tree["b"], year=2026)
    q1 = DisclosureItem.objects.get(community=tree["b"], kind="village", period="2026-Q1")
    ready_to_publish(q1)
    notice = publish_disclosure(actor=staff_user, item=q1, title="2026年第一季度村务公开",
                                body="本季度村务情况如下。", starts_on=date(2026, 4, 10),
                                ends_on=date(2026, 4, 30), issuer="桃园村村民委员会")
    assert "王大伯" in notice.body and "150.50" in notice.body and "李婶" not in notice.body
    paid.refresh_from_db()
    assert paid.disclosure == q1
    # The finance item of the same quarter does not post them again.
    finance = DisclosureItem.objects.get(community=tree["b"], kind="finance", period="2026-Q1")
    ready_to_publish(finance)
    other = publish_disclosure(actor=staff_user, item=finance, title="财务公开", body="收支。",
                               starts_on=date(2026, 4, 10), ends_on=date(2026, 4, 30),
                               issuer="桃园村村民委员会")
    assert "王大伯" not in other.body


@pytest.mark.django_db
def test_only_its_staff_register_and_nothing_is_written_when_refused(tree, people):
    with pytest.raises(PermissionDenied):
        record_subsidy(actor=people["staff_a"].user, community=tree["b"], payee="王大伯",
                       purpose="协商", amount=Decimal("100"), paid_on=date(2026, 1, 5))
    with pytest.raises(RuleViolation):
        record_subsidy(actor=people["staff_b"].user, community=tree["b"], payee="王大伯",
                       purpose="协商", amount=Decimal("0"), paid_on=date(2026, 1, 5))
    assert not LostWorkSubsidy.objects.exists()


@pytest.mark.django_db
def test_the_subsidies_page_registers_and_refuses_in_words(client, tree, people):
    client.force_login(people["staff_b"].user)
    url = f"/disclosure/{tree['b'].pk}/subsidies/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"payee": "王大伯", "purpose": "组织协商", "amount": "0",
                                "paid_on": "2026-01-05"})
    assert refused.status_code == 400 and "元" in refused.content.decode()
    assert client.post(url, {"payee": "王大伯", "purpose": "组织协商", "amount": "abc",
                             "paid_on": "2026-01-05"}).status_code == 400
    assert not LostWorkSubsidy.objects.exists()
    ok = client.post(url, {"payee": "王大伯", "purpose": "组织协商", "amount": "120",
                           "paid_on": "2026-01-05"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "王大伯" in page and 'data-testid="subsidies"' in page
    client.force_login(people["staff_a"].user)
    assert client.get(url).status_code == 404
