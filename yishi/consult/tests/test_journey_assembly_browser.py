"""Browser journey of issue 10: a major matter reaches consensus, is refused publication as a
decision, goes to the representatives' meeting, which is refused at too few present and
then passes; only then are tasks cut and the decision published (001 §二(一)1).
Elements are found by data-testid, id or name, never by translated text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult import rules
from yishi.consult.models import Assembly
from yishi.core.clauses import in_words
from yishi.followup.models import ImplementationTask

from .browser import count_the_hands, record_representatives_meeting
from .helpers import representatives, signed_minutes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_major_matter_waits_for_the_representatives_meeting(new_page, tree, cast) -> None:
    reps = representatives(tree, 3)  # 2/3 or more: two of three must attend
    topic = signed_minutes(cast, tree, conclusion="共识纪要:电梯费用按楼层分摊")
    assert topic.is_major
    today = timezone.localdate()
    page = new_page()
    login(page, cast["staff_a"].user.username)
    page.goto(f"/consult/topics/{topic.pk}/")

    # Filed, then refused publication: no representatives' meeting has passed it yet.
    page.get_by_test_id("file").click()
    expect(page.get_by_test_id("topic-state")).to_have_attribute("data-state", "filed")
    page.get_by_test_id("publish").click()
    expect(page.locator(".msg.refusal")).to_contain_text(in_words(rules.CLAUSE_ASSEMBLY))
    expect(page.get_by_test_id("topic-state")).to_have_attribute("data-state", "filed")
    expect(page.get_by_test_id("assembly-needed")).to_be_visible()
    # Tasks are refused too.
    page.goto(f"/followup/topics/{topic.pk}/")
    page.get_by_test_id("task-form").evaluate(
        "el => el.closest('details') && (el.closest('details').open = true)")
    page.fill("#id_title", "按分摊方案收取费用")
    page.fill("#id_owner_body", "物业服务中心")
    page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
    page.get_by_test_id("add-task").click()
    expect(page.locator(".msg.refusal")).to_contain_text(in_words(rules.CLAUSE_ASSEMBLY))
    assert not ImplementationTask.objects.exists()

    # The representatives' meeting, recorded as held today after five days' notice.
    page.goto(f"/consult/topics/{topic.pk}/")
    record_representatives_meeting(page)
    assembly = Assembly.objects.get(topic=topic)
    page.get_by_test_id(f"assembly-{assembly.pk}").locator("a").click()
    expect(page.get_by_test_id("assembly-quorum")).to_contain_text("3")

    # One of three present: the count is refused, saying one more is needed.
    page.get_by_test_id(f"attend-{reps[0].pk}").click()
    expect(page.get_by_test_id("assembly-missing")).to_have_attribute("data-missing", "1")
    count_the_hands(page, yes=1, decision="同意电梯费用分摊方案")
    expect(page.locator(".msg.refusal")).to_contain_text(in_words("村民委员会组织法 第二十六条"))
    expect(page.get_by_test_id("assembly-result")).to_have_count(0)

    # A second representative arrives; more than half of the two present agree.
    page.get_by_test_id(f"attend-{reps[1].pk}").click()
    expect(page.get_by_test_id("assembly-quorum-met")).to_be_visible()
    count_the_hands(page, yes=2, decision="同意电梯费用分摊方案")
    expect(page.get_by_test_id("assembly-result")).to_be_visible()
    expect(page.get_by_test_id("assembly-arithmetic")).to_be_visible()

    # Only now: the task is cut and the decision published.
    page.goto(f"/followup/topics/{topic.pk}/")
    page.get_by_test_id("task-form").evaluate(
        "el => el.closest('details') && (el.closest('details').open = true)")
    page.fill("#id_title", "按分摊方案收取费用")
    page.fill("#id_owner_body", "物业服务中心")
    page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
    page.get_by_test_id("add-task").click()
    expect(page.get_by_test_id("topic-tasks")).to_be_visible()
    page.goto(f"/consult/topics/{topic.pk}/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("confirm-preview")).to_contain_text(topic.title)
    page.get_by_test_id("confirm-yes").click()
    expect(page.get_by_test_id("topic-state")).to_have_attribute("data-state", "published")
    assert ImplementationTask.objects.filter(topic=topic).count() == 1
