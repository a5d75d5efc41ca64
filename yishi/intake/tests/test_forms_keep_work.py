"""Forms that do not lose work (issue 13, item 6): the photo limits are shown before
choosing, a refused submit keeps the photos that passed their checks, long text is counted
and refused with its count, never cut."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from yishi.core import held_uploads
from yishi.core.sweeps import registered
from yishi.intake.models import Opinion, OpinionPhoto
from yishi.places.tests.factories import PASSWORD

URL = "/intake/opinions/new/"


@pytest.fixture
def media(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def jpeg(name: str = "lamp.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def held_files(media: Path) -> list[Path]:
    return sorted(p for p in (media / held_uploads.FOLDER).glob("*") if p.is_file())


def kept_tokens(page: str) -> list[str]:
    return re.findall(r'name="photos_kept" value="([^"]+)"', page)


def signed_in(username: str = "resident_a") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def form(tree, **extra):  # type: ignore[no-untyped-def]
    return {"title": "3栋楼道灯坏了", "text": "楼道灯坏了一个星期。", "category": "utilities",
            "place": tree["a"].pk, **extra}


def test_the_limits_are_shown_before_choosing_and_given_to_the_script(people, tree, media):
    page = signed_in().get(URL).content.decode()
    assert "最多 6 张，每张不超过 5 MB" in page
    assert 'data-max-edge="1600"' in page and 'data-max-count="6"' in page
    assert f'data-max-bytes="{5 * 2**20}"' in page and "data-max-pixels=" in page
    assert "js/photos.js" in page  # only where there is a photo input
    assert "js/photos.js" not in signed_in().get("/intake/proposals/new/").content.decode()


def test_a_failed_submit_keeps_the_photo_and_the_second_submit_saves_it(people, tree, media):
    client = signed_in()
    first = client.post(URL, form(tree, title="", photos=[jpeg("lamp.jpg")]))
    assert first.status_code == 400
    page = first.content.decode()
    assert 'data-testid="kept-photos"' in page and "lamp.jpg" in page
    tokens = kept_tokens(page)
    assert len(tokens) == 1 and len(held_files(media)) == 1
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0

    second = client.post(URL, form(tree, photos_kept=tokens))
    assert second.status_code == 302
    opinion = Opinion.objects.get()
    (photo,) = opinion.photos.all()
    with Image.open(photo.image.path) as img:
        assert img.size == (64, 48)
    assert held_files(media) == []  # the held copy is gone once saved


def test_kept_and_new_photos_go_together_within_the_limit(people, tree, media, settings):
    settings.YISHI_MAX_PHOTOS = 2
    client = signed_in()
    tokens = kept_tokens(client.post(URL, form(tree, title="", photos=[jpeg("a.jpg")]))
                         .content.decode())
    too_many = client.post(URL, form(tree, photos_kept=tokens,
                                     photos=[jpeg("b.jpg"), jpeg("c.jpg")]))
    assert too_many.status_code == 400 and "最多上传 2 张照片" in too_many.content.decode()
    page = too_many.content.decode()
    now_kept = kept_tokens(page)  # the first, and of the new ones as many as fit
    assert now_kept[0] == tokens[0] and len(now_kept) == 2
    assert "b.jpg（" in page and "c.jpg（" not in page
    ok = client.post(URL, form(tree, photos_kept=now_kept))
    assert ok.status_code == 302
    assert Opinion.objects.get().photos.count() == 2


def test_an_unticked_kept_photo_is_left_out(people, tree, media):
    client = signed_in()
    client.post(URL, form(tree, title="", photos=[jpeg()]))
    assert client.post(URL, form(tree)).status_code == 302
    assert Opinion.objects.get().photos.count() == 0


def test_a_photo_that_fails_its_checks_is_not_kept(people, tree, media):
    client = signed_in()
    fake = SimpleUploadedFile("notes.jpg", b"not a photo at all", content_type="image/jpeg")
    r = client.post(URL, form(tree, title="", photos=[fake, jpeg("good.jpg")]))
    page = r.content.decode()
    assert r.status_code == 400 and "不是照片" in page
    assert "good.jpg" in page and "notes.jpg（" not in page
    assert len(kept_tokens(page)) == 1 and len(held_files(media)) == 1


def test_another_sessions_token_attaches_nothing(people, tree, media):
    tokens = kept_tokens(signed_in().post(URL, form(tree, title="", photos=[jpeg()]))
                         .content.decode())
    other = signed_in("resident_a")  # the same resident on another phone: another session
    assert other.post(URL, form(tree, photos_kept=tokens)).status_code == 302
    assert Opinion.objects.get().photos.count() == 0
    assert len(held_files(media)) == 1  # still the first session's


def test_held_photos_are_deleted_after_a_day(people, tree, media):
    import os
    import time

    signed_in().post(URL, form(tree, title="", photos=[jpeg()]))
    (path,) = held_files(media)
    sweep = registered()["core.held_uploads"]
    from yishi.core import clock

    assert sweep(clock.localdate()) == 0
    old = time.time() - timedelta(days=1, minutes=1).total_seconds()
    os.utime(path, (old, old))
    assert sweep(clock.localdate()) == 1 and held_files(media) == []


def test_an_over_long_text_is_refused_with_its_count_never_cut(people, tree, media):
    r = signed_in().post(URL, form(tree, text="灯" * 2153))
    page = r.content.decode()
    assert r.status_code == 400
    assert "最多 2000 字，现在 2153 字" in page
    assert "该变量" not in page and "确保" not in page
    assert Opinion.objects.count() == 0


def test_line_breaks_count_once_as_the_counter_counts_them(people, tree, media):
    text = "\r\n".join(["灯" * 99] * 20)  # 1980 characters and 19 breaks: 2018 as sent
    assert signed_in().post(URL, form(tree, text=text)).status_code == 302
    assert Opinion.objects.get().text == text.replace("\r\n", "\n")


def test_textareas_carry_their_limit_for_the_counter_not_the_browsers_cut(people, tree, media):
    page = signed_in().get(URL).content.decode()
    area = re.search(r"<textarea[^>]*>", page)
    assert area is not None
    assert 'data-maxlength="2000"' in area.group(0) and " maxlength=" not in area.group(0)
    assert "js/counter.js" in page
