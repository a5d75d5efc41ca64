"""``{{ clause|in_words }}``: a seed clause as a page shows it (依据《…》（二）4.(3))."""

from __future__ import annotations

from django import template

from yishi.core import clauses

register = template.Library()


@register.filter(name="in_words")
def in_words(clause: str) -> str:
    return clauses.in_words(str(clause or ""))
