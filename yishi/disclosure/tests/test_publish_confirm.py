"""Publishing (公示) asks first and shows the notice exactly as the public will see it; a
POST without ``confirmed=1`` writes nothing (issue 13, item 5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yishi.core import held_uploads
from yishi.core.models import AuditEvent
from yishi.disclosure.models import DisclosureItem, Notice, NoticeAttachment
from yishi.disclosure.preview import KEPT
from yishi.disclosure.tests.factories import ready_to_publish
from yishi.places.tests.factories import staff

pytestmark = pytest.mark.django_db

TITLE = "关于小区垃圾分类点位调整的公示"
BODY = "点位调整至北门空地。\n有意见请致电13812345678。"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _form(**overrides):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {"title": TITLE, "body": BODY, "kind": "other", "issuer": "幸福社区居民委员会",
            "issued_on": today.isoformat(), "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=5)).isoformat()}
    data.update(overrides)
    return data


def _pdf(name: str = "点位图.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def _hidden(html: str) -> dict[str, list[str]]:
    """The fields the confirmation page sends again, as the browser would."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                  html):
        found.setdefault(name, []).append(value.replace("&#x27;", "'").replace("&quot;", '"')
                                          .replace("&lt;", "<").replace("&gt;", ">")
                                          .replace("&amp;", "&"))
    return found


def _counts() -> tuple[int, int, int]:
    return Notice.objects.count(), NoticeAttachment.objects.count(), AuditEvent.objects.count()


def test_posting_a_notice_first_shows_it_as_the_board_will_and_writes_nothing(client, tree,
                                                                              people):
    client.force_login(people["staff_a"].user)
    before = _counts()
    page = client.post(f"/disclosure/{tree['a'].pk}/notices/new/", _form())
    assert page.status_code == 200 and _counts() == before
    html = page.content.decode()
    assert 'data-testid="confirm-page"' in html and "确定在公示栏张贴这则公告吗？" in html
    preview = html.split('data-testid="confirm-preview"')[1].split("<h1>确定")[0]
    assert TITLE in preview and "点位调整至北门空地。" in preview
    # As the public reads it: the mobile number masked, the issuer and the period shown.
    assert "138****5678" in preview and "13812345678" not in preview
    assert "幸福社区居民委员会" in preview and "其他公示" in preview
    assert 'data-testid="notice-title"' in preview and 'data-testid="preview-board"' in preview
    # The page sends the same fields again, now confirmed; 取消 goes back to the form.
    fields = _hidden(html)
    assert fields["title"] == [TITLE] and fields["confirmed"] == ["1"]
    assert f'href="/disclosure/{tree["a"].pk}/notices/new/"' in html
    # The public board was not touched: its cached fragment holds no preview.
    board = client.get(f"/public/{tree['a'].pk}/").content.decode()
    assert TITLE not in board


def test_the_confirmed_notice_is_posted_and_on_the_board(client, tree, people):
    client.force_login(people["staff_a"].user)
    url = f"/disclosure/{tree['a'].pk}/notices/new/"
    assert TITLE not in client.get(f"/public/{tree['a'].pk}/").content.decode()  # cached empty
    html = client.post(url, _form()).content.decode()
    fields = _hidden(html)
    fields.pop("csrfmiddlewaretoken", None)
    posted = client.post(url, fields)
    notice = Notice.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/public/notices/{notice.pk}/"
    assert (notice.title, notice.body) == (TITLE, BODY)
    assert AuditEvent.objects.filter(action="notice.publish").count() == 1
    board = client.get(f"/public/{tree['a'].pk}/").content.decode()
    assert TITLE in board


def test_a_refused_notice_gets_its_errors_not_the_question(client, tree, people):
    client.force_login(people["staff_a"].user)
    before = _counts()
    page = client.post(f"/disclosure/{tree['a'].pk}/notices/new/", _form(ends_on="2000-01-01"),
                       format="multipart")
    assert page.status_code == 400 and page.context["form"].errors
    assert 'data-testid="confirm-page"' not in page.content.decode() and _counts() == before


def test_attachments_wait_for_the_confirmation_and_go_with_the_notice(client, tree, people):
    client.force_login(people["staff_a"].user)
    url = f"/disclosure/{tree['a'].pk}/notices/new/"
    before = _counts()
    page = client.post(url, {**_form(), "attachments": [_pdf()]})
    html = page.content.decode()
    assert page.status_code == 200 and _counts() == before
    assert "点位图.pdf" in html.split('data-testid="confirm-preview"')[1]
    fields = _hidden(html)
    assert len(fields[KEPT]) == 1 and len(default_storage.listdir(held_uploads.FOLDER)[1]) == 1
    fields.pop("csrfmiddlewaretoken", None)
    assert client.post(url, fields).status_code == 302
    attachment = NoticeAttachment.objects.get()
    assert attachment.name == "点位图.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.read().startswith(b"%PDF")
    # The kept copy is gone once the notice has its own.
    assert default_storage.listdir(held_uploads.FOLDER)[1] == []


def test_a_forged_or_foreign_file_token_is_refused_and_nothing_written(client, tree, people):
    url = f"/disclosure/{tree['a'].pk}/notices/new/"
    client.force_login(people["staff_a"].user)
    fields = _hidden(client.post(url, {**_form(), "attachments": [_pdf()]}).content.decode())
    fields.pop("csrfmiddlewaretoken", None)
    before = _counts()
    forged = client.post(url, {**fields, KEPT: fields[KEPT][0] + "x"})
    assert forged.status_code == 400 and "附件已不再保留" in forged.content.decode()
    assert _counts() == before
    # Another clerk of the same community cannot post the first one's kept files.
    client.logout()
    client.force_login(staff(tree["a"], username="clerk2").user)
    assert client.post(url, fields).status_code == 400 and _counts() == before


def test_kept_files_nobody_confirmed_are_swept_after_a_day(client, tree, people):
    client.force_login(people["staff_a"].user)
    client.post(f"/disclosure/{tree['a'].pk}/notices/new/", {**_form(), "attachments": [_pdf()]})
    assert held_uploads.delete_stale(timezone.now()) == 0
    assert held_uploads.delete_stale(timezone.now() + timedelta(days=2)) == 1


def test_publishing_a_disclosure_asks_first_with_the_notice(client, tree, people):
    client.force_login(people["staff_a"].user)
    client.post(f"/disclosure/{tree['a'].pk}/schedule/", {"year": "2026"})
    item = DisclosureItem.objects.filter(community=tree["a"]).first()
    ready_to_publish(item)  # contents ticked, the supervisory committee agreed
    url = f"/disclosure/items/{item.pk}/publish/"
    before = _counts()
    page = client.post(url, _form(title="2026年第一季度财务公开"))
    html = page.content.decode()
    assert page.status_code == 200 and _counts() == before
    item.refresh_from_db()
    assert item.notice_id is None and item.published_at is None
    assert "确定在公示栏公开这项内容吗？" in html
    preview = html.split('data-testid="confirm-preview"')[1]
    assert "2026年第一季度财务公开" in preview and "三务公开" in preview
    fields = _hidden(html)
    fields.pop("csrfmiddlewaretoken", None)
    assert client.post(url, fields).status_code == 302
    item.refresh_from_db()
    assert item.notice is not None and item.notice.title == "2026年第一季度财务公开"
    assert AuditEvent.objects.filter(action="disclosure.publish").count() == 1
