"""Uploaded images: refused before anything is saved when decoding them would be too costly.

A PNG or JPEG of a few kilobytes may declare 100 000 × 100 000 pixels (a decompression
bomb); decoding it for a thumbnail or a PDF would take gigabytes. Pillow reads the size
from the header without decoding, so the check is cheap and runs on every upload.
"""

from __future__ import annotations

import warnings
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .exceptions import RuleViolation

DEFAULT_MAX_IMAGE_PIXELS = 40_000_000


def max_image_pixels() -> int:
    return int(getattr(settings, "YISHI_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def too_many_pixels(width: int, height: int, limit: int) -> bool:
    """Whether an image of ``width`` × ``height`` is over ``limit`` pixels."""
    return width * height > limit


def declared_size(f: IO[bytes] | Any) -> tuple[int, int] | None:
    """The width and height the file's header declares, without decoding the pixels;
    None when Pillow cannot read it as an image (other checks refuse that). A size so large
    that Pillow itself refuses to open it is given as a size over any limit."""
    from PIL import Image

    try:
        f.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(f) as img:
                return img.size
    except Image.DecompressionBombError:
        return (2**31, 2**31)
    except Exception:  # Pillow raises many kinds for broken or hostile files
        return None
    finally:
        f.seek(0)


def check_image_pixels(f: IO[bytes] | Any, *, name: str = "", rule: str = "photo") -> None:
    """Refuse (``RuleViolation``) an image whose header declares more pixels than
    ``YISHI_MAX_IMAGE_PIXELS``; the file is left at its start."""
    size = declared_size(f)
    limit = max_image_pixels()
    if size is not None and too_many_pixels(*size, limit):
        raise RuleViolation(
            _("“%(name)s” has too many pixels: at most %(mp)s million (width × height) are "
              "accepted. Make the picture smaller and upload it again.")
            % {"name": name or getattr(f, "name", "") or _("photo"), "mp": f"{limit / 1e6:g}"},
            rule=rule,
        )
