"""Notifications: an in-app row always, written in the action's transaction.

Other channels (SMS, e-mail) are backends named in ``YISHI_NOTIFICATION_BACKENDS`` and
are called after commit, so a rolled-back action never sends anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification

log = logging.getLogger(__name__)


def notify(users: Iterable[Any], subject: str, body: str = "", link: str = "") -> list[Notification]:
    rows = [
        Notification(recipient=u, subject=str(subject)[:200], body=str(body), link=link)
        for u in {u.pk: u for u in users if u is not None}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    backends = getattr(settings, "YISHI_NOTIFICATION_BACKENDS", [])
    if backends:
        ids = [n.pk for n in created if n.pk]

        def deliver() -> None:
            for path in backends:
                backend = import_string(path)
                for note in Notification.objects.filter(pk__in=ids).select_related("recipient"):
                    try:
                        backend(note)
                    except Exception:  # a failing SMS gateway must not break the page
                        log.exception("notification backend %s failed", path)

        transaction.on_commit(deliver)
    return created
