from django.urls import URLPattern, path

app_name = "ledger"
urlpatterns: list[URLPattern] = []
