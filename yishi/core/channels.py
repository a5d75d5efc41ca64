"""Channels besides the in-app notification: console, outbox file, e-mail, SMS.

``settings.YISHI_NOTIFICATION_BACKENDS`` lists backend classes by dotted path. For each
notification the worker makes one ``Delivery`` per channel and hands the backend a
``Message``. A backend has:

- ``channel``: a short stable name (``"email"``, ``"sms"``); at most one delivery per
  notification and channel is ever marked sent;
- ``address(user) -> str``: where this user is reached on the channel, ``""`` when they
  cannot be (no e-mail, no phone): the delivery is then skipped, not retried;
- ``send(message) -> str``: deliver, return the gateway's reference, raise on failure
  (the worker retries with back-off, see ``yishi.core.tasks``).

``message.key`` is the same on every attempt of one delivery. A worker killed after the
gateway accepted a message but before the database committed "sent" will send again on
retry; a gateway that deduplicates by the key (a client message id) makes that safe, and
``FileBackend`` does so itself. Everything else is exactly once by the ``Delivery`` row.

Aliyun SMS, Tencent Cloud SMS and a government SMS platform come with Yishi
(``yishi.core.sms_gateways``). Plugging in another SMS gateway (短信网关)::

    # myorg/sms.py
    from yishi.core.channels import SmsBackend

    class AliyunSmsBackend(SmsBackend):
        def send_sms(self, *, phone: str, text: str, key: str) -> str:
            response = client.send(phone=phone, text=text, out_id=key)  # the vendor's SDK
            if not response.ok:
                raise RuntimeError(response.message)  # the worker retries
            return response.biz_id

    # settings / environment
    YISHI_NOTIFICATION_BACKENDS=yishi.core.channels.EmailBackend,myorg.sms.AliyunSmsBackend

``OutboxSmsBackend`` is the same interface writing to the development outbox instead.
"""

from __future__ import annotations

import abc
import fcntl
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TextIO

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from . import clock
from .contacts import phone_of
from .masking import mask_phone

OUTBOX_FILE = "messages.jsonl"


@dataclass(frozen=True)
class Message:
    """What one delivery sends; ``key`` identifies it across retries."""

    key: str
    channel: str
    address: str
    subject: str
    body: str = ""
    link: str = ""
    recipient_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Subject, body and link as one plain text."""
        return "\n\n".join(p for p in (self.subject, self.body, self.link) if p)


class Backend(abc.ABC):
    """Base class of a notification channel."""

    channel: ClassVar[str] = ""

    @abc.abstractmethod
    def address(self, user: Any) -> str:
        """Where this user receives messages on this channel ("" when they don't)."""

    @abc.abstractmethod
    def send(self, message: Message) -> str:
        """Deliver one message; return the channel's reference for it; raise on failure."""


def absolute_link(link: str) -> str:
    """Links in notifications are site paths; outside the site they need the host."""
    base = str(getattr(settings, "YISHI_SITE_URL", "") or "").rstrip("/")
    if link.startswith("/") and base:
        return base + link
    return link


def configured_backends() -> dict[str, Backend]:
    """The backends of ``YISHI_NOTIFICATION_BACKENDS`` by channel, in settings order."""
    backends: dict[str, Backend] = {}
    for path in getattr(settings, "YISHI_NOTIFICATION_BACKENDS", []):
        backend = import_string(path)()
        if not backend.channel:
            raise ValueError(f"notification backend {path} names no channel")
        if backend.channel in backends:
            raise ValueError(f"two notification backends for channel {backend.channel!r}")
        backends[backend.channel] = backend
    return backends


@checks.register()
def check_notification_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Each path in ``YISHI_NOTIFICATION_BACKENDS`` imports and names a channel of its own."""
    try:
        configured_backends()
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        return [checks.Error(f"YISHI_NOTIFICATION_BACKENDS: {exc}", id="yishi.E101")]
    return []


class ConsoleBackend(Backend):
    """Prints each message: for a developer watching the worker's terminal."""

    channel = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def address(self, user: Any) -> str:
        return str(user.get_username())

    def send(self, message: Message) -> str:
        self.stream.write(f"[{message.channel} → {message.address}] {message.subject}"
                          f"{'  ' + message.link if message.link else ''}\n")
        self.stream.flush()
        return message.key


class FileBackend(Backend):
    """Development outbox: one JSON line per message in ``YISHI_OUTBOX_DIR/messages.jsonl``.

    Idempotent by ``message.key``, as a good gateway is: the file is locked, and a key
    already written is not written again, so even a worker killed between writing and
    committing leaves one line.
    """

    channel = "file"

    def address(self, user: Any) -> str:
        return str(user.get_username())

    def send(self, message: Message) -> str:
        write_outbox_line(message)
        return message.key


def outbox_path() -> Path:
    return Path(getattr(settings, "YISHI_OUTBOX_DIR", Path(settings.BASE_DIR).parent / "var" / "outbox"))


def read_outbox() -> list[dict[str, Any]]:
    """All messages in the development outbox (for tests and the curious)."""
    path = outbox_path() / OUTBOX_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_outbox_line(message: Message) -> bool:
    """Append ``message`` unless its key is already there; True when written."""
    directory = outbox_path()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / OUTBOX_FILE
    with path.open("a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # two workers must not interleave or both write a key
        try:
            fh.seek(0)
            for line in fh:
                if line.strip() and json.loads(line).get("key") == message.key:
                    return False
            record = {**asdict(message), "written_at": clock.now().isoformat()}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            return True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class EmailBackend(Backend):
    """E-mail through ``django.core.mail`` (``EMAIL_HOST`` etc.) for users with an address.

    The Message-ID is derived from the key, so a mail server or reader that dedupes by it
    shows a retried message once.
    """

    channel = "email"

    def address(self, user: Any) -> str:
        return str(getattr(user, "email", "") or "")

    def send(self, message: Message) -> str:
        domain = str(getattr(settings, "YISHI_MAIL_DOMAIN", "yishi.invalid"))
        message_id = f"<{message.key}@{domain}>"
        mail = EmailMessage(
            subject=message.subject,
            body="\n\n".join(p for p in (message.body, message.link) if p),
            to=[message.address],
            headers={"Message-ID": message_id},
        )
        mail.send(fail_silently=False)
        return message_id


class SmsBackend(Backend):
    """SMS (短信): a deployment subclasses this and implements ``send_sms`` for its gateway.

    The text is the subject and the link behind the signature (【议事】 by default,
    ``YISHI_SMS_SIGNATURE``), cut to ``max_chars``; long bodies stay in the app.
    """

    channel = "sms"
    max_chars: ClassVar[int] = 140  # two 70-character segments

    def address(self, user: Any) -> str:
        # The app holding phone numbers registers the resolver (``yishi.core.contacts``).
        return phone_of(user)

    @staticmethod
    def signed(text: str) -> str:
        """The text behind the sender's signature (``YISHI_SMS_SIGNATURE``)."""
        return f"{getattr(settings, 'YISHI_SMS_SIGNATURE', '【议事】')}{text}"

    def compose(self, message: Message) -> str:
        text = self.signed(message.subject)
        if message.link:
            text = f"{text} {message.link}"
        return text[: self.max_chars]

    def send(self, message: Message) -> str:
        return self.send_template(phone=message.address, template="notice",
                                  params={"subject": message.subject[:30]},
                                  text=self.compose(message), key=message.key)

    def send_template(self, *, phone: str, template: str, params: dict[str, str], text: str,
                      key: str) -> str:
        """One of the texts Yishi sends (``"sign_in_code"``: ``code``, ``minutes``;
        ``"notice"``: ``subject``), ``text`` being it written out. A free-text gateway sends
        ``text``; a gateway of approved templates (``yishi.core.sms_gateways``) sends the
        template's id with ``params``."""
        return self.send_sms(phone=phone, text=text, key=key)

    def send_sms(self, *, phone: str, text: str, key: str) -> str:
        """Hand one text to the gateway; return its message id; raise on refusal."""
        # The plug-in point for a deployment's SMS gateway: refuse loudly until one is set.
        raise RuntimeError(
            "SmsBackend needs a gateway: subclass it and implement send_sms "
            "(see docs/background-work.md)"
        )


class OutboxSmsBackend(SmsBackend):
    """SMS written to the development outbox (phone masked), to see what would be sent."""

    def send_sms(self, *, phone: str, text: str, key: str) -> str:
        write_outbox_line(Message(key=key, channel=self.channel, address=mask_phone(phone),
                                  subject=text))
        return key
