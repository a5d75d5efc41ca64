"""The staff desk lists what is to be published next, and says 即将到期 only of an item due
within a week (issue 13: 「即将到期」 only where a deadline is near)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.disclosure.models import DisclosureItem

pytestmark = pytest.mark.django_db


def test_only_an_item_due_within_a_week_is_due_soon(client, tree, people) -> None:
    today = timezone.localdate()
    for period, days in (("near", 3), ("week", 7), ("far", 40)):
        DisclosureItem.objects.create(
            community=tree["a"], kind="phased", period=period, period_label=f"第{days}天",
            due_on=today + timedelta(days=days), created_at=timezone.now())
    client.force_login(people["staff_a"].user)
    html = client.get("/disclosure/").content.decode()
    rows = {label: html.split(label, 1)[1].split("</li>", 1)[0]
            for label in ("第3天", "第7天", "第40天")}
    assert "即将到期" in rows["第3天"] and "即将到期" in rows["第7天"]
    assert "即将到期" not in rows["第40天"]
    assert "待公开" in html
