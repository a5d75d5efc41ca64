"""Export jobs: a long ledger export (a street's or a district's communities) built by a
background task, with its progress and its file."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.core.files import random_name
from yishi.core.refusals import rule_errors
from yishi.places.models import Place

from . import cadence, rules


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
    """The yearly minimum of consultations, per community (000 §(二)(6): 不少于4次), and the
    meetings a period of the calendar's cadences (``cadence.CADENCES``).

    Without a row the seed's and the law's numbers apply; the township may set a higher
    target for a community, never a lower one.
    """

    community = models.OneToOneField(Place, on_delete=models.CASCADE,
                                     related_name="ledger_settings")
    min_consultations = models.PositiveSmallIntegerField(
        _("consultations a year, at least"), default=4,
    )
    # 001 §二(一)2(2): 民主议事会 原则上每季度召开一次.
    min_councils = models.PositiveSmallIntegerField(
        _("deliberation councils a quarter, at least"), default=1)
    # 村委会组织法 第二十六条: 村民代表会议每季度召开一次 (villages).
    min_representatives = models.PositiveSmallIntegerField(
        _("representatives' meetings a quarter, at least"), default=1)
    # 004 第五篇 二(三)2(2): 每年年初、年末至少分别召开一次社区居民会议 (communities).
    min_residents = models.PositiveSmallIntegerField(
        _("residents' meetings at the start and at the end of the year, at least"), default=1)

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_consultations__gte=rules.DEFAULT_MINIMUM_CONSULTATIONS),
                name="ledger_min_consultations_floor"),
            *[models.CheckConstraint(condition=models.Q(**{f"{c.setting}__gte": c.floor}),
                                     name=f"ledger_{c.setting}_floor")
              for c in cadence.CADENCES.values()],
        ]

    def __str__(self) -> str:
        return str(self.community)

    def clean(self) -> None:
        checks: dict[str, Callable[[], object]] = {}
        if self.min_consultations is not None:
            checks["min_consultations"] = lambda: rules.check_minimum_floor(
                self.min_consultations)
        for c in cadence.CADENCES.values():
            value = getattr(self, c.setting)
            if value is not None:
                checks[c.setting] = partial(cadence.check_cadence_floor, c, value)
        rule_errors(checks)

    def cadence_minimum(self, c: cadence.Cadence) -> int:
        return cadence.minimum_for(c, getattr(self, c.setting))


class Figures(models.Model):
    """看板数字: a place's dashboard figures for one month of a year, precomputed.

    The dashboards read these rows instead of the records (``yishi.ledger.figures`` keeps
    them and rebuilds them; docs/background-work.md, "Dashboard figures"). A row is either a
    community's own (``rollup`` false, counted from its records) or the sum over the
    communities directly under a place (``rollup`` true, added up from their rows): a
    street's page reads its communities' rows, a district's or the city's its streets'.

    Months 1–12 hold what happened in that month; month 0 holds the year's sums, the year's
    series of opinions per category and month, and ``met``. Opinions count in the month
    they were registered (``year`` is the opinion's numbering year), consultations in the
    month the meeting was held, topics in the month raised; the ``open_*`` figures count
    items open now whose due date falls in the month (``open_days``: the same by day), so
    "overdue as of today" is the sum of the months before today's and the days before it.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    rollup = models.BooleanField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()  # 1–12; 0 for the whole year
    opinions = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    categories = models.JSONField(default=dict)  # {category: opinions}; month 0: {category: [12]}
    answer_days = models.JSONField(default=dict)  # {whole days to answer: opinions}
    consultations = models.PositiveIntegerField(default=0)
    topics = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)  # month 0: communities at their minimum
    open_opinions = models.PositiveIntegerField(default=0)
    open_answers = models.PositiveIntegerField(default=0)
    open_tasks = models.PositiveIntegerField(default=0)
    open_days = models.JSONField(default=dict)  # {"opinions"|"answers"|"tasks": {day: n}}
    computed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("dashboard figures")
        verbose_name_plural = _("dashboard figures")
        constraints = [
            models.UniqueConstraint(fields=["place", "rollup", "year", "month"],
                                    name="ledger_figures_cell_unique"),
            models.CheckConstraint(condition=models.Q(month__lte=12),
                                   name="ledger_figures_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}{'+' if self.rollup else ''}/{self.year}-{self.month:02d}"


class StaleFigures(models.Model):
    """A note that a place's figures for a year must be counted again.

    Written in the transaction of the change (a plain insert: no unique key, no foreign-key
    check, so a writer never waits on another writer or on a refresh), consumed by the
    refresh that counts after reading it. ``rollup`` false: count the community from its
    records, then add up its parent; true: only add up the place from its communities.
    """

    place = models.ForeignKey(Place, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    rollup = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField()
    marked_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("stale dashboard figures")
        verbose_name_plural = _("stale dashboard figures")

    def __str__(self) -> str:
        return f"{self.place_id}{'+' if self.rollup else ''}/{self.year}"


class FiguresRebuild(models.Model):
    """One nightly rebuild of the dashboard figures: what it checked and what it corrected."""

    day = models.DateField(unique=True)
    checked = models.PositiveIntegerField(default=0)
    corrected = models.PositiveIntegerField(default=0)
    report = models.TextField(blank=True)
    finished_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("figures rebuild")
        verbose_name_plural = _("figures rebuilds")

    def __str__(self) -> str:
        return f"{self.day}: {self.corrected}/{self.checked}"
