"""Browser journey: a resident on a phone, with no password, signs in with the code texted
to the number on her register, starting from the welcome page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from yishi.core.channels import read_outbox
from yishi.places.models import PersonalData
from yishi.places.tests.factories import place_tree, resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_signs_in_by_sms_code_on_her_phone(new_page, settings, tmp_path):
    settings.YISHI_SMS_BACKEND = "yishi.core.channels.OutboxSmsBackend"
    settings.YISHI_OUTBOX_DIR = tmp_path / "outbox"
    tree = place_tree()
    wang = resident(tree["a"], username="wang-xiuying", name="王秀英")
    data, _created = PersonalData.objects.get_or_create(person=wang)
    data.phone = "13812345678"
    data.save()

    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    page.get_by_test_id("welcome-sign-in").click()
    page.get_by_test_id("code-sign-in-link").click()
    page.get_by_label("手机号").fill("138 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_test_id("code-sent")).to_contain_text("138 1234 5678")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    text = read_outbox()[-1]["subject"]
    code = re.search(r"\d{6}", text).group(0)  # type: ignore[union-attr]
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("h1")).to_contain_text("王秀英")
