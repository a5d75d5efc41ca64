"""Public pages: readable without signing in (the notice board, its archive, search, feed)."""

from django.urls import path

from yishi.core.replicas import reads_from_replica

from . import views
from .feeds import NoticeFeed

app_name = "disclosure"
urlpatterns = [
    path("", views.communities, name="communities"),
    path("<id:pk>/", views.board, name="board"),
    path("<id:pk>/archive/", views.archive, name="archive"),
    path("<id:pk>/affairs/", views.affairs, name="affairs"),
    path("<id:pk>/search/", views.search, name="search"),
    path("<id:pk>/feed/", reads_from_replica(NoticeFeed()), name="feed"),
    path("<id:pk>/subscribe/", views.subscribe, name="subscribe"),
    path("notices/<id:pk>/", views.notice_detail, name="notice"),
    path("notices/<id:pk>.pdf", views.notice_pdf, name="notice_pdf"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
]
