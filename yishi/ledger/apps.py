from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "yishi.ledger"
    label = "ledger"
    verbose_name = _("Ledgers and dashboards")

    def ready(self) -> None:
        # The dashboards' figures note the cells a change makes stale (yishi.ledger.figures).
        from . import figures

        figures.connect()
