from django.urls import URLPattern, path

from . import views

app_name = "followup"
urlpatterns: list[URLPattern] = [
    path("", views.task_list, name="tasks"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("topics/<id:pk>/", views.topic_followup, name="topic"),
    path("topics/<id:pk>/tasks/new/", views.task_new, name="task_new"),
    path("topics/<id:pk>/report/", views.report, name="report"),
    path("topics/<id:pk>/unlawful/", views.mark_unlawful, name="unlawful"),
    path("topics/<id:pk>/legal-opinion/", views.legal_opinion, name="legal_opinion"),
    path("topics/<id:pk>/legal-opinion/ask/", views.ask_legal_opinion, name="ask_legal_opinion"),
    path("topics/<id:pk>/dissents/", views.dissents, name="dissents"),
    path("topics/<id:pk>/progress/", views.public_progress, name="public_progress"),
    path("corrections/<id:pk>/correct/", views.correct, name="correct"),
    path("dissents/<id:pk>/explain/", views.explain, name="explain"),
    path("legal-opinions/", views.legal_opinion_list, name="legal_opinions"),
    path("answers/", views.answer_list, name="answers"),
    path("answers/<id:pk>/", views.answer_detail, name="answer"),
    path("photos/<id:pk>/", views.photo, name="photo"),
]
