from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("places/<id:pk>/", views.dashboard, name="dashboard"),
    path("places/<id:pk>/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("places/<id:pk>/export/", views.export, name="export"),
    path("communities/<id:pk>/<int:year>/", views.ledger, name="ledger"),
    path("communities/<id:pk>/<int:year>/ledger.<slug:fmt>", views.ledger_file,
         name="ledger_file"),
    path("exports/<id:pk>/", views.job, name="job"),
    path("exports/<id:pk>/status/", views.job_status, name="job_status"),
    path("exports/<id:pk>/download/", views.job_download, name="job_download"),
]
