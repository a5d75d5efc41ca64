from datetime import timedelta

import pytest

from yishi.core import sweeps
from yishi.core.models import Notification
from yishi.disclosure.models import DisclosureItem
from yishi.disclosure.services import schedule_disclosures


@pytest.mark.django_db
def test_disclosure_reminders_run_with_the_periodic_sweeps_once(people, tree):
    staff_user = people["staff_a"].user
    schedule_disclosures(actor=staff_user, community=tree["a"], year=2026)
    due = DisclosureItem.objects.filter(community=tree["a"]).order_by("due_on").first()
    assert "disclosure.due_soon" in sweeps.registered()

    today = due.due_on - timedelta(days=3)
    sweeps.run(names=["disclosure.due_soon"], today=today)
    sent = Notification.objects.filter(recipient=staff_user).count()
    assert sent >= 1

    sweeps.run(names=["disclosure.due_soon"], today=today)
    assert Notification.objects.filter(recipient=staff_user).count() == sent
