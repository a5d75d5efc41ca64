"""Notifications: an in-app row always, written in the action's transaction.

Other channels (SMS, e-mail) are backends named in ``YISHI_NOTIFICATION_BACKENDS``
(``yishi.core.channels``). Their ``Delivery`` rows are written with the notification, in
the same transaction, and a task is enqueued after commit to send them: a rolled-back
action never sends anything, and a slow SMS gateway never holds up the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from . import channels as _channels  # noqa: F401  (registers the backends' system check)
from .models import Delivery, Notification

log = logging.getLogger(__name__)


def channels() -> list[str]:
    """The channel names of the configured backends, in settings order.

    A backend that cannot be imported is logged and left out rather than failing every
    action that notifies; the system check ``yishi.E101`` reports it at start-up.
    """
    names = []
    for path in getattr(settings, "YISHI_NOTIFICATION_BACKENDS", []):
        try:
            names.append(str(import_string(path).channel))
        except (ImportError, AttributeError):
            log.error("notification backend %s cannot be imported; its channel is not used", path)
    return names


def notify(users: Iterable[Any], subject: str, body: str = "", link: str = "") -> list[Notification]:
    rows = [
        Notification(recipient=u, subject=str(subject)[:200], body=str(body), link=link)
        for u in {u.pk: u for u in users if u is not None}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    names = channels()
    if created and names:
        deliveries = Delivery.objects.bulk_create(
            [Delivery(notification=n, channel=c) for n in created for c in names]
        )
        ids = [d.pk for d in deliveries if d.pk]
        # robust: should enqueueing fail, the action stands and the redelivery sweep
        # (yishi.core.tasks.redeliver_pending) picks the deliveries up.
        transaction.on_commit(partial(_enqueue, ids), robust=True)
    return created


def _enqueue(ids: list[int]) -> None:
    from .tasks import enqueue_deliveries

    enqueue_deliveries(ids)
