"""Steps of the browser journeys that fill the same forms (found by id, never by text)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def record_representatives_meeting(page: Any, location: str = "社区议事厅") -> None:
    """On the topic page: a representatives' meeting held today after five days' notice."""
    today = timezone.localdate()
    page.select_option("#assembly_kind", "representatives")
    page.fill("#assembly_noticed_on", (today - timedelta(days=5)).isoformat())
    page.fill("#assembly_held_on", today.isoformat())
    page.fill("#assembly_location", location)
    page.get_by_test_id("record-assembly").click()


def count_the_hands(page: Any, *, yes: int, no: int = 0, abstain: int = 0,
                    decision: str) -> None:
    """On the assembly page: the count and the decision, then submit."""
    page.fill("#decide_yes", str(yes))
    page.fill("#decide_no", str(no))
    page.fill("#decide_abstain", str(abstain))
    page.fill("#decide_decision", decision)
    page.get_by_test_id("decide").click()
