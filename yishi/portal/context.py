from typing import Any

from django.conf import settings
from django.http import HttpRequest

from yishi.core.models import Notification
from yishi.places.models import RoleKind
from yishi.places.permissions import is_staff_anywhere, person_of, role_paths

from .second_factor import ADMINISTRATOR


def nav(request: HttpRequest) -> dict[str, Any]:
    """What the header needs: the person, staff status and unread notifications (2 queries)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "me": person_of(user),
        "is_staff_user": is_staff_anywhere(user),
        # Departments and townships answer entrusted topics in writing (000 §(二)(5)).
        "is_answering_body": bool(role_paths(user, {RoleKind.DEPARTMENT, RoleKind.TOWNSHIP})),
        # The three administrators' way to the admin (no query: noted at sign-in).
        "is_administrator": bool(request.session.get(ADMINISTRATOR)),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        # The page warns a minute before the session ends (static/js/session.js).
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_idle_minutes": max(1, settings.SESSION_COOKIE_AGE // 60),
    }
