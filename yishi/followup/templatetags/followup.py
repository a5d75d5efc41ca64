"""``{% load followup %}{% public_progress topic %}``: the progress snippet for topic pages."""

from __future__ import annotations

from typing import Any

from django import template

from yishi.followup import selectors

register = template.Library()


@register.inclusion_tag("followup/_public_progress.html")
def public_progress(topic: Any) -> dict[str, Any]:
    """Tasks and progress of ``topic``; nothing unless its outcome was published."""
    return {"tasks": selectors.public_progress(topic)}
