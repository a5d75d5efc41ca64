from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("register/import/", views.register_import, name="register_import"),
    path("register/template.xlsx", views.register_template, name="register_template"),
    path("committee/<id:community_id>/", views.committee, name="committee"),
    path("couriers/", views.couriers_index, name="couriers_index"),
    path("couriers/<id:community_id>/", views.couriers, name="couriers"),
    path("couriers/term/<id:appointment_id>/", views.courier_term, name="courier_term"),
]
