"""Uploaded images declaring more pixels than YISHI_MAX_IMAGE_PIXELS are refused, read from
the header only (a decompression bomb never gets decoded)."""

from __future__ import annotations

import pytest
from django.conf import settings
from PIL import Image

from yishi.core.exceptions import RuleViolation
from yishi.core.images import (
    DEFAULT_MAX_IMAGE_PIXELS,
    check_image_pixels,
    declared_size,
    max_image_pixels,
    too_many_pixels,
)

from .images import png_bytes, png_claiming, upload


def test_the_setting_is_forty_million_pixels() -> None:
    assert settings.YISHI_MAX_IMAGE_PIXELS == DEFAULT_MAX_IMAGE_PIXELS == 40_000_000
    assert max_image_pixels() == 40_000_000


def test_too_many_pixels_is_width_times_height_over_the_limit() -> None:
    assert not too_many_pixels(8000, 5000, 40_000_000)
    assert too_many_pixels(8000, 5001, 40_000_000)
    assert too_many_pixels(40_000_001, 1, 40_000_000)


def test_the_forged_png_is_tiny_and_pillow_reads_its_claimed_size() -> None:
    data = png_claiming(7000, 7000)
    assert len(data) < 200
    f = upload(data)
    assert declared_size(f) == (7000, 7000)
    assert f.tell() == 0


@pytest.mark.parametrize("size", [(7000, 7000), (40_001, 1000), (100_000, 100_000), (2**31 - 1, 2**31 - 1)])
def test_an_image_claiming_too_many_pixels_is_refused_with_a_clear_message(size) -> None:
    f = upload(png_claiming(*size), "炸弹.png")
    with pytest.raises(RuleViolation) as refused:
        check_image_pixels(f, rule="photo")
    assert refused.value.rule == "photo"
    assert "炸弹.png" in refused.value.message and "40" in refused.value.message
    assert f.tell() == 0


def test_pillow_s_own_bomb_refusal_counts_as_too_many_pixels() -> None:
    with pytest.raises(Image.DecompressionBombError):
        Image.open(upload(png_claiming(100_000, 100_000)))
    assert too_many_pixels(*declared_size(upload(png_claiming(100_000, 100_000))), 10**12)


def test_an_ordinary_photo_and_a_non_image_pass_this_check(settings) -> None:
    check_image_pixels(upload(png_bytes((64, 64))))
    check_image_pixels(upload(png_claiming(8000, 5000)))
    check_image_pixels(upload(b"%PDF-1.4 not an image", "x.pdf"))  # other checks refuse it
    settings.YISHI_MAX_IMAGE_PIXELS = 64 * 64
    check_image_pixels(upload(png_bytes((64, 64))))
    with pytest.raises(RuleViolation):
        check_image_pixels(upload(png_bytes((64, 65))))
