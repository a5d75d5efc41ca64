from django.urls import path

from . import views

app_name = "consult"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("mine/", views.my_topics, name="mine"),
    path("topics/<id:pk>/", views.topic_detail, name="topic"),
    path("topics/<id:pk>/do/<slug:action>/", views.topic_action, name="topic_action"),
    path("topics/<id:pk>/plan/", views.plan_edit, name="plan"),
    path("topics/<id:pk>/plan/lookup/", views.participant_lookup, name="lookup"),
    path("topics/<id:pk>/plan/participants/", views.participant_add, name="participant_add"),
    path("topics/<id:pk>/plan/participants/<id:participant>/remove/", views.participant_remove,
         name="participant_remove"),
    path("meetings/<id:pk>/", views.meeting_console, name="meeting"),
    path("meetings/<id:pk>/do/<slug:action>/", views.meeting_action, name="meeting_action"),
    path("meetings/<id:pk>/attendance/<id:participant>/", views.tick, name="tick"),
    path("meetings/<id:pk>/tally/", views.tally, name="tally"),
    path("meetings/<id:pk>/result/", views.vote_result, name="result"),
    path("meetings/<id:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<id:pk>/minutes/<slug:action>/", views.minutes_action, name="minutes_action"),
    path("meetings/<id:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("meetings/<id:pk>/ballot/", views.ballot, name="ballot"),
]
