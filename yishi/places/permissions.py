"""Who may see and act where: roles held at places, inherited down the tree.

Permission predicates live here, apart from ``rules.py`` (pure procedure rules).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.http import Http404

from .models import STAFF_ROLES, Person, Place, PlaceKind, Role, RoleKind


def person_of(user: object) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person  # type: ignore[attr-defined,no-any-return]
    except Person.DoesNotExist:
        return None


def _cached(user: object, key: str, compute):  # type: ignore[no-untyped-def]
    cache = user.__dict__.setdefault("_yishi_perm_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def staff_paths(user: object, on: date | None = None) -> list[str]:
    """Paths of the places where the user holds an active staff role."""
    if getattr(user, "is_superuser", False):
        return ["/"]
    person = person_of(user)
    if person is None:
        return []

    if on is None:
        return [path for kind, path in _roles_today(user, person) if kind in STAFF_ROLES]

    def compute() -> list[str]:
        return list(
            Role.objects.active(on)
            .filter(person=person, kind__in=STAFF_ROLES)
            .values_list("place__path", flat=True)
        )

    return _cached(user, f"staff:{on}", compute)  # type: ignore[no-any-return]


def _roles_today(user: object, person: Person) -> list[tuple[str, str]]:
    """Every role the person holds today, as (kind, place path): one query a request, for
    the header's questions and the page's alike."""
    return _cached(  # type: ignore[no-any-return]
        user, "roles-today",
        lambda: list(Role.objects.active().filter(person=person)
                     .values_list("kind", "place__path")),
    )


def role_paths(user: object, kinds: set[str] | frozenset[str]) -> list[str]:
    person = person_of(user)
    if person is None:
        return []
    return [path for kind, path in _roles_today(user, person) if kind in kinds]


def is_staff_at(user: object, place: Place) -> bool:
    """Staff of the place itself or of any place above it (a township covers its villages)."""
    return any(place.path.startswith(p) for p in staff_paths(user))


def is_staff_anywhere(user: object) -> bool:
    return bool(staff_paths(user))


def is_courier_at(user: object, community: Place) -> bool:
    return any(community.path.startswith(p) for p in role_paths(user, {RoleKind.COURIER}))


def staff_scope_q(user: object, path_field: str) -> Q:
    """A filter keeping rows whose place (``path_field``) lies under the user's staff places."""
    paths = staff_paths(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{path_field}__startswith": p})
    return q


def communities_for_staff(user: object) -> list[Place]:
    q = staff_scope_q(user, "path")
    return list(Place.objects.filter(q, kind="community").order_by("path"))


def get_community_for_user(user: object, community_id: int) -> Place:
    """A community its residents and the staff above it may read; 404 alike for "no such
    community" and "not yours"."""
    community = Place.objects.filter(pk=community_id, kind=PlaceKind.COMMUNITY).first()
    if community is None:
        raise Http404
    me = person_of(user)
    if me is not None and me.community_id == community.pk and me.moved_out_on is None:
        return community
    if is_staff_at(user, community):
        return community
    raise Http404
