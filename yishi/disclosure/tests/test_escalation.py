"""An item not published by its due date is reported to its street's township officials,
once, with the other periodic sweeps (004 第一篇 四.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from yishi.core import sweeps
from yishi.core.models import AuditEvent, Notification
from yishi.disclosure.models import DisclosureItem
from yishi.disclosure.services import escalate_overdue_disclosures, schedule_disclosures
from yishi.disclosure.tests.factories import ready_to_publish
from yishi.places.models import PlaceKind, RoleKind
from yishi.places.tests.factories import PlaceFactory, staff

pytestmark = pytest.mark.django_db


def _items(people, tree):
    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                         kinds=["village"])
    return list(DisclosureItem.objects.filter(community=tree["b"]).order_by("due_on"))


def test_an_overdue_item_is_reported_to_the_township_once(tree, people):
    first, second, *_rest = _items(people, tree)
    township = people["township"].user
    assert escalate_overdue_disclosures(today=first.due_on) == []  # the due day is in time
    reported = escalate_overdue_disclosures(today=first.due_on + timedelta(days=1))
    assert [i.pk for i in reported] == [first.pk]
    note = Notification.objects.get(recipient=township)
    assert "桃园村" in note.subject and "逾期" in note.subject
    assert "依据《乡镇规范化建设文件汇编》" in note.body
    assert note.link == "/disclosure/overdue/"
    # Again the next day: nothing new; the staff of the community are not the addressees.
    assert escalate_overdue_disclosures(today=first.due_on + timedelta(days=2)) == []
    assert Notification.objects.filter(recipient=township).count() == 1
    assert not Notification.objects.filter(recipient=people["staff_b"].user).exists()
    first.refresh_from_db()
    assert first.escalated_at is not None
    assert AuditEvent.objects.filter(action="disclosure.escalate").count() == 1
    second.refresh_from_db()
    assert second.escalated_at is None


def test_a_published_item_is_not_reported(tree, people):
    from yishi.disclosure.services import publish_disclosure

    first = _items(people, tree)[0]
    ready_to_publish(first)
    publish_disclosure(actor=people["staff_b"].user, item=first, title="村务公开",
                       body="本季度情况。", starts_on=first.due_on, ends_on=first.due_on,
                       issuer="桃园村村民委员会")
    assert escalate_overdue_disclosures(today=first.due_on + timedelta(days=3)) == []


def test_only_the_officials_of_the_communitys_own_street_are_told(tree, people):
    other_street = PlaceFactory(name="新华街道", kind=PlaceKind.STREET, parent=tree["district"])
    elsewhere = staff(other_street, username="elsewhere", kind=RoleKind.TOWNSHIP)
    first = _items(people, tree)[0]
    escalate_overdue_disclosures(today=first.due_on + timedelta(days=1))
    assert not Notification.objects.filter(recipient=elsewhere.user).exists()
    assert Notification.objects.filter(recipient=people["township"].user).count() == 1


def test_the_escalation_runs_with_the_periodic_sweeps(tree, people):
    first = _items(people, tree)[0]
    assert "disclosure.overdue_escalation" in sweeps.registered()
    sweeps.run(names=["disclosure.overdue_escalation"], today=first.due_on + timedelta(days=1))
    sweeps.run(names=["disclosure.overdue_escalation"], today=first.due_on + timedelta(days=1))
    assert Notification.objects.filter(recipient=people["township"].user).count() == 1


def test_the_overdue_list_says_it_was_reported(client, tree, people):
    first = _items(people, tree)[0]  # due 2026-01-20, overdue by the real today
    escalate_overdue_disclosures(today=first.due_on + timedelta(days=1))
    client.force_login(people["township"].user)
    page = client.get("/disclosure/overdue/")
    assert page.status_code == 200
    assert first.pk in [i.pk for i in page.context["page"]]
    assert page.content.decode().count('data-testid="escalated"') == 1
