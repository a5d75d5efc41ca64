"""Staff pages: posting notices, the 三务公开 schedule, the township's overdue list."""

from django.urls import path

from . import staff_views

app_name = "disclosure_staff"
urlpatterns = [
    path("", staff_views.desk, name="desk"),
    path("overdue/", staff_views.overdue, name="overdue"),
    path("<id:pk>/notices/new/", staff_views.notice_new, name="notice_new"),
    path("<id:pk>/schedule/", staff_views.schedule, name="schedule"),
    path("items/<id:pk>/publish/", staff_views.item_publish, name="item_publish"),
]
