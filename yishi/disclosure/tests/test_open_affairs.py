"""三务公开: a year laid out on the statutory cadence, published items, reminders once,
the township's overdue list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Notification
from yishi.disclosure.models import DisclosureItem, Notice
from yishi.disclosure.services import (
    add_disclosure_item,
    publish_disclosure,
    remind_due_disclosures,
    schedule_disclosures,
)
from yishi.disclosure.tests.factories import ready_to_publish
from yishi.places.models import PlaceKind
from yishi.places.tests.factories import PlaceFactory, staff

pytestmark = pytest.mark.django_db


def _publish(actor, item, **kw):
    if not item.reviews.exists():  # contents ticked and agreed (test_contents_review.py)
        ready_to_publish(item)
    values = dict(title="2026年第一季度村务公开", body="本季度收入12万元，支出8万元。",
                  starts_on=date(2026, 4, 10), ends_on=date(2026, 4, 30), issuer="桃园村村民委员会")
    values.update(kw)
    return publish_disclosure(actor=actor, item=item, **values)


def test_a_year_has_two_party_and_four_of_each_quarterly_disclosure(tree, people):
    items = schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026)
    by_kind: dict[str, list[DisclosureItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "party": 2, "government": 4, "village": 4, "finance": 4}
    assert [i.period for i in sorted(by_kind["party"], key=lambda i: i.due_on)] == [
        "2025-H2", "2026-H1"]
    assert AuditEvent.objects.filter(action="disclosure.schedule").count() == 1


def test_laying_out_the_same_year_twice_adds_nothing(tree, people):
    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026)
    assert schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026) == []
    assert DisclosureItem.objects.count() == 14


def test_only_the_communitys_staff_lay_out_its_schedule(tree, people):
    with pytest.raises(PermissionDenied):
        schedule_disclosures(actor=people["staff_a"].user, community=tree["b"], year=2026)
    with pytest.raises(RuleViolation):
        schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=1800)
    assert not DisclosureItem.objects.exists()


def test_publishing_an_item_posts_its_notice_once(tree, people):
    item = schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                                kinds=["village"])[1]
    notice = _publish(people["staff_b"].user, item)
    item.refresh_from_db()
    assert item.notice == notice and item.published_at is not None
    assert (notice.kind, notice.source_type, notice.source_id) == ("affairs", "disclosure.item", item.pk)
    with pytest.raises(RuleViolation):
        _publish(people["staff_b"].user, item)
    assert Notice.objects.count() == 1


def test_publishing_with_a_backwards_period_writes_nothing(tree, people):
    item = schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026)[0]
    with pytest.raises(RuleViolation):
        _publish(people["staff_b"].user, item, ends_on=date(2026, 4, 1))
    item.refresh_from_db()
    assert item.notice is None and not Notice.objects.exists()


def test_temporary_work_is_due_at_once_and_phased_work_needs_a_date(tree, people):
    actor = people["staff_a"].user
    now = add_disclosure_item(actor=actor, community=tree["a"], kind="immediate",
                              label="台风受损房屋救助", due_on=None)
    assert now.due_on == timezone.localdate() and now.period == ""
    with pytest.raises(RuleViolation):
        add_disclosure_item(actor=actor, community=tree["a"], kind="phased", label="改造一期",
                            due_on=None)
    with pytest.raises(RuleViolation):
        add_disclosure_item(actor=actor, community=tree["a"], kind="party", label="x",
                            due_on=date(2026, 1, 1))


def test_reminders_go_to_the_communitys_staff_once_per_item(tree, people):
    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026)
    schedule_disclosures(actor=people["staff_a"].user, community=tree["a"], year=2026,
                         kinds=["party"])
    today = date(2026, 7, 16)  # 4 days before 7-20
    sent = remind_due_disclosures(today=today)
    assert {(i.community_id, i.kind) for i in sent} == {
        (tree["b"].pk, "party"), (tree["b"].pk, "government"), (tree["b"].pk, "village"),
        (tree["b"].pk, "finance"), (tree["a"].pk, "party")}
    staff_b = people["staff_b"].user
    assert Notification.objects.filter(recipient=staff_b).count() == 4
    assert Notification.objects.filter(recipient=people["staff_a"].user).count() == 1
    assert not Notification.objects.filter(recipient=people["resident_b"].user).exists()
    # again the same morning, or the next: nothing new
    assert remind_due_disclosures(today=today) == []
    assert remind_due_disclosures(today=today + timedelta(days=1)) == []
    assert Notification.objects.count() == 5
    assert DisclosureItem.objects.filter(reminded_at__isnull=False).count() == 5
    assert AuditEvent.objects.filter(action="disclosure.remind").count() == 1


def test_no_reminder_too_early_after_the_due_date_or_once_published(tree, people):
    items = schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                                 kinds=["party"])
    assert remind_due_disclosures(today=date(2026, 7, 14)) == []  # 6 days ahead
    assert remind_due_disclosures(today=date(2026, 1, 21)) == []  # already past
    _publish(people["staff_b"].user, items[1])
    assert remind_due_disclosures(today=date(2026, 7, 18)) == []


def test_the_overdue_list_shows_each_official_only_their_places(client, tree, people):
    other_street = PlaceFactory(name="光明街道", kind=PlaceKind.STREET, parent=tree["district"])
    far = PlaceFactory(name="远方社区", kind=PlaceKind.COMMUNITY, parent=other_street)
    staff(far, username="far_staff")
    for community, user in ((tree["a"], people["staff_a"]), (tree["b"], people["staff_b"])):
        schedule_disclosures(actor=user.user, community=community, year=2025, kinds=["party"])
    from django.contrib.auth import get_user_model

    schedule_disclosures(actor=get_user_model().objects.get(username="far_staff"),
                         community=far, year=2025, kinds=["party"])
    client.force_login(people["township"].user)
    page = client.get("/disclosure/overdue/")
    names = {i.community.name for i in page.context["page"]}
    assert page.status_code == 200 and names == {"幸福社区", "桃园村"}
    client.force_login(people["staff_a"].user)
    assert {i.community.name for i in client.get("/disclosure/overdue/").context["page"]} == {"幸福社区"}
    client.force_login(people["resident_a"].user)
    assert client.get("/disclosure/overdue/").status_code == 404
    client.logout()
    assert client.get("/disclosure/overdue/").status_code == 302


def test_the_public_archive_lists_disclosures_by_period(client, tree, people):
    items = schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                                 kinds=["village"])
    _publish(people["staff_b"].user, items[1])
    page = client.get(f"/public/{tree['b'].pk}/affairs/")
    assert page.status_code == 200
    assert [i.pk for i in page.context["page"]] == [items[1].pk]
    assert items[1].label in page.content.decode()


def test_the_reminder_command_sends_once(tree, people):
    import io

    from django.core.management import call_command

    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                         kinds=["party"])
    out = io.StringIO()
    call_command("remind_disclosures", today="2026-07-18", stdout=out)
    call_command("remind_disclosures", today="2026-07-18", stdout=out)
    assert out.getvalue().splitlines() == ["1 disclosure reminders sent", "0 disclosure reminders sent"]
