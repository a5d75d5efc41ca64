from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """落实反馈: implementation tasks, dissent explanations, entrusted answers, corrections."""

    name = "yishi.followup"
    label = "followup"
    verbose_name = _("Implementation and feedback")

    def ready(self) -> None:
        from yishi.core import hooks

        from . import services

        # consult sits below followup: it asks before publishing or closing (core/hooks.py).
        hooks.subscribe(hooks.OUTCOME_DUTIES, services.check_outcome_duties)
