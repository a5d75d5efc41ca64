from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("yishi.portal.urls")),
    path("places/", include("yishi.places.urls")),
    path("intake/", include("yishi.intake.urls")),
    path("consult/", include("yishi.consult.urls")),
    path("followup/", include("yishi.followup.urls")),
    path("public/", include("yishi.disclosure.urls")),
    path("disclosure/", include("yishi.disclosure.staff_urls")),
    path("ledger/", include("yishi.ledger.urls")),
]
# No URL serves MEDIA_ROOT, not even in development: every file goes through a view that
# checks the user's right to its record (yishi/core/files.py).
