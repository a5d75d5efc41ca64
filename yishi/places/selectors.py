"""Reads over places and people that the pages of every app need; no writes here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from yishi.core.crypto import blind_index

from .models import Person, Place, PlaceKind, RoleKind
from .permissions import role_paths
from .rules import is_valid_id_number, is_valid_phone


def courier_communities(user: object) -> QuerySet[Place]:
    """Communities where the user serves as an opinion courier (民情专递员): every community
    under a place where they hold an active courier role, by path."""
    paths = role_paths(user, {RoleKind.COURIER})
    if not paths:
        return Place.objects.none()
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Place.objects.filter(q, kind=PlaceKind.COMMUNITY).order_by("path")


def residents_by_number(key: str, communities: Iterable[Place] | QuerySet[Place]
                        ) -> QuerySet[Person]:
    """Residents of ``communities`` whose mobile or ID number is ``key``.

    Found by number only, never picked from a list of everyone: a key that is neither an
    11-digit mobile nor an 18-character ID number finds nobody.
    """
    key = (key or "").strip().upper()
    if not (is_valid_phone(key) or is_valid_id_number(key)):
        return Person.objects.none()
    # Through the blind indexes: the numbers themselves are stored encrypted.
    by_number = (Q(personal__phone_index=blind_index("phone", key))
                 | Q(personal__id_number_index=blind_index("id_number", key)))
    return (Person.objects.filter(by_number, community__in=communities)
            .select_related("community").order_by("pk"))


def residents_for_courier(user: object, key: str) -> QuerySet[Person]:
    """Residents a courier may record an opinion for, by mobile or ID number, in every
    community they serve (one query)."""
    return residents_by_number(key, courier_communities(user))
