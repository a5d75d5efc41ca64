"""Before a disclosure is published its required contents are ticked or attached, and the
supervisory committee (村(居)务监督委员会) agrees; otherwise nothing is written
(004 第一篇 四.4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.disclosure import rules
from yishi.disclosure.models import (
    DisclosureContent,
    DisclosureItem,
    DisclosureReview,
    Notice,
    NoticeAttachment,
)
from yishi.disclosure.services import (
    publish_disclosure,
    record_contents,
    review_disclosure,
    schedule_disclosures,
)
from yishi.disclosure.tests.factories import supervisor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IN_WORDS = "依据《乡镇规范化建设文件汇编》"


def _item(people, tree, kind="village"):
    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                         kinds=[kind])
    return (DisclosureItem.objects.select_related("community")
            .filter(community=tree["b"], kind=kind).order_by("due_on").first())


def _codes(item):
    return [line.code for line in rules.required_contents(item.kind, is_village=True)]


def _publish(people, item):
    return publish_disclosure(actor=people["staff_b"].user, item=item,
                              title="2025年第四季度村务公开", body="本季度各项情况如下。",
                              starts_on=date(2026, 1, 10), ends_on=date(2026, 1, 31),
                              issuer="桃园村村民委员会")


def _refusal_text(error):
    from yishi.core.refusals import refusal_of

    return refusal_of(error).text


def test_publishing_without_the_contents_is_refused_naming_what_is_missing(tree, people):
    item = _item(people, tree)
    record_contents(actor=people["staff_b"].user, item=item, ticked=_codes(item)[:2])
    with pytest.raises(RuleViolation) as refused:
        _publish(people, item)
    assert refused.value.rule == "contents" and refused.value.clause == "004 第一篇 四.4"
    missing = rules.required_contents("village", is_village=True)[2]
    assert str(missing.label) in refused.value.message
    assert IN_WORDS in _refusal_text(refused.value)
    item.refresh_from_db()
    assert item.notice_id is None and not Notice.objects.exists()


def test_publishing_without_the_supervisory_review_is_refused(tree, people):
    item = _item(people, tree)
    record_contents(actor=people["staff_b"].user, item=item, ticked=_codes(item))
    with pytest.raises(RuleViolation) as refused:
        _publish(people, item)
    assert refused.value.rule == "review" and "监督委员会" in refused.value.message
    assert not Notice.objects.exists()


def test_ticked_and_agreed_it_is_published_with_the_lines_files(tree, people, settings,
                                                                 tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _item(people, tree)
    codes = _codes(item)
    record_contents(actor=people["staff_b"].user, item=item, ticked=codes[1:],
                    files={codes[0]: SimpleUploadedFile("公益事业.pdf", PDF)})
    reviewer = supervisor(tree["b"])
    review_disclosure(actor=reviewer, item=item, approve=True)
    notice = _publish(people, item)
    assert [a.name for a in NoticeAttachment.objects.filter(notice=notice)] == ["公益事业.pdf"]
    assert NoticeAttachment.objects.get(notice=notice).file.read() == PDF
    actions = list(AuditEvent.objects.filter(action__startswith="disclosure.")
                   .values_list("action", flat=True))
    assert actions.count("disclosure.contents") == 1
    assert actions.count("disclosure.review") == 1
    assert actions.count("disclosure.publish") == 1


def test_a_change_after_the_approval_needs_a_new_review(tree, people):
    item = _item(people, tree)
    codes = _codes(item)
    record_contents(actor=people["staff_b"].user, item=item, ticked=codes)
    reviewer = supervisor(tree["b"])
    review_disclosure(actor=reviewer, item=item, approve=True)
    # The same state again changes nothing and keeps the approval.
    record_contents(actor=people["staff_b"].user, item=item, ticked=codes)
    record_contents(actor=people["staff_b"].user, item=item, ticked=codes[:-1])
    record_contents(actor=people["staff_b"].user, item=item, ticked=codes)
    with pytest.raises(RuleViolation) as refused:
        _publish(people, item)
    assert refused.value.rule == "review" and "再次审核" in refused.value.message
    review_disclosure(actor=reviewer, item=item, approve=True)
    assert _publish(people, item) is not None


def test_a_returned_disclosure_is_refused_with_the_committees_reason(tree, people):
    item = _item(people, tree)
    record_contents(actor=people["staff_b"].user, item=item, ticked=_codes(item))
    reviewer = supervisor(tree["b"])
    with pytest.raises(RuleViolation):  # a return needs its reason
        review_disclosure(actor=reviewer, item=item, approve=False, reason="  ")
    review_disclosure(actor=reviewer, item=item, approve=False, reason="低保名单未附")
    with pytest.raises(RuleViolation) as refused:
        _publish(people, item)
    assert "低保名单未附" in refused.value.message
    assert DisclosureReview.objects.count() == 1 and not Notice.objects.exists()


def test_only_the_communitys_supervisory_committee_reviews(tree, people):
    item = _item(people, tree)
    record_contents(actor=people["staff_b"].user, item=item, ticked=_codes(item))
    for actor in (people["staff_b"].user, people["township"].user, supervisor(tree["a"])):
        with pytest.raises(PermissionDenied) as refused:
            review_disclosure(actor=actor, item=item, approve=True)
        assert refused.value.clause == "004 第一篇 四.4"
    assert not DisclosureReview.objects.exists()


def test_the_committee_cannot_agree_to_incomplete_contents(tree, people):
    item = _item(people, tree)
    with pytest.raises(RuleViolation) as refused:
        review_disclosure(actor=supervisor(tree["b"]), item=item, approve=True)
    assert refused.value.rule == "contents"
    assert not DisclosureReview.objects.exists()
    assert not AuditEvent.objects.filter(action="disclosure.review").exists()


def test_bad_contents_are_refused_and_write_nothing(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _item(people, tree)
    staff_user = people["staff_b"].user
    with pytest.raises(RuleViolation):
        record_contents(actor=staff_user, item=item, ticked=["no_such_line"])
    with pytest.raises(RuleViolation):
        record_contents(actor=staff_user, item=item, ticked=_codes(item),
                        files={_codes(item)[0]: SimpleUploadedFile("a.pdf", b"not a pdf")})
    with pytest.raises(PermissionDenied):
        record_contents(actor=people["staff_a"].user, item=item, ticked=_codes(item))
    assert not DisclosureContent.objects.exists()
    item.refresh_from_db()
    assert item.contents_revision == 0


def test_a_file_can_be_taken_off_a_line(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _item(people, tree)
    code = _codes(item)[0]
    record_contents(actor=people["staff_b"].user, item=item, ticked=[],
                    files={code: SimpleUploadedFile("明细.pdf", PDF)})
    assert DisclosureContent.objects.get().name == "明细.pdf"
    record_contents(actor=people["staff_b"].user, item=item, ticked=[])  # kept
    assert DisclosureContent.objects.get().name == "明细.pdf"
    record_contents(actor=people["staff_b"].user, item=item, ticked=[], dropped=[code])
    assert not DisclosureContent.objects.exists()


def test_phased_work_needs_only_the_review(tree, people):
    from yishi.disclosure.services import add_disclosure_item

    item = add_disclosure_item(actor=people["staff_b"].user, community=tree["b"],
                               kind="phased", label="道路硬化第一阶段", due_on=date(2026, 5, 1))
    with pytest.raises(RuleViolation):
        record_contents(actor=people["staff_b"].user, item=item, ticked=[])
    with pytest.raises(RuleViolation) as refused:
        _publish(people, item)
    assert refused.value.rule == "review"
    review_disclosure(actor=supervisor(tree["b"]), item=item, approve=True)
    assert _publish(people, item) is not None
