"""No input makes an intake page answer with a server error, and bad input writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from yishi.core.models import AuditEvent
from yishi.intake.models import JointProposal, Opinion, OpinionPhoto
from yishi.places.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

text = st.text(max_size=2500)
field_values = st.one_of(text, st.integers().map(str), st.just(""), st.just("\x00"))


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=field_values, body=field_values, category=field_values, place=field_values)
def test_opinion_form_never_errors_and_writes_nothing_when_refused(client, people, title, body,
                                                                   category, place):
    client.login(username="resident_a", password=PASSWORD)
    before = (Opinion.objects.count(), AuditEvent.objects.count())
    response = client.post("/intake/opinions/new/",
                           {"title": title, "text": body, "category": category, "place": place})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (Opinion.objects.count(), AuditEvent.objects.count()) == before


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=field_values, body=field_values, category=field_values)
def test_proposal_form_never_errors(client, people, title, body, category):
    client.login(username="resident_a", password=PASSWORD)
    before = JointProposal.objects.count()
    response = client.post("/intake/proposals/new/",
                           {"title": title, "text": body, "category": category})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert JointProposal.objects.count() == before


def test_empty_and_oversized_text_get_a_message_in_chinese(client, people, tree):
    client.login(username="resident_a", password=PASSWORD)
    r = client.post("/intake/opinions/new/", {"title": "", "text": "x" * 2001,
                                             "category": "other", "place": tree["a"].pk})
    assert r.status_code == 400
    page = r.content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert "2000" in page
    assert Opinion.objects.count() == 0


def test_a_place_in_another_community_is_refused(client, people, tree):
    client.login(username="resident_a", password=PASSWORD)
    r = client.post("/intake/opinions/new/", {"title": "路灯", "text": "坏了", "category": "traffic",
                                             "place": tree["b_group"].pk})
    assert r.status_code == 400
    assert Opinion.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused(client, people, tree):
    client.login(username="resident_a", password=PASSWORD)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    r = client.post("/intake/opinions/new/", {"title": "路灯", "text": "坏了", "category": "traffic",
                                             "place": tree["a"].pk, "photos": [fake]})
    assert r.status_code == 400
    assert "photo.jpg" in r.content.decode()
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0


def test_an_oversized_photo_is_refused(client, people, tree, settings):
    settings.YISHI_MAX_PHOTO_BYTES = 50
    client.login(username="resident_a", password=PASSWORD)
    big = SimpleUploadedFile("big.png", _png_bytes() + b"\0" * 100, content_type="image/png")
    r = client.post("/intake/opinions/new/", {"title": "路灯", "text": "坏了", "category": "traffic",
                                             "place": tree["a"].pk, "photos": [big]})
    assert r.status_code == 400
    assert Opinion.objects.count() == 0


def test_a_real_photo_is_kept(client, people, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.login(username="resident_a", password=PASSWORD)
    photo = SimpleUploadedFile("lamp.png", _png_bytes(), content_type="image/png")
    r = client.post("/intake/opinions/new/", {"title": "路灯", "text": "坏了", "category": "traffic",
                                             "place": tree["a"].pk, "photos": [photo]})
    assert r.status_code == 302
    assert OpinionPhoto.objects.count() == 1


@pytest.mark.parametrize("claimed", [(7000, 7000), (100_000, 100_000)])
def test_a_photo_declaring_too_many_pixels_is_refused_and_nothing_is_written(
        client, people, tree, settings, tmp_path, claimed):
    from yishi.core.tests.images import png_claiming, upload

    settings.MEDIA_ROOT = tmp_path
    client.login(username="resident_a", password=PASSWORD)
    bomb = upload(png_claiming(*claimed), "bomb.png")
    before = AuditEvent.objects.count()
    r = client.post("/intake/opinions/new/", {"title": "路灯", "text": "坏了", "category": "traffic",
                                             "place": tree["a"].pk, "photos": [bomb]})
    assert r.status_code == 400
    page = r.content.decode()
    assert "bomb.png" in page and "40" in page
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0
    assert AuditEvent.objects.count() == before
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_real_photo_larger_than_a_lowered_limit_is_refused(client, people, tree, settings,
                                                              tmp_path):
    from yishi.core.tests.images import png_bytes, upload

    settings.MEDIA_ROOT = tmp_path
    settings.YISHI_MAX_IMAGE_PIXELS = 32 * 32
    client.login(username="resident_a", password=PASSWORD)
    data = {"title": "路灯", "text": "坏了", "category": "traffic", "place": tree["a"].pk}
    r = client.post("/intake/opinions/new/", {**data, "photos": [upload(png_bytes((33, 32)))]})
    assert r.status_code == 400 and Opinion.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    r = client.post("/intake/opinions/new/", {**data, "photos": [upload(png_bytes((32, 32)))]})
    assert r.status_code == 302 and OpinionPhoto.objects.count() == 1


def test_the_service_refuses_a_photo_declaring_too_many_pixels_too(people, tree, tmp_path,
                                                                    settings):
    from yishi.core.exceptions import RuleViolation
    from yishi.core.tests.images import png_claiming, upload
    from yishi.intake import services

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(RuleViolation) as refused:
        services.raise_opinion(actor=people["resident_a"].user, community=tree["a"],
                               place=tree["a"], title="路灯", text="坏了", category="traffic",
                               photos=[upload(png_claiming(9000, 9000))])
    assert refused.value.rule == "photo"
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("url", [
    "/intake/opinions/99999999999999999999999/",
    "/intake/opinions/0/",
    "/intake/opinions/1/acknowledge/",
    "/intake/proposals/123456789012345678/",
    "/intake/queue/?page=abc",
    "/intake/queue/?page=-1&all=1",
    "/intake/opinions/mine/?page=999999",
    "/intake/opinions/new/?for=resident",
])
def test_odd_urls_are_never_a_server_error(client, people, url):
    client.login(username="resident_a", password=PASSWORD)
    assert client.get(url).status_code < 500
    assert client.post(url, {"x": "y"}).status_code < 500


def test_a_minor_cannot_start_a_joint_proposal(client, tree):
    from datetime import date

    from yishi.places.tests.factories import resident

    resident(tree["a"], username="teen", birth_date=date(2012, 3, 1))
    client.login(username="teen", password=PASSWORD)
    r = client.post("/intake/proposals/new/", {"title": "加装篮球架", "text": "小区缺少篮球架",
                                              "category": "public_service"})
    assert r.status_code == 400
    assert "18" in r.content.decode()
    assert JointProposal.objects.count() == 0
