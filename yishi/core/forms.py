"""Form pieces that do not lose work: long text that shows its limit and is never cut, and
a photo input that states its limits before choosing, shrinks photos in the browser and
keeps them across a failed submit (``held_uploads``).

Core imports no other Yishi app: the apps' forms build on these.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .held_uploads import Held

DEFAULT_PHOTO_MAX_EDGE = 1600


class CountedTextarea(forms.Textarea):
    """A textarea whose limit is ``data-maxlength``, not ``maxlength``: a browser cuts a paste
    at ``maxlength`` without a word, while ``static/js/counter.js`` counts against
    ``data-maxlength`` and the server refuses an over-long text with the count."""

    def build_attrs(self, base_attrs: dict[str, Any],
                    extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs


class LongTextField(forms.CharField):
    """Free text in a textarea, with a counter; line breaks count once, as the counter and
    the reader count them (a browser sends each as two characters, CR LF)."""

    widget = CountedTextarea

    def __init__(self, *, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("widget", CountedTextarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


def photo_limits() -> dict[str, int]:
    """The server's limits on one photo input, as the page and ``photos.js`` read them."""
    return {
        "count": int(settings.YISHI_MAX_PHOTOS),
        "bytes": int(settings.YISHI_MAX_PHOTO_BYTES),
        "pixels": int(getattr(settings, "YISHI_MAX_IMAGE_PIXELS", 40_000_000)),
        "edge": int(getattr(settings, "YISHI_PHOTO_MAX_EDGE", DEFAULT_PHOTO_MAX_EDGE)),
    }


def photo_limits_text() -> str:
    """「最多 6 张，每张不超过 5 MB。」: shown beside the input, before choosing."""
    limits = photo_limits()
    return str(_("At most %(n)d photos, each up to %(mb)s MB. Large photos are made smaller "
                 "before they are sent.")
               % {"n": limits["count"], "mb": f"{limits['bytes'] / 2**20:g}"})


#: The same, read when shown: the limits are settings, and the language is the request's.
photo_limits_help = lazy(photo_limits_text, str)


class PhotosInput(forms.ClearableFileInput):
    """Several photos in one input, with the limits in ``data-`` attributes for
    ``photos.js`` and, after a failed submit, the photos kept from it (``kept``, set by
    the form), each with a box ticked to keep it (``<name>_kept``)."""

    allow_multiple_selected = True
    template_name = "core/widgets/photos.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/jpeg,image/png,image/webp", **(attrs or {})})
        self.kept: list[Held] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> Any:
        limits = photo_limits()
        attrs = {**(attrs or {}), "data-photos": "", "data-max-count": limits["count"],
                 "data-max-bytes": limits["bytes"], "data-max-pixels": limits["pixels"],
                 "data-max-edge": limits["edge"], "data-keep-name": kept_name(name)}
        context = super().get_context(name, value, attrs)
        context["widget"]["kept"] = self.kept
        context["widget"]["keep_name"] = kept_name(name)
        return context


def kept_name(name: str) -> str:
    """The name under which the tokens of a photo input's kept photos come back."""
    return f"{name}_kept"
