from django.conf import settings
from django.conf.urls.static import static
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
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
