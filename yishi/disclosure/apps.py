from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "yishi.disclosure"
    label = "disclosure"
    verbose_name = _("Public notices and open affairs")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the CJK font check)
