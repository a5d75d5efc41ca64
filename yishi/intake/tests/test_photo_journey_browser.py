"""Browser journey on a phone (390 × 844): a resident signs in with a texted code, raises an
opinion with a camera-sized photo that the browser shrinks before sending, loses nothing
when the server refuses her over-long text, and rates the staff's answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from yishi.core.channels import read_outbox
from yishi.intake import services
from yishi.intake.models import Opinion
from yishi.places.models import PersonalData
from yishi.places.tests.factories import place_tree, resident, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13812345678"
EXIF_ORIENTATION = 0x0112
ROTATED_90 = 6  # the camera was held upright: the pixels lie on their side


def camera_photo(path: Path) -> Path:
    """A 4000 × 3000 JPEG of about 7 MB (over the 5 MB the server takes), taken upright."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(path, "JPEG", quality=85,
                                                              exif=exif)
    assert path.stat().st_size > 5 * 2**20
    return path


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_raises_an_opinion_with_a_shrunk_photo_and_rates_the_answer(
        new_page, settings, tmp_path):
    settings.YISHI_SMS_BACKEND = "yishi.core.channels.OutboxSmsBackend"
    settings.YISHI_OUTBOX_DIR = tmp_path / "outbox"
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = place_tree()
    wang = resident(tree["a"], username="wang-xiuying", name="王秀英")
    data, _created = PersonalData.objects.get_or_create(person=wang)
    data.phone = PHONE
    data.save()
    worker = staff(tree["a"], username="worker")
    photo = camera_photo(tmp_path / "IMG_0001.jpg")

    # She signs in with the code texted to the number on the register.
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/login/code/")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    code = re.search(r"\d{6}", read_outbox()[-1]["subject"]).group(0)  # type: ignore[union-attr]
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/")

    # The form says its limits before she chooses anything.
    page.get_by_role("link", name="反映民情").first.click()
    expect(page.locator(".field", has=page.locator("#id_photos"))).to_contain_text(
        "最多 6 张，每张不超过 5 MB")
    fits_the_phone(page)
    page.fill("#id_title", "3栋楼道灯坏了")
    page.fill("#id_text", "灯" * 2010)  # pasted from a long message: more than the 2000 taken
    expect(page.locator("#id_text-counter")).to_have_text("超出 10 字，请删减")
    expect(page.locator("#id_text-counter")).to_have_attribute("aria-live", "polite")
    page.select_option("#id_category", "utilities")

    # The browser shrinks the photo, upright, and says what it became.
    page.set_input_files("#id_photos", str(photo))
    expect(page.get_by_test_id("photo-status")).to_contain_text("IMG_0001.jpg")
    expect(page.get_by_test_id("photo-status")).to_contain_text("1200 × 1600")
    fits_the_phone(page)

    # The server refuses the text with its count, and keeps the photo she chose.
    page.click("button[type=submit]")
    expect(page.locator(".field.has-error")).to_contain_text("最多 2000 字，现在 2010 字")
    expect(page.get_by_test_id("kept-photo")).to_be_checked()
    expect(page.get_by_test_id("kept-photos")).to_contain_text("IMG_0001.jpg")
    assert page.input_value("#id_text") == "灯" * 2010  # nothing was cut
    assert Opinion.objects.count() == 0
    fits_the_phone(page)

    page.fill("#id_text", "3栋2单元楼道灯坏了一个星期，老人晚上上下楼不安全。")
    expect(page.locator("#id_text-counter")).to_have_text("26 / 2000 字")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("opinion-state")).to_have_text("已登记")
    fits_the_phone(page)

    # The stored photo is the one the browser made: 1600 px on its longer edge, upright.
    opinion = Opinion.objects.get()
    (stored,) = opinion.photos.all()
    with Image.open(stored.image.path) as img:
        assert img.size == (1200, 1600)
        assert img.getexif().get(EXIF_ORIENTATION, 1) == 1
    assert stored.image.size < 5 * 2**20

    # Staff answer it; she reads the answer on her phone and rates it.
    services.acknowledge_opinion(actor=worker.user, opinion=opinion)
    services.answer_opinion(actor=worker.user, opinion=Opinion.objects.get(),
                            answer="已联系物业，楼道灯于本周三更换完毕。")
    page.reload()
    expect(page.get_by_test_id("answer")).to_contain_text("楼道灯于本周三更换完毕")
    fits_the_phone(page)
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("rating")).to_have_text("满意")
    fits_the_phone(page)
    opinion.refresh_from_db()
    assert (opinion.state, opinion.rating) == ("rated", 3)
