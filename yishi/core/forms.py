"""Form pieces that do not lose work: long text that shows its limit and is never cut, and
a photo input that states its limits before choosing, shrinks photos in the browser and
keeps them across a failed submit (``held_uploads``).

Core imports no other Yishi app: the apps' forms build on these.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .exceptions import RuleViolation
from .held_uploads import Held, HeldUploads
from .images import check_image_pixels

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


class MultipleImageField(forms.ImageField):
    """Several photos; each is checked to be a real image no larger than the limits (bytes,
    and pixels declared in its header). ``kept`` photos (held from a failed submit) count
    towards the number allowed."""

    widget = PhotosInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", photo_limits_help())
        super().__init__(**kwargs)
        self.kept = 0

    def check_one(self, f: Any) -> Any:
        """``f`` if it is a photo within the limits; otherwise ``ValidationError``."""
        if f.size > settings.YISHI_MAX_PHOTO_BYTES:
            raise ValidationError(
                _("“%(name)s” is larger than %(mb)d MB."),
                params={"name": f.name, "mb": settings.YISHI_MAX_PHOTO_BYTES // 2**20},
            )
        try:  # before Pillow decodes anything: a small file may declare huge dimensions
            check_image_pixels(f, name=f.name)
        except RuleViolation as e:
            raise ValidationError(e.message) from e
        single = forms.ImageField()
        try:
            return single.clean(f)
        except ValidationError as e:
            raise ValidationError(
                _("“%(name)s” is not a photo (JPEG, PNG or WebP)."), params={"name": f.name}
            ) from e

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) + self.kept > settings.YISHI_MAX_PHOTOS:
            raise ValidationError(
                _("At most %(n)d photos."), params={"n": settings.YISHI_MAX_PHOTOS}
            )
        return [self.check_one(f) for f in files]


class KeepsPhotos(forms.Form):
    """A form whose photos survive a failed submit: those that passed their checks are held
    for the session (``yishi.core.held_uploads``) and shown as kept; the next submit brings
    them back with any new ones. Without ``held`` (the API, a service test) it is a plain
    form."""

    def __init__(self, *args: Any, held: HeldUploads | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held = held
        self.kept: list[Held] = []
        if held is not None and self.is_bound:
            getlist = getattr(self.data, "getlist", None)
            tokens: list[str] = getlist(self.add_prefix(kept_name("photos"))) if getlist else []
            self.kept = held.find(tokens)
        self._show_kept()

    def _photos(self) -> MultipleImageField:
        field = self.fields["photos"]
        assert isinstance(field, MultipleImageField)
        return field

    def _show_kept(self) -> None:
        field = self._photos()
        field.kept = len(self.kept)
        assert isinstance(field.widget, PhotosInput)
        field.widget.kept = self.kept

    def clean_photos(self) -> list[Any]:
        assert self.held is not None or not self.kept
        kept = [HeldUploads.open(h) for h in self.kept]
        return kept + list(self.cleaned_data.get("photos") or [])

    def keep_photos(self) -> None:
        """After a refused submit: hold the newly chosen photos that passed their checks
        (as many as still fit), so the page shows them kept instead of losing them."""
        if self.held is None or not self.files:
            return
        field = self._photos()
        room = settings.YISHI_MAX_PHOTOS - len(self.kept)
        good = []
        for f in self.files.getlist(self.add_prefix("photos")):
            try:
                good.append(field.check_one(f))
            except ValidationError:
                continue
        if good[:room]:
            self.kept = self.kept + self.held.hold(good[:room])
        self._show_kept()

    def release_photos(self) -> None:
        """After a submit that saved copies of them: the held files are no longer needed."""
        if self.held is not None:
            self.held.release(self.kept)
