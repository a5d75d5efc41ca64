"""On a phone, staff publish a disclosure: the confirmation page shows the notice as the
public will see it (with its attachment), nothing is posted until 确认, and then the public
board shows it (issue 13, item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.disclosure import services
from yishi.disclosure.models import DisclosureItem, Notice, NoticeAttachment
from yishi.disclosure.tests.factories import ready_to_publish
from yishi.places.tests.factories import place_tree, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_see_the_notice_before_publishing_and_then_the_board_shows_it(
        new_page, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = place_tree()
    clerk = staff(tree["a"], username="clerk")
    services.schedule_disclosures(actor=clerk.user, community=tree["a"],
                                  year=timezone.localdate().year)
    item = DisclosureItem.objects.filter(community=tree["a"]).first()
    assert item is not None
    ready_to_publish(item)  # contents ticked, the supervisory committee agreed
    title = f"{timezone.localdate().year}年财务公开"
    until = (timezone.localdate() + timedelta(days=9)).isoformat()

    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "clerk")
    page.goto(f"/disclosure/items/{item.pk}/publish/")
    page.fill("#id_title", title)
    page.fill("#id_body", "本季度收入12万元，支出8万元。咨询电话13812345678。")
    page.fill("#id_ends_on", until)
    page.set_input_files("#id_attachments", files=[
        {"name": "收支明细.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="在公示栏公开").click()

    # The confirmation page, not a dialog: the notice as the board and its page will show it.
    expect(page.get_by_test_id("confirm-page")).to_be_visible()
    expect(page.get_by_test_id("confirm-dialog")).not_to_be_visible()
    preview = page.get_by_test_id("confirm-preview")
    expect(preview.get_by_test_id("notice-title")).to_have_text(title)
    expect(preview.get_by_test_id("notice-body")).to_contain_text("138****5678")
    expect(preview).to_contain_text("收支明细.pdf")
    expect(preview.get_by_test_id("preview-board")).to_contain_text(title)
    assert not Notice.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_test_id("confirm-yes").click()
    expect(page.get_by_test_id("notice-title")).to_have_text(title)
    notice = Notice.objects.get()
    assert NoticeAttachment.objects.get(notice=notice).name == "收支明细.pdf"
    item.refresh_from_db()
    assert item.notice_id == notice.pk

    visitor = new_page()
    visitor.goto(f"/public/{tree['a'].pk}/")
    expect(visitor.get_by_test_id("board")).to_contain_text(title)
