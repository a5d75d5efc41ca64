"""Residents' photos are private files (issue 11, item 2): random names, served only by a
view that checks the right to the opinion, never from a public /media/ URL; in production
nginx sends the bytes after the view's ``X-Accel-Redirect``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yishi.core.tests.images import png_bytes, upload
from yishi.intake import services
from yishi.intake.models import Opinion, OpinionPhoto
from yishi.places.tests.factories import resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _with_photo(person: Any, name: str = "王小明家门口.png") -> tuple[Opinion, OpinionPhoto]:
    opinion = services.raise_opinion(
        actor=person.user, community=person.community, place=person.community,
        title="门口积水", text="下雨天门口积水，老人出门不便。", category="utilities",
        photos=[upload(png_bytes(), name)])
    return opinion, opinion.photos.get()


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_a_photo_is_stored_under_a_random_name(people: Any, media: Any) -> None:
    _opinion, photo = _with_photo(people["resident_a"])
    stored = photo.image.name
    assert stored.startswith("opinions/") and stored.endswith(".png")
    assert "王小明" not in stored and stored.count("/") == 1  # no community or opinion folder
    assert len(stored.split("/")[-1]) == 32 + 4  # 128 random bits, hex
    assert (media / stored).read_bytes() == png_bytes()


def test_the_raiser_and_the_communitys_staff_see_it_others_get_404(
        people: Any, tree: Any, media: Any) -> None:
    opinion, photo = _with_photo(people["resident_a"])
    url = reverse("intake:opinion_photo", args=[opinion.pk, photo.pk])
    for person in (people["resident_a"], people["staff_a"]):
        response = _client(person).get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == png_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
    neighbour = resident(tree["a"], username="another-resident", name="邻居")
    for person in (people["staff_b"], neighbour):
        assert _client(person).get(url).status_code == 404, person
    assert Client().get(url).status_code == 302  # to sign in
    # a photo of another opinion, asked for under this one, is not found either
    other, other_photo = _with_photo(people["resident_b"])
    assert _client(people["staff_a"]).get(
        reverse("intake:opinion_photo", args=[opinion.pk, other_photo.pk])).status_code == 404


def test_the_opinion_page_links_the_view_and_no_media_url_exists(
        people: Any, settings: Any, media: Any) -> None:
    opinion, photo = _with_photo(people["resident_a"])
    page = _client(people["staff_a"]).get(reverse("intake:opinion", args=[opinion.pk]))
    html = page.content.decode()
    assert reverse("intake:opinion_photo", args=[opinion.pk, photo.pk]) in html
    assert "/media/" not in html
    settings.DEBUG = True  # not even in development
    assert _client(people["staff_a"]).get(f"/media/{photo.image.name}").status_code == 404


def test_in_production_nginx_sends_the_file_after_the_check(
        people: Any, settings: Any, media: Any) -> None:
    settings.YISHI_ACCEL_REDIRECT = "/protected/"
    opinion, photo = _with_photo(people["resident_a"])
    url = reverse("intake:opinion_photo", args=[opinion.pk, photo.pk])
    response = _client(people["staff_a"]).get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{photo.image.name}"
    assert response.content == b""  # nginx adds the bytes
    assert _client(people["staff_b"]).get(url).status_code == 404
    assert "X-Accel-Redirect" not in _client(people["staff_b"]).get(url)
