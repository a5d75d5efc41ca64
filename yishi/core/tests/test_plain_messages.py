"""Validation messages in plain Chinese (core/plain_messages.py): Django's zh-hans words them
as machine text (「确保该变量…」); our catalogue, read first, says them plainly."""

from __future__ import annotations

import gettext
from pathlib import Path

import django
import pytest
from django import forms
from django.utils import translation

from yishi.core import plain_messages

MACHINE_WORDS = ("该变量", "该值", "确保", "这个字段")


class Everything(forms.Form):
    title = forms.CharField(max_length=5)
    name = forms.CharField(min_length=3)
    count = forms.IntegerField(min_value=1, max_value=9)
    step = forms.IntegerField(step_size=5)
    whole = forms.IntegerField(required=False)
    day = forms.DateField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")])
    needed = forms.CharField()


def test_our_forms_errors_read_as_plain_chinese() -> None:
    bad = Everything({"title": "楼道灯坏了一个星期", "name": "灯", "count": "12", "step": "7",
                      "whole": "1.5", "day": "2026-02-30", "kind": "z", "needed": ""})
    with translation.override("zh-hans"):
        assert not bad.is_valid()
        errors = {name: " ".join(str(e) for e in errs) for name, errs in bad.errors.items()}
        page = bad.as_div()
    assert errors["title"] == "最多 5 字，现在 9 字。"
    assert errors["name"] == "至少 3 字，现在 1 字。"
    assert errors["count"] == "不能大于 9。"
    assert errors["needed"] == "此项必填。"
    assert "不在可选的范围内" in errors["kind"]
    assert errors["whole"] == "请填写整数。" and errors["day"] == "请填写正确的日期。"
    for word in MACHINE_WORDS:
        assert word not in page, word


def _django_msgids() -> set[str]:
    """The msgids of Django's own zh-hans catalogue (its compiled file, as Django reads it;
    a plural entry's key is (msgid, n))."""
    path = Path(django.__file__).parent / "conf/locale/zh_Hans/LC_MESSAGES/django.mo"
    with path.open("rb") as f:
        keys = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    return {k[0] if isinstance(k, tuple) else k for k in keys}


def test_every_message_we_reword_is_spelled_as_django_spells_it() -> None:
    """A msgid Django no longer has would leave its new wording machine-like again (the
    plural ones, ``LENGTHS``, are rendered by the test above and the next)."""
    theirs = _django_msgids()
    assert [m for m in plain_messages.MESSAGES if m not in theirs] == []


def test_a_file_name_too_long_reads_plainly() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    class Upload(forms.Form):
        file = forms.FileField(max_length=8)

    bad = Upload(files={"file": SimpleUploadedFile("楼道灯的照片一张.pdf", b"x")})
    with translation.override("zh-hans"):
        assert not bad.is_valid()
        assert str(bad.errors["file"][0]) == "文件名最多 8 个字，现在 12 个字。"


@pytest.mark.parametrize("msgid", plain_messages.MESSAGES)
def test_each_reworded_message_has_our_plain_wording(msgid: str) -> None:
    with translation.override("zh-hans"):
        said = translation.gettext(msgid)
    assert said != msgid
    assert not any(word in said for word in MACHINE_WORDS), said
