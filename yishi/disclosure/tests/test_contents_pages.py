"""The contents checklist and the supervisory review on the staff pages: a refusal in
words and nothing written, query counts flat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yishi.disclosure import rules
from yishi.disclosure.models import DisclosureContent, DisclosureItem, DisclosureReview, Notice
from yishi.disclosure.services import schedule_disclosures
from yishi.disclosure.tests.factories import supervisor

pytestmark = pytest.mark.django_db


def _item(people, tree):
    schedule_disclosures(actor=people["staff_b"].user, community=tree["b"], year=2026,
                         kinds=["village"])
    return DisclosureItem.objects.filter(community=tree["b"]).order_by("due_on").first()


def _form(**kw):
    from django.utils import timezone

    today = timezone.localdate()
    values = {"title": "村务公开", "body": "本季度情况。", "issuer": "桃园村村民委员会",
              "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=9)).isoformat()}
    values.update(kw)
    return values


def test_staff_tick_the_contents_and_the_committee_agrees_on_the_page(client, tree, people):
    item = _item(people, tree)
    url = f"/disclosure/items/{item.pk}/contents/"
    codes = [line.code for line in rules.required_contents("village", is_village=True)]
    client.force_login(people["staff_b"].user)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="content-line"') == len(codes)
    assert "征地补偿" in html and "一事一议" in html
    assert 'name="decision"' not in html  # staff do not review

    # Publishing now is refused on the form, in words, and writes nothing.
    publish = f"/disclosure/items/{item.pk}/publish/"
    refused = client.post(publish, _form())
    assert refused.status_code == 400
    assert "依据《乡镇规范化建设文件汇编》" in refused.content.decode()
    assert not Notice.objects.exists()

    assert client.post(url, {"tick": codes}).status_code == 302
    assert DisclosureContent.objects.filter(item=item).count() == len(codes)

    reviewer = supervisor(tree["b"], username="jiandu")
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert 'name="decision"' in page
    assert client.post(url, {"action": "review", "decision": "return"}).status_code == 400
    assert not DisclosureReview.objects.exists()
    assert client.post(url, {"action": "review", "decision": "approve"}).status_code == 302

    client.force_login(people["staff_b"].user)
    assert client.post(publish, _form(confirmed="1")).status_code == 302
    item.refresh_from_db()
    assert item.notice_id is not None


def test_the_contents_page_reads_a_fixed_number_of_queries(client, tree, people):
    item = _item(people, tree)
    codes = [line.code for line in rules.required_contents("village", is_village=True)]
    client.force_login(people["staff_b"].user)
    url = f"/disclosure/items/{item.pk}/contents/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    client.post(url, {"tick": codes})
    reviewer = supervisor(tree["b"])
    from yishi.disclosure.services import review_disclosure

    review_disclosure(actor=reviewer, item=item, approve=False, reason="再核对")
    review_disclosure(actor=reviewer, item=item, approve=True)
    client.get(url)  # the "saved" message shown once
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_another_communitys_staff_get_a_404(client, tree, people):
    item = _item(people, tree)
    client.force_login(people["staff_a"].user)
    assert client.get(f"/disclosure/items/{item.pk}/contents/").status_code == 404
    assert client.post(f"/disclosure/items/{item.pk}/contents/", {"tick": ["land"]}
                       ).status_code == 404
    assert not DisclosureContent.objects.exists()


def test_the_committee_opens_a_lines_file_before_publication(client, tree, people, settings,
                                                              tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yishi.disclosure.services import record_contents

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    item = _item(people, tree)
    record_contents(actor=people["staff_b"].user, item=item, ticked=[],
                    files={"land": SimpleUploadedFile("征地补偿.pdf", pdf)})
    client.force_login(supervisor(tree["b"]))
    page = client.get(f"/disclosure/items/{item.pk}/contents/").content.decode()
    assert f"/disclosure/items/{item.pk}/contents/land/" in page
    response = client.get(f"/disclosure/items/{item.pk}/contents/land/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert client.get(f"/disclosure/items/{item.pk}/contents/relief/").status_code == 404
    client.force_login(people["staff_a"].user)
    assert client.get(f"/disclosure/items/{item.pk}/contents/land/").status_code == 404
