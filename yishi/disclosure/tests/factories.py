"""Notices straight into the database (the service is tested on its own)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from yishi.disclosure.models import Notice, NoticeKind
from yishi.disclosure.search import index_text
from yishi.places.models import Place

_seq = count(1)


def notice(community: Place, *, title: str | None = None, body: str = "", days_ago: int = 1,
           length: int = 7, **kwargs: Any) -> Notice:
    """A notice posted ``days_ago`` days ago for ``length`` days."""
    n = next(_seq)
    title = title or f"关于第{n}号事项的公示"
    body = body or f"经社区协商议事会议讨论，第{n}号事项公示如下。公示期内如有异议请向社区反映。"
    today = timezone.localdate()
    starts_on = kwargs.pop("starts_on", today - timedelta(days=days_ago))
    values: dict[str, Any] = {
        "kind": NoticeKind.OTHER, "issuer": f"{community.name}居民委员会",
        "issued_on": starts_on, "starts_on": starts_on,
        "ends_on": starts_on + timedelta(days=length), "created_at": timezone.now(),
    }
    values.update(kwargs)
    return Notice.objects.create(
        community=community, title=title, body=body,
        search_text=index_text(title, body, values["issuer"]), **values,
    )


def notices(community: Place, n: int, **kwargs: Any) -> list[Notice]:
    return [notice(community, **kwargs) for _ in range(n)]


def d(s: str) -> date:
    return date.fromisoformat(s)
