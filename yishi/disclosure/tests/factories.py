"""Notices straight into the database (the service is tested on its own)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from yishi.disclosure import rules
from yishi.disclosure.models import (
    DisclosureContent,
    DisclosureItem,
    DisclosureReview,
    Notice,
    NoticeKind,
    ReviewDecision,
)
from yishi.disclosure.search import index_text
from yishi.places.models import Place, RoleKind

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


def supervisor(community: Place, *, username: str | None = None) -> Any:
    """The user of a member of the community's supervisory committee (村(居)务监督委员会)."""
    from yishi.places.tests.factories import staff

    name = username or f"supervisor_{community.pk}_{next(_seq)}"
    return staff(community, username=name, kind=RoleKind.SUPERVISOR).user


def ready_to_publish(item: DisclosureItem, reviewer: Any = None) -> DisclosureItem:
    """Every required content ticked and the supervisory committee's approval, straight
    into the database (the services that record them are tested on their own)."""
    now = timezone.now()
    DisclosureContent.objects.bulk_create([
        DisclosureContent(item=item, code=line.code, ticked=True, recorded_at=now)
        for line in rules.required_contents(item.kind, is_village=item.community.is_village)])
    DisclosureReview.objects.create(
        item=item, reviewer=reviewer or supervisor(item.community),
        decision=ReviewDecision.APPROVE, revision=item.contents_revision, reviewed_at=now)
    return item
