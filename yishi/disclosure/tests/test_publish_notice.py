"""publish_notice: staff post a notice for a period; bad input is refused, nothing written."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.disclosure.models import Notice, NoticeAttachment
from yishi.disclosure.selectors import notices_for_source
from yishi.disclosure.services import publish_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield

START = date(2026, 11, 20)


def _publish(actor, community, **overrides):
    values = dict(title="关于小区垃圾分类点位调整的公示",
                  body="经协商，3栋旁垃圾分类点位调整至北门空地。", starts_on=START,
                  ends_on=START + timedelta(days=7), kind="outcome", issuer="幸福社区居民委员会")
    values.update(overrides)
    return publish_notice(actor=actor, community=community, **values)


def _png(name="photo.png"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def test_staff_post_a_notice_with_its_words_indexed_and_one_audit_event(tree, people):
    before = AuditEvent.objects.count()
    notice = _publish(people["staff_a"].user, tree["a"], source_type="consult.topic",
                      source_id=42)
    assert notice.pk and notice.kind == "outcome" and notice.source_id == 42
    assert " 垃圾分类 " in notice.search_text and " 点位 " in notice.search_text
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.object_id) == ("notice.publish", str(notice.pk))
    assert list(notices_for_source("consult.topic", 42)) == [notice]
    assert notice.get_absolute_url() == f"/public/notices/{notice.pk}/"


def test_a_township_official_may_post_on_a_village_board_below(tree, people):
    assert _publish(people["township"].user, tree["b"]).community == tree["b"]


@pytest.mark.parametrize("who", ["resident_a", "staff_b", "courier_a"])
def test_others_may_not_post(tree, people, who):
    with pytest.raises(PermissionDenied):
        _publish(people[who].user, tree["a"])
    assert not Notice.objects.exists()


def test_a_notice_goes_on_a_community_board_not_a_street(tree, people):
    with pytest.raises(RuleViolation):
        _publish(people["township"].user, tree["street"])


@pytest.mark.parametrize("starts_on, ends_on", [(None, None), (START, None), (None, START)])
def test_a_notice_without_a_period_is_refused(tree, people, starts_on, ends_on):
    with pytest.raises(RuleViolation, match="posting period"):
        _publish(people["staff_a"].user, tree["a"], starts_on=starts_on, ends_on=ends_on)
    assert not Notice.objects.exists() and not AuditEvent.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(tree, people):
    with pytest.raises(RuleViolation, match="ends .* before it starts"):
        _publish(people["staff_a"].user, tree["a"], ends_on=START - timedelta(days=1))
    assert not Notice.objects.exists() and not AuditEvent.objects.exists()


def test_a_one_day_period_is_allowed(tree, people):
    assert _publish(people["staff_a"].user, tree["a"], ends_on=START).ends_on == START


@pytest.mark.parametrize("field, value", [("title", "  "), ("body", ""), ("issuer", ""),
                                          ("kind", "gossip"), ("title", "长" * 201)])
def test_missing_or_bad_fields_are_refused(tree, people, field, value):
    with pytest.raises(RuleViolation):
        _publish(people["staff_a"].user, tree["a"], **{field: value})
    assert not Notice.objects.exists()


def test_pdf_and_image_attachments_are_kept(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = _publish(people["staff_a"].user, tree["a"], attachments=[_pdf(), _png()])
    assert list(notice.attachments.values_list("content_type", flat=True)) == [
        "application/pdf", "image/png"]


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"),
    SimpleUploadedFile("fake.png", b"<html>hello</html>", content_type="image/png"),
    SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, content_type="image/png"),
    SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>", content_type="application/pdf"),
    SimpleUploadedFile("notes.docx", b"PK\x03\x04 word", content_type="application/pdf"),
], ids=["exe-named-pdf", "html-named-png", "broken-png", "truncated-pdf", "docx"])
def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(tree, people, upload, settings,
                                                              tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(RuleViolation):
        _publish(people["staff_a"].user, tree["a"], attachments=[upload])
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


@override_settings(YISHI_MAX_ATTACHMENT_BYTES=1024)
def test_an_oversized_attachment_is_refused(tree, people):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n")
    with pytest.raises(RuleViolation, match="larger than"):
        _publish(people["staff_a"].user, tree["a"], attachments=[big])
    assert not Notice.objects.exists()


def test_invisible_characters_are_removed_from_the_title(tree, people):
    n = _publish(people["staff_a"].user, tree["a"], title="\u202e关于\u200b加装电梯\u2069的公示\ufeff")
    assert n.title == "关于加装电梯的公示"
    assert " 加装 " in n.search_text


def test_a_title_of_invisible_characters_only_is_refused(tree, people):
    with pytest.raises(RuleViolation) as refused:
        _publish(people["staff_a"].user, tree["a"], title="\u200b\u202e\u2060")
    assert refused.value.rule == "input"
    assert not Notice.objects.exists()


@pytest.mark.parametrize("claimed", [(7000, 7000), (100_000, 100_000)])
def test_an_image_attachment_declaring_too_many_pixels_is_refused(tree, people, settings,
                                                                   tmp_path, claimed):
    from yishi.core.tests.images import png_claiming, upload

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(RuleViolation) as refused:
        _publish(people["staff_a"].user, tree["a"],
                 attachments=[_pdf(), upload(png_claiming(*claimed), "bomb.png")])
    assert refused.value.rule == "attachment" and "bomb.png" in refused.value.message
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
