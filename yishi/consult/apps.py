from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "yishi.consult"
    label = "consult"
    verbose_name = _("Consultation")

    def ready(self) -> None:
        from yishi.core import hooks

        from . import services

        # intake sits below consult: it fires these, consult makes the topics (core/hooks.py).
        hooks.subscribe(hooks.OPINION_MADE_CANDIDATE, services.topic_from_opinion)
        hooks.subscribe(hooks.PROPOSAL_REACHED, services.topic_from_proposal)
