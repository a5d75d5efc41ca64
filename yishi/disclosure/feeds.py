"""The board as an Atom feed, for readers and for the street's own portal."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from yishi.core import clock
from yishi.places.models import Place

from . import selectors
from .models import Notice
from .rules import mask_personal_numbers

FEED_SIZE = 30


class NoticeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, pk: int) -> Place:  # type: ignore[override]
        return selectors.get_public_community(pk)

    def title(self, obj: Place) -> str:
        return _("Notice board of %(community)s") % {"community": obj.name}

    def link(self, obj: Place) -> str:
        return reverse("disclosure:board", args=[obj.pk])

    def subtitle(self, obj: Place) -> str:
        return _("Public notices posted by %(community)s") % {"community": obj.name}

    def items(self, obj: Place) -> list[Notice]:
        return list(selectors.archive_notices(obj, clock.localdate())[:FEED_SIZE])

    def item_title(self, item: Notice) -> str:
        return mask_personal_numbers(item.title)

    def item_description(self, item: Notice) -> str:
        return mask_personal_numbers(item.body)

    def item_link(self, item: Notice) -> str:
        return reverse("disclosure:notice", args=[item.pk])

    def item_pubdate(self, item: Notice) -> datetime:
        return timezone.make_aware(datetime.combine(item.starts_on, time(8)))

    def item_author_name(self, item: Notice) -> str:
        return mask_personal_numbers(item.issuer)
