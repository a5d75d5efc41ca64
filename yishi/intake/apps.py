from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "yishi.intake"
    label = "intake"
    verbose_name = _("Opinions and joint proposals")

    def ready(self) -> None:
        from yishi.core import hooks

        from . import services

        hooks.subscribe(hooks.REGISTER_CHANGED, services.recount_open_proposals)
