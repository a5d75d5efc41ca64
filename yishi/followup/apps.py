from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """落实反馈: implementation tasks, dissent explanations, entrusted answers, corrections."""

    name = "yishi.followup"
    label = "followup"
    verbose_name = _("Implementation and feedback")
