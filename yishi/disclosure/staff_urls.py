"""Staff pages: posting notices, the 三务公开 schedule, the township's overdue list."""

from django.urls import path

from . import staff_views

app_name = "disclosure_staff"
urlpatterns = [
    path("", staff_views.desk, name="desk"),
    path("overdue/", staff_views.overdue, name="overdue"),
    path("<id:pk>/notices/new/", staff_views.notice_new, name="notice_new"),
    path("<id:pk>/schedule/", staff_views.schedule, name="schedule"),
    path("<id:pk>/subsidies/", staff_views.subsidies, name="subsidies"),
    path("items/<id:pk>/publish/", staff_views.item_publish, name="item_publish"),
    path("items/<id:pk>/contents/", staff_views.item_contents, name="item_contents"),
    path("items/<id:pk>/contents/<slug:code>/", staff_views.item_content_file,
         name="item_content_file"),
]
