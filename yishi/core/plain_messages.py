"""Django's own form messages, in plain words.

Django's zh-hans catalogue words its validation messages as machine text (「确保该变量包含不超过
2000 字符 (目前字符数 2153)。」, 「这个字段是必填项。」). Naming those msgids here puts them in our
catalogue, and the catalogues of ``LOCALE_PATHS`` take precedence over Django's: every form,
ours or Django's, then says 「最多 2000 字，现在 2153 字。」. The English stays Django's.

Nothing here is called: the module only carries the msgids for ``makemessages``. Keep each
msgid exactly as Django spells it (``django/core/validators.py``, ``django/forms/fields.py``);
``core/tests/test_plain_messages.py`` renders them and fails on a stale one.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

LENGTHS = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value"),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value"),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max"),
)

MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s, starting from "
                 "%(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a "
                 "corrupted image."),
)
