"""Periodic sweeps: expiries, due-soon reminders, overdue flags and crash recovery.

A sweep is a function ``(today: date) -> int`` (how many things it did) registered by
name. ``sweep_deadlines`` (``yishi.core.tasks``) runs them all on the worker; ``manage.py
scheduler`` enqueues it every few minutes and ``manage.py run_sweeps`` once. Each must be
idempotent: run twice on the same day it does nothing the second time.

An app adds its own in a module ``yishi/<app>/sweeps.py`` (found on first use)::

    from yishi.core.sweeps import register, remind_once

    @register("followup.answer_due_soon")
    def answer_due_soon(today: date) -> int:
        ...
        return sum(remind_once(kind="answer.due_soon", obj=a, recipients=[...],
                               subject=...) for a in due)

``remind_once`` sends a reminder for a record at most once per kind (a ``Reminder`` row
with a unique key is written in the same transaction as the notification).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.module_loading import autodiscover_modules

from . import audit, clock
from .models import Reminder
from .notify import notify

log = logging.getLogger(__name__)

SweepFunc = Callable[[date], int]
F = TypeVar("F", bound=SweepFunc)

_registry: dict[str, SweepFunc] = {}
_discovered = False


def register(name: str, func: SweepFunc | None = None) -> Any:
    """Register ``func`` under ``name``; usable as ``@register("app.what")`` too."""

    def add(f: F) -> F:
        if name in _registry and _registry[name] is not f:
            raise ValueError(f"a sweep named {name!r} is already registered")
        _registry[name] = f
        return f

    if func is not None:
        return add(func)
    return add


def registered() -> dict[str, SweepFunc]:
    """All sweeps by name, after importing every installed app's ``sweeps`` module."""
    global _discovered
    if not _discovered:
        autodiscover_modules("sweeps")
        _discovered = True
    return dict(_registry)


class SweepFailed(Exception):
    """One or more sweeps raised; the others still ran (their results are in the message)."""


def run(*, names: Iterable[str] | None = None, today: date | None = None) -> dict[str, Any]:
    """Run the named sweeps (all by default), each on its own; a failure does not stop the rest."""
    today = today or clock.localdate()
    sweeps = registered()
    chosen = list(names) if names else list(sweeps)
    unknown = [n for n in chosen if n not in sweeps]
    if unknown:
        raise KeyError(f"unknown sweep(s): {', '.join(unknown)}")
    results: dict[str, Any] = {}
    failed: list[str] = []
    # Texts of reminders are stored as sent: write them in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for name in chosen:
            try:
                # One action id per sweep: its audit events read together.
                with audit.user_action():
                    results[name] = sweeps[name](today)
            except Exception as exc:
                log.exception("sweep %s failed", name)
                results[name] = f"error: {type(exc).__name__}: {exc}"
                failed.append(name)
    if failed:
        raise SweepFailed(f"sweep(s) failed: {', '.join(failed)}; results: {results}")
    return results


def remind_once(
    *,
    kind: str,
    obj: models.Model,
    recipients: Iterable[Any],
    subject: str,
    body: str = "",
    link: str = "",
) -> bool:
    """Notify ``recipients`` about ``obj`` unless a ``kind`` reminder was already sent for it.

    Nobody to tell records nothing, so the reminder goes out once someone holds the role.
    """
    users = [u for u in recipients if u is not None]
    if not users:
        return False
    with transaction.atomic():
        try:
            # A savepoint: a concurrent sweep that wrote the same reminder wins, and this
            # one backs out without poisoning the outer transaction.
            with transaction.atomic():
                Reminder.objects.create(
                    kind=kind, object_type=obj._meta.label_lower, object_id=str(obj.pk),
                    recipients=len({u.pk for u in users}),
                )
        except IntegrityError:
            return False
        notify(users, subject, body, link)
    return True


def not_reminded(queryset: models.QuerySet[Any], kind: str) -> models.QuerySet[Any]:
    """Rows of ``queryset`` with no ``kind`` reminder yet, filtered in the database.

    Overdue records pile up; each sweep must not load all of them and their reminders.
    """
    done = Reminder.objects.filter(
        kind=kind, object_type=queryset.model._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
    )
    return queryset.filter(~Exists(done))


# --- Built-in sweeps ---------------------------------------------------------------------


@register("core.requeue_stale_tasks")
def _requeue_stale_tasks(today: date) -> int:
    from .tasks import requeue_stale_tasks

    return requeue_stale_tasks()


@register("core.redeliver_notifications")
def _redeliver_notifications(today: date) -> int:
    from .tasks import redeliver_pending

    return redeliver_pending()


@register("core.prune_task_results")
def _prune_task_results(today: date) -> int:
    from .tasks import prune_task_results

    return prune_task_results()


@register("core.audit_checkpoint")
def _audit_checkpoint(today: date) -> int:
    """A signed copy of the audit chain's head, at most every YISHI_AUDIT_CHECKPOINT_EVERY."""
    from datetime import timedelta

    every = int(getattr(settings, "YISHI_AUDIT_CHECKPOINT_EVERY", 3600))
    return int(audit.write_checkpoint(min_interval=timedelta(seconds=every)) is not None)


@register("core.held_uploads")
def _held_uploads(today: date) -> int:
    """Photos kept from failed submits, deleted after a day (``core/held_uploads.py``)."""
    from .held_uploads import delete_stale

    return delete_stale(clock.now())
