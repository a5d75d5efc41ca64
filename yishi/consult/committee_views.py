"""The committee's X members (7+X): who serves for which open topic (000 §(二)(2))."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yishi.places.permissions import get_community_for_user

from .models import XMember


@login_required
def x_members(request: HttpRequest, community_id: int) -> HttpResponse:
    """Residents of the community and the staff above it read who sits for each topic."""
    community = get_community_for_user(request.user, community_id)
    members = list(
        XMember.objects.filter(topic__community=community, ended_on__isnull=True)
        .select_related("person", "topic").order_by("topic_id", "pk")
    )
    return render(request, "consult/x_members.html", {"community": community,
                                                      "x_members": members})
