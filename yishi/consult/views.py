from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yishi.places.permissions import is_staff_at, person_of

from .models import Topic


def get_topic_for_user(user: object, pk: int) -> Topic:
    """A topic is visible to the community's residents and to staff above it."""
    topic = Topic.objects.select_related("community", "proposer").filter(pk=pk).first()
    if topic is None:
        raise Http404
    me = person_of(user)
    if (me is not None and me.community_id == topic.community_id) or is_staff_at(
        user, topic.community
    ):
        return topic
    raise Http404


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for_user(request.user, pk)
    return render(request, "consult/topic_detail.html", {"topic": topic})
