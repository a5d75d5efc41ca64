from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages on top of every app: home, sign-in, notifications and the nav bar.

    It sits at the top of the layers (as Healthchecks keeps its UI in ``front``), so it may
    import any Yishi app; ``core`` and the domain apps never import it.
    """

    name = "yishi.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .second_factor import note_administrator
        from .sessions import note_password_due, stamp_sign_in

        # Not the audit's handler: the tests' conftest leaves this one connected.
        user_logged_in.connect(stamp_sign_in, dispatch_uid="yishi-session-stamp")
        user_logged_in.connect(note_password_due, dispatch_uid="yishi-password-due")
        user_logged_in.connect(note_administrator, dispatch_uid="yishi-administrator")
