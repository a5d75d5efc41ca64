from django.urls import path

from . import views

app_name = "consult"
urlpatterns = [
    path("topics/<id:pk>/", views.topic_detail, name="topic"),
]
