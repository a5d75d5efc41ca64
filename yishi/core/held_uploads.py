"""Photos a failed submit would lose, held for the session.

A browser empties every file input when a page comes back with errors: a resident who
mistyped the title would have to find her photos again, on a phone. So a form that refuses
the submit keeps the photos that passed their checks: each is saved under
``MEDIA_ROOT/held/`` with a random name (private, like every upload: no URL serves that
folder), and the session maps a random token to it. The page lists them as kept, each with
a box to let it go; the next submit sends the tokens back, and only the tokens of the same
session resolve, so nobody can claim another's file. The ``core.held_uploads`` sweep
deletes held files older than a day; a submit that succeeds deletes its own at once.

This works without JavaScript; with it, ``static/js/photos.js`` shrinks the photos before
they are sent, and the held copies are the shrunk ones.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from . import clock
from .files import random_name

SESSION_KEY = "yishi.held_uploads"
FOLDER = "held"
HOLD_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Held:
    """A file kept from a failed submit: its token, the name it was chosen with, its size."""

    token: str
    name: str
    size: int
    stored: str
    content_type: str


class HeldUploads:
    """The held files of one session."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def _entries(self) -> dict[str, dict[str, Any]]:
        entries = self.session.get(SESSION_KEY)
        return dict(entries) if isinstance(entries, dict) else {}

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        self.session[SESSION_KEY] = entries
        self.session.modified = True

    def hold(self, files: Iterable[UploadedFile]) -> list[Held]:
        """Save ``files`` (already checked) and return them as held."""
        entries = self._entries()
        held = []
        for f in files:
            f.seek(0)
            stored = default_storage.save(random_name(FOLDER, f.name or ""), f)
            f.seek(0)
            token = secrets.token_urlsafe(18)
            entries[token] = {"stored": stored, "name": f.name or "", "size": f.size or 0,
                              "content_type": f.content_type or "",
                              "at": clock.now().timestamp()}
            held.append(self._held(token, entries[token]))
        self._save(entries)
        return held

    @staticmethod
    def _held(token: str, entry: dict[str, Any]) -> Held:
        return Held(token=token, name=str(entry["name"]), size=int(entry["size"]),
                    stored=str(entry["stored"]), content_type=str(entry["content_type"]))

    def find(self, tokens: Sequence[str]) -> list[Held]:
        """The held files of this session among ``tokens``, in their order (unknown, other
        sessions' and expired ones left out)."""
        entries = self._entries()
        oldest = (clock.now() - HOLD_FOR).timestamp()
        found, seen = [], set()
        for token in tokens:
            entry = entries.get(token)
            if entry is None or token in seen or float(entry["at"]) < oldest:
                continue
            if not default_storage.exists(entry["stored"]):
                continue
            seen.add(token)
            found.append(self._held(token, entry))
        return found

    @staticmethod
    def open(held: Held) -> UploadedFile:
        """A held file as an upload again, under the name it was chosen with."""
        return UploadedFile(file=default_storage.open(held.stored, "rb"), name=held.name,
                            content_type=held.content_type, size=held.size)

    def release(self, held: Iterable[Held]) -> None:
        """Forget ``held`` and delete their files (after a submit that saved copies)."""
        entries = self._entries()
        for h in held:
            entries.pop(h.token, None)
            default_storage.delete(h.stored)
        self._save(entries)


def delete_stale(now: datetime) -> int:
    """Delete held files older than ``HOLD_FOR`` (whatever session held them)."""
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < now - HOLD_FOR:
            default_storage.delete(path)
            deleted += 1
    return deleted
