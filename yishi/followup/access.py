"""Who may see and act on follow-up records, and the ``get_<thing>_for_user`` loaders.

Each loader answers 404 alike for "does not exist" and "not yours", so an id in a URL
tells a stranger nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404

from yishi.consult.models import Topic
from yishi.core import clock
from yishi.places.models import Place, Role, RoleKind
from yishi.places.permissions import is_staff_at, person_of, role_paths

from .models import Correction, Dissent, EntrustedAnswer, ImplementationTask, ProgressPhoto

# 法律顾问 (000 §(四)(2)): a role at the community, or above it for an adviser serving several.
LEGAL_ADVISER_ROLES = frozenset({RoleKind.LEGAL_ADVISER})

# Roles that run the follow-up of a community's consultations. The supervisory committee
# reads everything but acts on nothing (村(居)务监督委员会 supervises).
ACTING_ROLES = frozenset({RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY, RoleKind.TOWNSHIP,
                          RoleKind.CITY})
# Roles through which a government body answers an entrusted topic.
BODY_ROLES = frozenset({RoleKind.DEPARTMENT, RoleKind.TOWNSHIP})


def _under(place: Place, paths: list[str]) -> bool:
    return any(place.path.startswith(p) for p in paths)


def can_manage(user: Any, place: Place) -> bool:
    """Staff, chair or party organisation of the place, or a township or city above it."""
    if getattr(user, "is_superuser", False):
        return True
    return _under(place, role_paths(user, ACTING_ROLES))


def can_read(user: Any, place: Place) -> bool:
    """Every staff role of the place or above it, the supervisory committee included."""
    return is_staff_at(user, place)


def speaks_for(user: Any, body: Place) -> bool:
    """The user holds a department or township role at ``body`` itself (not above or below)."""
    return body.path in role_paths(user, BODY_ROLES)


def is_township_over(user: Any, place: Place) -> bool:
    """A township (street) official whose place contains ``place``."""
    return _under(place, role_paths(user, {RoleKind.TOWNSHIP}))


def is_legal_adviser_for(user: Any, place: Place) -> bool:
    """The user holds an active legal-adviser role at ``place`` or above it."""
    return _under(place, role_paths(user, LEGAL_ADVISER_ROLES))


def has_legal_adviser(place: Place, on: date | None = None) -> bool:
    """Someone holds an active legal-adviser role at ``place`` or above it on the day."""
    return Role.objects.active(on).filter(kind=RoleKind.LEGAL_ADVISER,
                                          place__in=place.ancestors()).exists()


def legal_adviser_users(place: Place, on: date | None = None) -> list[Any]:
    """Accounts of the legal advisers serving ``place`` (at it or above it)."""
    roles = (Role.objects.active(on).filter(kind=RoleKind.LEGAL_ADVISER,
                                            place__in=place.ancestors(),
                                            person__user__isnull=False)
             .select_related("person__user"))
    return list({r.person.user.pk: r.person.user for r in roles if r.person.user}.values())


def owns_task(user: Any, task: ImplementationTask) -> bool:
    """The responsible person, or an official of the responsible government body."""
    me = person_of(user)
    if me is not None and task.owner_person_id == me.pk:
        return True
    return task.owner_place is not None and speaks_for(user, task.owner_place)


def body_users(body: Place, on: date | None = None) -> list[Any]:
    """Accounts of the department and township officials serving at ``body``."""
    roles = (Role.objects.active(on).filter(place=body, kind__in=BODY_ROLES,
                                            person__user__isnull=False)
             .select_related("person__user"))
    return list({r.person.user.pk: r.person.user for r in roles if r.person.user}.values())


def staff_users(place: Place, on: date | None = None) -> list[Any]:
    """Accounts of the staff and chairs serving at ``place``."""
    roles = (Role.objects.active(on).filter(place=place, kind__in=[RoleKind.STAFF, RoleKind.CHAIR],
                                            person__user__isnull=False)
             .select_related("person__user"))
    return list({r.person.user.pk: r.person.user for r in roles if r.person.user}.values())


def township_of(place: Place) -> Place | None:
    """The street/township over ``place`` (itself if it is one); the district if none."""
    chain = list(place.ancestors())
    for kind in ("street", "district"):
        for p in reversed(chain):
            if p.kind == kind:
                return p
    return None


def township_users(place: Place, on: date | None = None) -> list[Any]:
    street = township_of(place)
    if street is None:
        return []
    roles = (Role.objects.active(on).filter(place=street, kind=RoleKind.TOWNSHIP,
                                            person__user__isnull=False)
             .select_related("person__user"))
    return list({r.person.user.pk: r.person.user for r in roles if r.person.user}.values())


# --- Loaders ---------------------------------------------------------------------------------


def get_topic_for_staff(user: Any, pk: int) -> Topic:
    topic = Topic.objects.select_related("community").filter(pk=pk).first()
    if topic is None or not can_read(user, topic.community):
        raise Http404
    return topic


def get_topic_for_adviser(user: Any, pk: int) -> Topic:
    """The topic's legal-opinion page: its legal adviser, or the staff who read it."""
    topic = Topic.objects.select_related("community").filter(pk=pk).first()
    if topic is None or not (can_read(user, topic.community)
                             or is_legal_adviser_for(user, topic.community)):
        raise Http404
    return topic


def get_task_for_user(user: Any, pk: int) -> ImplementationTask:
    task = (ImplementationTask.objects
            .select_related("topic", "community", "owner_person", "owner_place")
            .filter(pk=pk).first())
    if task is None or not (can_read(user, task.community) or owns_task(user, task)):
        raise Http404
    return task


def get_answer_for_user(user: Any, pk: int) -> EntrustedAnswer:
    answer = (EntrustedAnswer.objects.select_related("topic", "community", "body")
              .filter(pk=pk).first())
    if answer is None or not (can_read(user, answer.community) or speaks_for(user, answer.body)):
        raise Http404
    return answer


def get_dissent_for_user(user: Any, pk: int) -> Dissent:
    dissent = Dissent.objects.select_related("topic__community").filter(pk=pk).first()
    if dissent is None or not can_read(user, dissent.topic.community):
        raise Http404
    return dissent


def get_correction_for_user(user: Any, pk: int) -> Correction:
    correction = (Correction.objects.select_related("topic", "community")
                  .filter(pk=pk).first())
    if correction is None or not can_read(user, correction.community):
        raise Http404
    return correction


def published_q(today: date, prefix: str = "") -> Q:
    """Topics whose outcome has gone on the notice board (公示) by ``today``."""
    return Q(**{f"{prefix}outcome__published_from__isnull": False,
                f"{prefix}outcome__published_from__lte": today})


def get_public_topic(pk: int, today: date | None = None) -> Topic:
    """A topic readable without signing in: its outcome was published."""
    today = today or clock.localdate()
    topic = (Topic.objects.select_related("community", "outcome")
             .filter(published_q(today), pk=pk).first())
    if topic is None:
        raise Http404
    return topic


def get_photo_for_user(user: Any, pk: int) -> ProgressPhoto:
    photo = (ProgressPhoto.objects.select_related("progress__task__community",
                                                  "progress__task__owner_place")
             .filter(pk=pk).first())
    if photo is None:
        raise Http404
    task = photo.progress.task
    public = Topic.objects.filter(published_q(clock.localdate()), pk=task.topic_id).exists()
    if not (public or can_read(user, task.community) or owns_task(user, task)):
        raise Http404
    return photo
