from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import clock


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
        from django.core import checks

        from . import channels, sms_gateways  # noqa: F401  (yishi.E102: a gateway's settings)

        checks.register(check_calendar_coverage)
        from .checks import check_databases, check_production

        # Every command: a replica or PgBouncer over SQLite is a configuration error.
        checks.register(check_databases)

        # A deployment check: development commands (makemigrations, migrate) run without keys.
        checks.register(check_production, deploy=True)

        from django.contrib.auth import signals

        from . import signins

        signals.user_logged_in.connect(signins.signed_in, dispatch_uid="yishi-sign-in")
        signals.user_logged_out.connect(signins.signed_out, dispatch_uid="yishi-sign-out")
        signals.user_login_failed.connect(signins.sign_in_failed,
                                          dispatch_uid="yishi-sign-in-failed")


def check_calendar_coverage(app_configs=None, **kwargs):  # type: ignore[no-untyped-def]
    """Warn at start-up when next year's holidays are unknown (deadlines would be provisional)."""
    from django.core import checks
    from django.db import DatabaseError

    from .workdays import calendar_update_message

    try:
        message = calendar_update_message(clock.localdate())
    except DatabaseError:  # before migrate: the override tables do not exist yet
        return []
    return [checks.Warning(message, id="yishi.W001")] if message else []
