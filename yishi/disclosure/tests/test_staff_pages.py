"""Staff pages: posting a notice through the form; bad input is a clear message, not a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.disclosure.models import DisclosureItem, Notice
from yishi.disclosure.tests.factories import ready_to_publish

pytestmark = pytest.mark.django_db


def _form(**overrides):
    today = timezone.localdate()
    data = {"title": "关于小区垃圾分类点位调整的公示", "body": "点位调整至北门空地。", "kind": "other",
            "issuer": "幸福社区居民委员会", "issued_on": today.isoformat(),
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=5)).isoformat()}
    data.update(overrides)
    return data


def test_staff_post_a_notice_and_land_on_its_public_page(client, tree, people):
    client.force_login(people["staff_a"].user)
    response = client.post(f"/disclosure/{tree['a'].pk}/notices/new/", _form(confirmed="1"))
    notice = Notice.objects.get()
    assert response["Location"] == f"/public/notices/{notice.pk}/"


@pytest.mark.parametrize("overrides", [{"starts_on": "", "ends_on": ""}, {"ends_on": "2000-01-01"},
                                       {"starts_on": "not a date"}, {"title": ""}, {"kind": "x"}])
def test_a_bad_notice_form_is_answered_with_a_message_and_nothing_written(client, tree, people,
                                                                          overrides):
    client.force_login(people["staff_a"].user)
    response = client.post(f"/disclosure/{tree['a'].pk}/notices/new/", _form(**overrides))
    assert response.status_code == 400 and response.context["form"].errors
    assert not Notice.objects.exists()


def test_staff_of_another_community_see_no_form(client, tree, people):
    client.force_login(people["staff_b"].user)
    assert client.get(f"/disclosure/{tree['a'].pk}/notices/new/").status_code == 404
    assert client.post(f"/disclosure/{tree['a'].pk}/notices/new/", _form()).status_code == 404
    assert not Notice.objects.exists()


def test_staff_lay_out_a_year_and_publish_an_item_from_the_pages(client, tree, people):
    client.force_login(people["staff_a"].user)
    assert client.get("/disclosure/").status_code == 200
    url = f"/disclosure/{tree['a'].pk}/schedule/"
    assert client.post(url, {"year": "2026"}).status_code == 302
    assert DisclosureItem.objects.filter(community=tree["a"]).count() == 14
    assert client.post(url, {"year": "abc"}).status_code == 400
    assert client.post(url, {"action": "add", "kind": "phased", "label": ""}).status_code == 400
    page = client.get(url, {"year": "2026"})
    assert page.status_code == 200 and len(page.context["items"]) == 14
    item = DisclosureItem.objects.filter(community=tree["a"]).first()
    ready_to_publish(item)  # contents ticked, the supervisory committee agreed
    form = client.get(f"/disclosure/items/{item.pk}/publish/")
    assert form.status_code == 200
    response = client.post(f"/disclosure/items/{item.pk}/publish/", _form(confirmed="1"))
    item.refresh_from_db()
    assert response["Location"] == f"/public/notices/{item.notice_id}/"


def test_the_admin_shows_notices_and_items_read_only(admin_client, tree):
    from yishi.disclosure.tests.factories import notice

    n = notice(tree["a"])
    assert admin_client.get("/admin/disclosure/notice/").status_code == 200
    assert admin_client.get(f"/admin/disclosure/notice/{n.pk}/change/").status_code == 200
    assert admin_client.get("/admin/disclosure/disclosureitem/").status_code == 200
    assert admin_client.get("/admin/disclosure/notice/add/").status_code == 403
