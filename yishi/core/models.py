"""Shared records: the audit chain, notifications, numbering counters, calendar overrides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clock


def community_chain(community_id: int | None) -> str:
    """The audit chain of a community's records; the city's ("") above any community."""
    return f"community:{community_id}" if community_id else ""


class CommunityChained:
    """For a model whose audit events go to its community's chain (``yishi.core.audit``):
    ``audit_community`` is the path from a row to its community's id."""

    audit_community: str = "community_id"

    @property
    def audit_chain(self) -> str:
        value: Any = self
        for part in self.audit_community.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        return community_chain(value)


class AuditEvent(models.Model):
    """One state change: who did what to which object, before and after, hash-chained.

    ``before``/``after`` hold ids and states, never names or phone numbers (PIPL), so
    the log can be kept without keeping personal data.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=64, blank=True)
    # The user action (one request, one sweep item) this event belongs to: the two or three
    # events one action writes share it. Empty on events written before it existed.
    action_id = models.CharField(_("user action"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The chain the event belongs to: "community:<id>" for a community's records, "" for
    # the township and city levels, accounts and the system (yishi.core.audit.chain_of).
    # Each chain has its own head, so writes in two communities never wait for each other.
    chain = models.CharField(_("chain"), max_length=40, default="", blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["chain", "id"], name="core_audit_chain_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The head of one chain, locked by its writers, so the chain grows one event at a time."""

    chain = models.CharField(max_length=40, unique=True, default="")
    last_hash = models.CharField(max_length=64, default="")
    count = models.PositiveBigIntegerField(default=0)
    # HMAC of count and last hash under the audit key: the head cannot be rewritten to
    # hide deleted newest events by someone without the key.
    mac = models.CharField(max_length=64, default="", blank=True)


class Counter(models.Model):
    """Sequential numbers (一事一记): one row per scope and year, locked to increment."""

    scope = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="counter_scope_year_unique")
        ]


class Notification(models.Model):
    """An in-app message; other channels (SMS, e-mail) are delivered from the same row."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class CalendarDay(models.Model):
    """A day whose status the State Council notice sets, entered before the package knows it.

    Overrides ``chinese-calendar``: a new year's 放假安排 can be typed in as soon as it
    is published, and the deadlines of that year stop being provisional.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_working_day else '休'}"


class CalendarYear(models.Model):
    """A year whose full holiday schedule has been entered by hand (so it is not provisional)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("No address on this channel")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification on one outside channel (SMS, e-mail), sent at most once.

    Written with the notification in the action's transaction (an outbox): the worker
    sends it, and marks it sent in the transaction that holds its row lock. The unique
    (notification, channel) pair is what makes a retried or duplicated task harmless.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=32)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_ref = models.CharField(_("gateway reference"), max_length=200, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=clock.now, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.notification_id}:{self.channel} {self.status}"

    @property
    def key(self) -> str:
        """The idempotency key a gateway sees on every attempt of this delivery."""
        return f"yishi-n{self.notification_id}-{self.channel}"


class Reminder(models.Model):
    """A reminder or overdue flag sent for a record, once per kind (a re-run sends nothing)."""

    kind = models.CharField(_("kind"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id"], name="reminder_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"


class WorkerBeat(models.Model):
    """A task worker's heartbeat: ``manage.py worker`` writes it every half minute.

    A task left RUNNING by a worker that stopped beating is put back in the queue within
    minutes (``yishi.core.tasks.requeue_stale_tasks``); a long task of a live worker is not.
    """

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class SignInGuard(models.Model):
    """Failed sign-ins of one account or one address, and the lock they led to
    (yishi/core/lockout.py)."""

    key = models.CharField(max_length=200, unique=True)  # "account:<name>" or "address:<ip>"
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return self.key

    def is_locked(self, now: Any) -> bool:
        return self.locked_until is not None and self.locked_until > now


class SignInCode(models.Model):
    """A one-time code sent by SMS to a mobile number, to sign in without a password
    (yishi/portal/codes.py). Only its keyed digest is kept; the number only as its blind
    index, so a code asked for a number on no register looks the same."""

    phone_index = models.CharField(max_length=64, db_index=True)
    digest = models.CharField(max_length=64)
    address = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS sign-in code")
        verbose_name_plural = _("SMS sign-in codes")
        indexes = [models.Index(fields=["address", "created_at"], name="signincode_address")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class PasswordDue(models.Model):
    """An account whose password someone else set (staff in the admin): its holder must
    choose their own at the next sign-in before any other page opens."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("password to change")
        verbose_name_plural = _("passwords to change")

    def __str__(self) -> str:
        return str(self.user_id)


class Duty(models.TextChoices):
    """The three administrators (三员分立, GB/T 22239-2019 8.1.4.2 c: least privilege and
    separate administrators); what each may do is declared in ``yishi.portal.duties``."""

    SYSTEM = "system", _("System administrator")  # 系统管理员
    SECURITY = "security", _("Security administrator")  # 安全管理员
    AUDIT = "audit", _("Audit administrator")  # 审计管理员


class AdminDuty(models.Model):
    """An account's administrator duty, held from its grant until it is ended.

    One account holds at most one duty at a time, and a superuser (kept for installation)
    holds none. Granted and ended only by ``yishi.core.services`` (the installer's
    ``manage.py admin_duty`` or the superuser), each one audit event.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="admin_duties", verbose_name=_("account"))
    duty = models.CharField(_("duty"), max_length=10, choices=Duty.choices)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrator duty")
        verbose_name_plural = _("administrator duties")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(ended_at__isnull=True),
                                    name="one_admin_duty_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_duty_display()}"
