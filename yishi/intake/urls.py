from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("opinions/new/", views.opinion_new, name="opinion_new"),
    path("opinions/mine/", views.my_opinions, name="my_opinions"),
    path("opinions/<id:pk>/", views.opinion_detail, name="opinion"),
    path("opinions/<id:pk>/photos/<id:photo>/", views.opinion_photo, name="opinion_photo"),
    path("opinions/<id:pk>/<slug:action>/", views.opinion_action, name="opinion_action"),
    path("queue/", views.queue, name="queue"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<id:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<id:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
]
