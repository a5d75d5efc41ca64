"""``{{ value|time_tag:"Y-m-d" }}``: a date or time as ``<time datetime="…">`` that never
breaks across lines (``time { white-space: nowrap }`` in yishi.css), for lists, tables
and the notice board; it works inside ``{% blocktranslate with d=…|time_tag:… %}`` too.

A builtin (settings ``TEMPLATES``), so no template has to load it.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter(expects_localtime=True, is_safe=True)
def time_tag(value: date | datetime | None, fmt: str = "Y-m-d") -> SafeString | str:
    """``<time datetime="2026-12-06">2026-12-06</time>``; nothing for no date. The machine
    reading (``datetime``) is ISO 8601, with the offset for a moment in time."""
    if value in (None, ""):
        return ""
    return format_html('<time datetime="{}">{}</time>', format_date(value, "c"),
                       format_date(value, fmt))
