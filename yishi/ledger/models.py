"""Export jobs: a long ledger export (a street's or a district's communities) built by a
background task, with its progress and its file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.files import random_name
from yishi.core.refusals import rule_errors
from yishi.places.models import Place

from . import rules


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


def export_path(instance: ExportJob, filename: str) -> str:
    # Downloads carry the readable name; the stored one is random (yishi.core.files).
    return random_name("ledger/exports", filename)


class ExportJob(models.Model):
    """台账导出: the ledger of every community under ``place`` for ``year``."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("place"))
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices,
                              default=ExportFormat.XLSX)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    file = models.FileField(upload_to=export_path, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=clock.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.place_id}/{self.year}.{self.format}"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(99, self.done * 100 // self.total)


class LedgerSettings(models.Model):
    """The yearly minimum of consultations, per community (000 §(二)(6): 不少于4次).

    Without a row the seed's 4 applies; the township may set a higher target for a
    community, never a lower one.
    """

    community = models.OneToOneField(Place, on_delete=models.CASCADE,
                                     related_name="ledger_settings")
    min_consultations = models.PositiveSmallIntegerField(
        _("consultations a year, at least"), default=4,
    )

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_consultations__gte=rules.DEFAULT_MINIMUM_CONSULTATIONS),
                name="ledger_min_consultations_floor"),
        ]

    def __str__(self) -> str:
        return str(self.community)

    def clean(self) -> None:
        if self.min_consultations is not None:
            rule_errors({"min_consultations":
                         lambda: rules.check_minimum_floor(self.min_consultations)})
