"""Punctuation by language: ``{% translate "Proposer" %}{% colon %}{{ name }}`` reads
「提议人：王*英」 in Chinese and "Proposer: 王*英" in English."""

from __future__ import annotations

from django import template
from django.utils.text import Truncator
from django.utils.translation import get_language

from yishi.core import text

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


@register.simple_tag
def colon() -> str:
    """A label's colon: full-width 「：」 with no space in Chinese, ": " in English."""
    return text.colon()


@register.filter
def in_parentheses(text: object) -> str:
    """「（text）」 in Chinese, " (text)" in English (the space before, as English writes it)."""
    return f"（{text}）" if _chinese() else f" ({text})"


@register.filter
def clip(text: object, length: int) -> str:
    """At most ``length`` characters, cut with 「…」 (Django's Chinese catalogue cuts with
    "...", three full stops)."""
    return Truncator(str(text)).chars(int(length), truncate="…")
