"""On a phone: the clerk ticks and attaches the contents, the supervisory committee agrees,
and only then the disclosure is published (004 第一篇 四.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.disclosure import rules, services
from yishi.disclosure.models import DisclosureItem, NoticeAttachment
from yishi.places.models import RoleKind
from yishi.places.tests.factories import place_tree, staff
from yishi.testing.phone import check_phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_contents_ticked_and_agreed_before_the_disclosure_is_published(
        new_page, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = place_tree()
    clerk = staff(tree["b"], username="clerk")
    staff(tree["b"], username="jiandu", kind=RoleKind.SUPERVISOR)
    services.schedule_disclosures(actor=clerk.user, community=tree["b"],
                                  year=timezone.localdate().year, kinds=["finance"])
    item = DisclosureItem.objects.filter(community=tree["b"]).order_by("due_on").first()
    assert item is not None
    lines = rules.required_contents("finance", is_village=True)

    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "clerk")
    page.goto(f"/disclosure/items/{item.pk}/publish/")
    page.fill("#id_title", "财务公开")
    page.fill("#id_body", "本季度收入12万元，支出8万元。")
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="在公示栏公开").click()
    expect(page.locator(".errors")).to_contain_text("依据《乡镇规范化建设文件汇编》")
    expect(page.locator(".errors")).to_contain_text(str(lines[0].label))

    page.get_by_test_id("readiness").get_by_role("link").click()
    expect(page.get_by_test_id("content-line")).to_have_count(len(lines))
    check_phone_page(page)
    for line in page.get_by_test_id("content-line").all()[1:]:
        line.get_by_role("checkbox").check()
    page.set_input_files(f"#id_file_{lines[0].code}", files=[
        {"name": "收支明细.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="保存公开内容").click()
    expect(page.get_by_test_id("covered")).to_have_count(len(lines))

    page.context.clear_cookies()
    login(page, "jiandu")
    page.goto(f"/disclosure/items/{item.pk}/contents/")
    check_phone_page(page)
    page.get_by_label("同意公开").check()
    page.get_by_role("button", name="记录审核意见").click()
    expect(page.get_by_test_id("review-state")).to_contain_text("同意公开")

    page.context.clear_cookies()
    login(page, "clerk")
    page.goto(f"/disclosure/items/{item.pk}/publish/")
    page.fill("#id_title", "财务公开")
    page.fill("#id_body", "本季度收入12万元，支出8万元。")
    page.fill("#id_ends_on", (timezone.localdate() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="在公示栏公开").click()
    # The line's file is posted with the notice, and the preview says so.
    expect(page.get_by_test_id("confirm-preview")).to_contain_text("收支明细.pdf")
    page.get_by_test_id("confirm-yes").click()
    expect(page.get_by_test_id("notice-title")).to_have_text("财务公开")
    item.refresh_from_db()
    assert item.notice_id is not None
    assert NoticeAttachment.objects.get(notice=item.notice).name == "收支明细.pdf"


def test_the_schedule_and_the_subsidies_pages_on_a_phone(new_page) -> None:  # type: ignore[no-untyped-def]
    from yishi.disclosure.models import LostWorkSubsidy

    tree = place_tree()
    clerk = staff(tree["b"], username="clerk")
    services.schedule_disclosures(actor=clerk.user, community=tree["b"],
                                  year=timezone.localdate().year)
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "clerk")
    page.goto(f"/disclosure/{tree['b'].pk}/schedule/")
    check_phone_page(page)
    page.get_by_label("每月").check()
    page.locator("form:has(input[value=cadence]) button[type=submit]").click()
    expect(page.get_by_label("每月")).to_be_checked()

    page.goto(f"/disclosure/{tree['b'].pk}/subsidies/")
    check_phone_page(page)
    page.fill("#id_payee", "王大伯")
    page.fill("#id_purpose", "组织道路硬化协商")
    page.fill("#id_amount", "0")
    page.fill("#id_paid_on", timezone.localdate().isoformat())
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".errors")).to_contain_text("大于零")
    assert not LostWorkSubsidy.objects.exists()
    page.fill("#id_amount", "150")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("subsidies")).to_contain_text("王大伯")
    check_phone_page(page)
