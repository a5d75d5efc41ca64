"""Reads the disclosure pages need: a fixed number of queries each, whatever the data size."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from yishi.places.models import Place, PlaceKind

from . import rules
from .models import DisclosureItem, DisclosureReview, Notice, NoticeAttachment
from .search import may_match_title_as_written

# The list pages never need the segmented search column.
LIST_FIELDS = ("id", "community_id", "title", "body", "kind", "issuer", "issued_on",
               "starts_on", "ends_on")


def get_public_community(pk: int) -> Place:
    """A community or village whose board is public; 404 for any other place."""
    place = (Place.objects.select_related("parent")
             .filter(pk=pk, kind=PlaceKind.COMMUNITY).first())
    if place is None:
        raise Http404
    return place


# The two busiest public reads, written out: building the same query with the ORM (a
# join and a subquery) costs about a millisecond of Python a request, as much as the rest
# of a cached board. Both read one row by its primary key, the only form they take.
_BOARD_SQL = """
    SELECT p.id, p.name, p.kind, p.path, p.parent_id, q.name AS parent_name,
           (SELECT max(n.id) FROM {notice} n WHERE n.community_id = p.id) AS latest_notice
    FROM {place} p LEFT JOIN {place} q ON q.id = p.parent_id
    WHERE p.id = %s AND p.kind = %s"""
_NOTICE_SQL = """
    SELECT n.id, n.community_id, n.title, n.body, n.kind, n.issuer, n.issued_on, n.starts_on,
           n.ends_on, n.created_at, p.name AS community_name, p.kind AS community_kind,
           p.path AS community_path, p.parent_id AS community_parent_id
    FROM {notice} n JOIN {place} p ON p.id = n.community_id
    WHERE n.id = %s AND n.starts_on <= %s"""


def _sql(template: str) -> str:
    return template.format(place=Place._meta.db_table, notice=Notice._meta.db_table)


def get_board_community(pk: int) -> Place:
    """``get_public_community`` (its street as ``parent``, name only) with ``latest_notice``,
    the id of the board's newest notice, in one query: notices are never edited once
    posted, so with the date, the names and the language it stamps what the board shows,
    for its cached fragment."""
    place = next(iter(Place.objects.raw(_sql(_BOARD_SQL), [pk, PlaceKind.COMMUNITY])), None)
    if place is None:
        raise Http404
    if place.parent_id is not None:
        _relate(place, "parent", Place(pk=place.parent_id, name=place.parent_name))  # type: ignore[attr-defined]
    return place


def get_public_notice_page(pk: int, on: date) -> Notice:
    """``get_public_notice`` for its page, in one query (the attachments are read only when
    the page's cached fragment is missing)."""
    notice = next(iter(Notice.objects.raw(_sql(_NOTICE_SQL), [pk, on])), None)
    if notice is None:
        raise Http404
    name, kind, path, parent_id = (getattr(notice, f"community_{f}")
                                   for f in ("name", "kind", "path", "parent_id"))
    _relate(notice, "community", Place(pk=notice.community_id, name=name, kind=kind,
                                       path=path, parent_id=parent_id))
    return notice


def _relate(obj: Any, name: str, related: Place) -> None:
    """``obj.<name> = related`` for a row read from the database it was read from: assigning
    an unsaved object would ask the router where to write it, and a write in a request
    sends the rest of its reads to the primary (core.replicas)."""
    related._state.db = obj._state.db
    related._state.adding = False
    setattr(obj, name, related)


def communities_by_street() -> list[tuple[Place, list[Place]]]:
    """Streets (townships) with their communities, for the public index (one query)."""
    groups: dict[int, tuple[Place, list[Place]]] = {}
    for c in (Place.objects.filter(kind=PlaceKind.COMMUNITY).select_related("parent")
              .order_by("parent__name", "parent_id", "name")):
        street = c.parent if c.parent is not None else c
        groups.setdefault(street.pk, (street, []))[1].append(c)
    return list(groups.values())


# A phone screen of notices; more (rare) are in the archive.
BOARD_LIMIT = 50


def current_notices(community: Place, on: date) -> QuerySet[Notice]:
    return (Notice.objects.current(on).filter(community=community).only(*LIST_FIELDS)
            .order_by("-starts_on", "-id")[:BOARD_LIMIT])


def archive_notices(community: Place, on: date, *, year: int | None = None) -> QuerySet[Notice]:
    qs = Notice.objects.posted(on).filter(community=community)
    if year is not None:
        qs = qs.filter(starts_on__year=year)
    return qs.only(*LIST_FIELDS).order_by("-starts_on", "-id")


def archive_years(community: Place, on: date) -> list[int]:
    dates = (Notice.objects.posted(on).filter(community=community)
             .dates("starts_on", "year", order="DESC"))
    return [d.year for d in dates]


def search_notices(community: Place, on: date, words: list[str]) -> QuerySet[Notice]:
    """Notices containing every word: as a jieba token of the masked text, or inside the title
    when the word has no digits (the title is stored unmasked)."""
    qs = Notice.objects.posted(on).filter(community=community)
    for word in words:
        match = Q(search_text__contains=f" {word} ")
        if may_match_title_as_written(word):
            match |= Q(title__icontains=word)
        qs = qs.filter(match)
    return qs.only(*LIST_FIELDS).order_by("-starts_on", "-id")


def get_public_notice(pk: int, on: date) -> Notice:
    """A notice whose posting has begun; one scheduled for later is not public yet."""
    notice = (Notice.objects.posted(on).select_related("community", "community__parent")
              .defer("search_text").filter(pk=pk).first())
    if notice is None:
        raise Http404
    return notice


def get_public_attachment(pk: int, on: date) -> NoticeAttachment:
    att = (NoticeAttachment.objects.select_related("notice")
           .filter(pk=pk, notice__starts_on__lte=on).first())
    if att is None:
        raise Http404
    return att


def published_disclosures(community: Place) -> QuerySet[DisclosureItem]:
    """The 三务公开 archive: published items, newest period first."""
    return (DisclosureItem.objects.filter(community=community, notice__isnull=False)
            .select_related("notice").defer("notice__search_text", "notice__body")
            .order_by("-due_on", "kind", "id"))


def overdue_disclosures(scope: Q, today: date) -> QuerySet[DisclosureItem]:
    """Items past their due date and not published, for the township's oversight."""
    return (DisclosureItem.objects.filter(scope, notice__isnull=True, due_on__lt=today)
            .select_related("community", "community__parent")
            .order_by("due_on", "community__path", "kind"))


def community_items(community: Place, year: int) -> QuerySet[DisclosureItem]:
    return (DisclosureItem.objects.filter(community=community, due_on__year=year)
            .select_related("notice").defer("notice__search_text", "notice__body")
            .order_by("due_on", "kind", "id"))


def schedule_rows(community: Place, year: int, today: date) -> list[DisclosureItem]:
    """The community's items of ``year``, each with ``overdue`` as the rules say."""
    items = list(community_items(community, year))
    for item in items:
        item.overdue = rules.disclosure_overdue(  # type: ignore[attr-defined]
            published=item.notice_id is not None, due_on=item.due_on, today=today)
    return items


def notices_for_source(source_type: str, source_id: int) -> QuerySet[Notice]:
    """The notices another app posted for one of its records (a topic's outcome)."""
    return (Notice.objects.filter(source_type=source_type, source_id=source_id)
            .only(*LIST_FIELDS).order_by("-starts_on", "-id"))


def contents_rows(item: DisclosureItem) -> list[dict[str, Any]]:
    """The item's checklist: each required line with what covers it (one query)."""
    recorded = {c.code: c for c in item.contents.all()}
    rows = []
    for line in rules.required_contents(item.kind, is_village=item.community.is_village):
        c = recorded.get(line.code)
        rows.append({"line": line, "ticked": bool(c and c.ticked),
                     "name": c.name if c and c.file else "",
                     "covered": c is not None and (c.ticked or bool(c.file))})
    return rows


def latest_review(item: DisclosureItem) -> Any:
    """The supervisory committee's latest review of the item with its state, or None."""
    review = (DisclosureReview.objects.filter(item=item).select_related("reviewer")
              .order_by("-reviewed_at", "-id").first())
    if review is not None:
        review.state = rules.review_state(  # type: ignore[attr-defined]
            decision=review.decision, reviewed_revision=review.revision,
            revision=item.contents_revision)
    return review
