"""Public pages: the notice board, its archive and search, a notice and its PDF.

Readable without signing in; each page runs a fixed number of queries, on a read replica
when there is one (``core.replicas``: a notice reaches the board seconds after it is posted).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from yishi.core import clock, files
from yishi.core.replicas import reads_from_replica

from . import selectors
from .documents import render_notice_pdf
from .forms import SearchForm
from .rules import parse_small_int
from .search import query_words

PAGE_SIZE = 20
PDF_CACHE_SECONDS = 3600
# The board's and a notice's content, kept per process (or in the shared cache) under a key
# of everything they show that can change: the names, the board's newest notice, the date
# and the language. Notices are never edited once posted, so a key never goes stale.
PUBLIC_FRAGMENT_SECONDS = 600
# The board a visitor last opened, for the welcome page (portal.views.welcome): no account,
# nothing personal, only a community's id.
BOARD_COOKIE = "yishi_board"
BOARD_COOKIE_SECONDS = 365 * 24 * 3600


@require_safe
@reads_from_replica
def communities(request: HttpRequest) -> HttpResponse:
    """All boards, by street; ``?c=<id>`` (the select) goes straight to one."""
    chosen = parse_small_int(request.GET.get("c"))
    if chosen is not None:
        return redirect("disclosure:board", chosen)
    return render(request, "disclosure/communities.html", {"streets": selectors.communities_by_street()})


@require_safe
@reads_from_replica
def board(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.get_board_community(pk)
    today = clock.localdate()
    response = render(request, "disclosure/board.html", {
        "community": community,
        # Read only when the cached fragment is missing (board.html, PUBLIC_FRAGMENT_SECONDS).
        "notices": selectors.current_notices(community, today),
        "today": today,
        "search_form": SearchForm(),
        "fragment_seconds": PUBLIC_FRAGMENT_SECONDS,
    })
    if request.COOKIES.get(BOARD_COOKIE) != str(community.pk):
        response.set_cookie(BOARD_COOKIE, str(community.pk), max_age=BOARD_COOKIE_SECONDS,
                            samesite="Lax", httponly=True, secure=request.is_secure())
    return response


def _page(request: HttpRequest, qs: object, size: int = PAGE_SIZE):  # type: ignore[no-untyped-def]
    return Paginator(qs, size).get_page(request.GET.get("page"))  # type: ignore[arg-type]


@require_safe
@reads_from_replica
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Every notice posted, newest first, by month; ``?year=`` narrows to one year."""
    community = selectors.get_public_community(pk)
    today = clock.localdate()
    years = selectors.archive_years(community, today)
    year = parse_small_int(request.GET.get("year"), digits=4)
    year = year if year in years else None
    page = _page(request, selectors.archive_notices(community, today, year=year))
    return render(request, "disclosure/archive.html", {
        "community": community, "page": page, "years": years, "year": year, "today": today,
        "query": f"year={year}&" if year else "",
    })


@require_safe
@reads_from_replica
def affairs(request: HttpRequest, pk: int) -> HttpResponse:
    """三务公开 by period: what was disclosed for each half-year and quarter."""
    community = selectors.get_public_community(pk)
    page = _page(request, selectors.published_disclosures(community), 40)
    return render(request, "disclosure/affairs.html", {"community": community, "page": page})


@require_safe
@reads_from_replica
def subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    """订阅: what the board's feed is and how to follow it with a reader app, with its
    address to copy, instead of the raw XML a tap on the feed itself shows on a phone."""
    community = selectors.get_public_community(pk)
    return render(request, "disclosure/subscribe.html", {
        "community": community,
        "feed_url": request.build_absolute_uri(reverse("disclosure:feed", args=[community.pk])),
    })


@require_safe
@reads_from_replica
def search(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.get_public_community(pk)
    today = clock.localdate()
    form = SearchForm(request.GET or None)
    words: list[str] = []
    page = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        words = query_words(form.cleaned_data["q"])
        if words:
            page = _page(request, selectors.search_notices(community, today, words))
    return render(request, "disclosure/search.html", {
        "community": community, "form": form, "search_form": form, "page": page, "words": words,
        "today": today,
        "query": urlencode({"q": form.cleaned_data["q"]}) + "&" if page is not None else "",
    }, status=200)


@require_safe
@reads_from_replica
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = clock.localdate()
    notice = selectors.get_public_notice_page(pk, today)
    return render(request, "disclosure/notice.html", {
        "notice": notice, "community": notice.community,
        # Read only when the cached fragment is missing (notice.html).
        "attachments": notice.attachments.all(),
        "current": notice.starts_on <= today <= notice.ends_on, "today": today,
        "fragment_seconds": PUBLIC_FRAGMENT_SECONDS,
    })


@require_safe
@cache_control(public=True, max_age=300)
@reads_from_replica
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice for the paper board, with a QR code back to its page here."""
    notice = selectors.get_public_notice(pk, clock.localdate())
    url = request.build_absolute_uri(reverse("disclosure:notice", args=[notice.pk]))
    # Notices are never edited once posted: the PDF of a notice, language and address
    # stays the same, and rendering costs most of a second.
    key = f"disclosure:pdf:{notice.pk}:{get_language()}:{url}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_notice_pdf(notice, url=url)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


@require_safe
@reads_from_replica
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    att = selectors.get_public_attachment(pk, clock.localdate())
    return files.serve(att.file, content_type=att.content_type, filename=att.name,
                       private=False)
