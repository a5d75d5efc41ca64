from django.urls import path

from . import assembly_views, committee_views, document_views, meeting_views, procedure_views, views

app_name = "consult"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("mine/", views.my_topics, name="mine"),
    path("communities/<id:community_id>/x-members/", committee_views.x_members,
         name="x_members"),
    path("topics/<id:pk>/", views.topic_detail, name="topic"),
    path("topics/<id:pk>/do/<slug:action>/", views.topic_action, name="topic_action"),
    path("topics/<id:pk>/plan/", views.plan_edit, name="plan"),
    path("topics/<id:pk>/plan/lookup/", views.participant_lookup, name="lookup"),
    path("topics/<id:pk>/plan/participants/", views.participant_add, name="participant_add"),
    path("topics/<id:pk>/plan/participants/<id:participant>/remove/", views.participant_remove,
         name="participant_remove"),
    path("meetings/<id:pk>/", meeting_views.meeting_console, name="meeting"),
    path("meetings/<id:pk>/do/<slug:action>/", meeting_views.meeting_action, name="meeting_action"),
    path("meetings/<id:pk>/attendance/<id:participant>/", meeting_views.tick, name="tick"),
    path("meetings/<id:pk>/attendance/<id:participant>/undo/", meeting_views.untick,
         name="untick"),
    path("meetings/<id:pk>/tally/", meeting_views.tally, name="tally"),
    path("meetings/<id:pk>/result/", meeting_views.vote_result, name="result"),
    path("meetings/<id:pk>/minutes/", meeting_views.minutes, name="minutes"),
    path("meetings/<id:pk>/minutes.<slug:fmt>", document_views.minutes_file, name="minutes_file"),
    path("topics/<id:pk>/consensus.<slug:fmt>", document_views.memo_file, name="memo_file"),
    path("meetings/<id:pk>/minutes/<slug:action>/", meeting_views.minutes_action, name="minutes_action"),
    path("meetings/<id:pk>/sign-in/", meeting_views.sign_in, name="sign_in"),
    path("meetings/<id:pk>/ballot/", meeting_views.ballot, name="ballot"),
    path("assemblies/<id:pk>/", assembly_views.assembly_page, name="assembly"),
    path("assemblies/<id:pk>/do/<slug:action>/", assembly_views.assembly_action,
         name="assembly_action"),
    # Procedure templates (四议两公开, hearings): procedure_views
    path("topics/<id:pk>/procedure/", procedure_views.procedure_page, name="procedure"),
    path("topics/<id:pk>/procedure/choose/", procedure_views.procedure_choose,
         name="procedure_choose"),
    path("topics/<id:pk>/procedure/step/<slug:step>/", procedure_views.procedure_step,
         name="procedure_step"),
]
