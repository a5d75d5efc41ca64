from django.urls import URLPattern, path

app_name = "followup"
urlpatterns: list[URLPattern] = []
