"""Restore a ``manage.py backup`` archive, then verify the audit chain.

Run it on a migrated database at the release that made the archive, with the web
processes and workers stopped. The archive is checked first (every member against the
manifest's sha256) and a damaged one is refused before anything is written; a database
that already holds data is replaced only with ``--yes``. The rows load in one transaction;
the files are then put back under MEDIA_ROOT and YISHI_AUDIT_CHECKPOINT_DIR (files not in
the archive are left where they are). Exit status 0 only when the restored chain verifies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yishi.core import audit, backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive (database, media, audit checkpoints) and verify the audit "
        "chain; --yes replaces a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .tar.gz written by manage.py backup")
        parser.add_argument("--yes", action="store_true",
                            help="empty the database first if it already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            manifest = backup.restore(path, replace=options["yes"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(path)s (made %(created)s on %(vendor)s): %(objects)d rows, "
              "%(files)d files.") % {
                "path": path, "created": manifest["created"],
                "vendor": manifest["database"]["vendor"],
                "objects": manifest["database"]["objects"], "files": len(manifest["files"]) - 1,
            })
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                _("Audit chain broken at event #%(event)s: %(reason)s (%(checked)d events "
                  "verified before it).") % {
                    "event": result.bad_event_id, "reason": result.reason,
                    "checked": result.checked,
                })
        self.stdout.write(self.style.SUCCESS(
            _("Audit chain intact: %(checked)d events.") % {"checked": result.checked}))
