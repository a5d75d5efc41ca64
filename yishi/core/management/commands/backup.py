"""Write one .tar.gz with the database, the uploads and the audit checkpoint files.

The database goes in as JSON Lines written with Django's serializers (``loaddata`` reads
it back), not as ``pg_dump`` or an SQLite file: one way for both databases, an archive
that restores on either, and a restore that loads in one transaction. See
``yishi/core/backup.py`` for why it is not ``dumpdata`` itself (its datetimes lose their
microseconds, and with them the audit hashes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yishi.core import backup


class Command(BaseCommand):
    help = (
        "Write a .tar.gz backup: a database dump, MEDIA_ROOT, the audit checkpoint files "
        "and a manifest with the sha256 of each (default: var/backups/yishi-DATE-TIME.tar.gz)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, metavar="PATH",
                            help="the archive to write (must not exist yet)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or backup.default_output()
        try:
            manifest = backup.create(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Backup written to %(path)s: %(objects)d rows, %(events)d audit events, "
              "%(files)d files.") % {
                "path": output, "objects": manifest["database"]["objects"],
                "events": manifest["audit"]["events"], "files": len(manifest["files"]) - 1,
            }))
