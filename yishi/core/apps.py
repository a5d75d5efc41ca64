from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yishi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter

        # <id:pk> in every app's urls: ids that fit a 64-bit column, else 404.
        register_converter(IdConverter, "id")
        # Registers the check (yishi.E101) that every notification backend imports.
        from . import channels  # noqa: F401
