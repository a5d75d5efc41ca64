from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("register/import/", views.register_import, name="register_import"),
    path("register/template.xlsx", views.register_template, name="register_template"),
    path("committee/<id:community_id>/", views.committee, name="committee"),
]
