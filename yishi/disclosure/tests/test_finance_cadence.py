"""Finances at least every quarter, every month where the community says so
(004 第一篇 四.4)."""

from __future__ import annotations

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.disclosure.models import DisclosureItem, DisclosureSettings
from yishi.disclosure.services import finance_cadence, schedule_disclosures, set_finance_cadence

pytestmark = pytest.mark.django_db


def _finance(tree):
    return list(DisclosureItem.objects.filter(community=tree["b"], kind="finance")
                .order_by("due_on").values_list("period", flat=True))


def test_a_community_that_says_monthly_gets_twelve_finance_disclosures(tree, people):
    actor = people["staff_b"].user
    assert finance_cadence(tree["b"]) == "quarterly"
    set_finance_cadence(actor=actor, community=tree["b"], cadence="monthly")
    schedule_disclosures(actor=actor, community=tree["b"], year=2026)
    periods = _finance(tree)
    assert periods[0] == "2025-M12" and periods[-1] == "2026-M11" and len(periods) == 12
    # The other kinds keep their statutory cadence.
    assert DisclosureItem.objects.filter(community=tree["b"], kind="village").count() == 4
    assert AuditEvent.objects.filter(action="disclosure.settings").count() == 1


def test_a_year_already_laid_out_quarterly_keeps_its_finances(tree, people):
    actor = people["staff_b"].user
    schedule_disclosures(actor=actor, community=tree["b"], year=2026)
    set_finance_cadence(actor=actor, community=tree["b"], cadence="monthly")
    assert schedule_disclosures(actor=actor, community=tree["b"], year=2026) == []
    assert len(_finance(tree)) == 4
    schedule_disclosures(actor=actor, community=tree["b"], year=2027)
    assert len(_finance(tree)) == 16


@pytest.mark.parametrize("cadence", ["half-yearly", "yearly", ""])
def test_a_cadence_below_quarterly_is_refused_with_the_clause(tree, people, cadence):
    with pytest.raises(RuleViolation) as refused:
        set_finance_cadence(actor=people["staff_b"].user, community=tree["b"], cadence=cadence)
    assert refused.value.clause == "004 第一篇 四.4"
    assert not DisclosureSettings.objects.exists()


def test_only_its_staff_set_the_cadence(tree, people):
    with pytest.raises(PermissionDenied):
        set_finance_cadence(actor=people["staff_a"].user, community=tree["b"],
                            cadence="monthly")
    assert finance_cadence(tree["b"]) == "quarterly"


def test_the_schedule_page_sets_the_cadence_and_refuses_in_words(client, tree, people):
    client.force_login(people["staff_b"].user)
    url = f"/disclosure/{tree['b'].pk}/schedule/"
    refused = client.post(url, {"action": "cadence", "finance_cadence": "yearly"})
    assert refused.status_code == 400
    assert "依据《乡镇规范化建设文件汇编》" in refused.content.decode()
    assert client.post(url, {"action": "cadence", "finance_cadence": "monthly"}).status_code == 302
    assert finance_cadence(tree["b"]) == "monthly"
    assert client.get(url).context["cadence_form"].initial["finance_cadence"] == "monthly"
