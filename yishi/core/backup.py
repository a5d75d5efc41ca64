"""One .tar.gz holding the database, the uploads and the audit checkpoints; and back.

The archive holds ``database.jsonl`` (every row of every model), ``media/…`` (the files
under ``MEDIA_ROOT``), ``audit-checkpoints/…`` (the files under
``YISHI_AUDIT_CHECKPOINT_DIR``) and ``manifest.json``: when and from which database it was
made, the migration heads, the audit event count and the sha256 of every other member.

The database is written with Django's serializers, not ``pg_dump`` or SQLite's backup API:
one code path for both databases, an archive that restores on either (SQLite to
PostgreSQL too), loaded by ``loaddata`` in one transaction that resets the sequences.
It is not written by ``dumpdata`` itself: its JSON encoder cuts datetimes to milliseconds,
and the audit chain hashes ``created_at.isoformat()`` with its microseconds, so every
restored hash would be wrong. The loop here writes the same JSON Lines ``loaddata`` reads,
with the full precision.

The phone and ID numbers stay encrypted in the dump (``EncryptedCharField.value_to_string``
writes the token) and the data key (``YISHI_DATA_KEY``) is in no member: an archive is
restored under the key it was made with, which the manifest names by its fingerprint
(``crypto.key_fingerprint``), so a restore under another key is refused before anything
is written. Keep the key apart from the archives: whoever holds both holds the numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _

from . import crypto
from .models import AuditEvent, AuditHead

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.jsonl"
MEDIA = "media"
CHECKPOINTS = "audit-checkpoints"
CHUNK = 1024 * 1024
# Rows ``migrate`` creates by itself: a freshly migrated database holding only these is empty.
MIGRATE_MADE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for the operator."""


class _PreciseEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _HashingReader:
    """Reads a file for ``tarfile`` and hashes what it read."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _models() -> list[type[models.Model]]:
    found = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _hash_stream(src: IO[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in iter(lambda: src.read(CHUNK), b""):
        h.update(chunk)
    return h.hexdigest()


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return _hash_stream(fh)


def migration_heads(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The latest migration of each app; refused while some migration is unapplied."""
    executor = MigrationExecutor(connections[using])
    leaves = executor.loader.graph.leaf_nodes()
    if executor.migration_plan(leaves):
        raise BackupError(_("The database has unapplied migrations: run `manage.py migrate` first."))
    heads: dict[str, list[str]] = {}
    for app_label, name in sorted(leaves):
        heads.setdefault(app_label, []).append(name)
    return heads


def _files_under(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under ``root`` with their relative POSIX names; symlinks are skipped."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _dump(path: Path, using: str) -> int:
    """Every row of every model to ``path`` as JSON Lines; the number of objects."""
    count = 0

    def counted(qs: models.QuerySet[Any]) -> Iterator[models.Model]:
        nonlocal count
        for obj in qs.iterator(chunk_size=2000):
            count += 1
            yield obj

    with open(path, "w", encoding="utf-8") as fh:
        for model in _models():
            qs = model._base_manager.using(using).order_by("pk")
            serializers.serialize("jsonl", counted(qs), stream=fh, cls=_PreciseEncoder)
    return count


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"yishi-{stamp}.tar.gz"


def create(output: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the archive to ``output`` (which must not exist yet); return its manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(_("%(path)s already exists; name another file.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    connection = connections[using]
    heads = migration_heads(using)
    files: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="yishi-backup-") as tmp, \
                tarfile.open(partial, "w:gz") as tar:
            dump_path = Path(tmp) / DUMP
            outer = connection.in_atomic_block
            # One snapshot: no writer may slip in between two tables.
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql" and not outer:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                objects = _dump(dump_path, using)
                events = AuditEvent.objects.using(using).count()
                chains = dict(AuditHead.objects.using(using).order_by("chain")
                              .values_list("chain", "last_hash"))
            tar.add(dump_path, arcname=DUMP)
            files.append({"name": DUMP, "size": dump_path.stat().st_size, "sha256": _sha256(dump_path)})
            skip = {partial.resolve(), output.resolve()}
            for prefix, root in ((MEDIA, Path(settings.MEDIA_ROOT)),
                                 (CHECKPOINTS, Path(settings.YISHI_AUDIT_CHECKPOINT_DIR))):
                for path, rel in _files_under(root):
                    if path.resolve() in skip:
                        continue
                    name = f"{prefix}/{rel}"
                    info = tar.gettarinfo(path, arcname=name)
                    with open(path, "rb") as raw:
                        reader = _HashingReader(raw)
                        tar.addfile(info, reader)  # type: ignore[arg-type]
                    files.append({"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()})
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "database": {"vendor": connection.vendor, "objects": objects},
                "migrations": heads,
                "audit": {"events": events, "last_hash": chains.get("", ""),
                          "chains": len(chains)},
                "data_key": crypto.key_fingerprint(),
                "files": files,
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _target(name: str) -> Path | None:
    """Where a member is restored; None for the dump and the manifest."""
    if name in (DUMP, MANIFEST):
        return None
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] not in (MEDIA, CHECKPOINTS):
        raise BackupError(_("The archive holds an unexpected member: %(name)s") % {"name": name})
    root = Path(settings.MEDIA_ROOT if parts[0] == MEDIA else settings.YISHI_AUDIT_CHECKPOINT_DIR)
    return root.joinpath(*parts[1:])


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and "\\" not in name
            and all(part not in ("", ".", "..") for part in name.split("/")))


_DAMAGED = (tarfile.TarError, OSError, EOFError, zlib.error)


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except FileNotFoundError as exc:
        raise BackupError(_("No such archive: %(path)s") % {"path": path}) from exc
    except _DAMAGED as exc:
        raise BackupError(_("%(path)s is not a readable backup archive: %(error)s")
                          % {"path": path, "error": exc}) from exc


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        raw = tar.extractfile(MANIFEST)
    except KeyError as exc:
        raise BackupError(_("The archive has no manifest.json: not a Yishi backup.")) from exc
    try:
        if raw is None:
            raise ValueError(MANIFEST)
        manifest = json.loads(raw.read())
        if manifest["format"] != FORMAT:
            raise ValueError(manifest["format"])
        for entry in manifest["files"]:
            if not (isinstance(entry["name"], str) and isinstance(entry["sha256"], str)):
                raise ValueError(entry)
        if DUMP not in {entry["name"] for entry in manifest["files"]}:
            raise ValueError(DUMP)
        int(manifest["audit"]["events"])
        dict(manifest["migrations"])
    except (ValueError, TypeError, KeyError) as exc:
        raise BackupError(_("The archive's manifest.json cannot be read.")) from exc
    result: dict[str, Any] = manifest
    return result


def check(path: Path) -> dict[str, Any]:
    """Read the manifest and check every member against it; write nothing. The manifest."""
    damaged = _("The archive %(path)s is damaged; nothing was restored.") % {"path": path}
    with _open(path) as tar:
        try:
            manifest = _read_manifest(tar)
        except _DAMAGED as exc:
            raise BackupError(f"{damaged} ({exc})") from exc
        expected = {f["name"]: f for f in manifest["files"]}
        seen: set[str] = set()
        try:
            for member in tar:
                name = member.name
                if name == MANIFEST:
                    continue
                if not member.isfile() or not _safe(name) or name in seen or name not in expected:
                    raise BackupError(
                        _("The archive holds an unexpected member: %(name)s") % {"name": name})
                _target(name)
                seen.add(name)
                src = tar.extractfile(member)
                assert src is not None  # a regular file
                if _hash_stream(src) != expected[name]["sha256"]:
                    raise BackupError(f"{damaged} "
                                      + _("%(name)s does not match its sha256 in the manifest.")
                                      % {"name": name})
        except _DAMAGED as exc:
            raise BackupError(f"{damaged} ({exc})") from exc
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"{damaged} " + _("Missing: %(names)s") % {"names": ", ".join(missing)})
    return manifest


def rows_present(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models holding rows, besides the ones ``migrate`` fills by itself."""
    return [m._meta.label_lower for m in _models()
            if m._meta.label_lower not in MIGRATE_MADE and m._base_manager.using(using).exists()]


def restore(path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Check the archive, then load it over the database (emptied first) and put its files back.

    Refused, with nothing written, when the archive is damaged, was made at other migrations
    than the database's, or the database holds data and ``replace`` is not given.
    """
    path = Path(path)
    manifest = check(path)
    heads = migration_heads(using)
    if manifest["migrations"] != heads:
        differ = sorted(app for app in set(heads) | set(manifest["migrations"])
                        if heads.get(app) != manifest["migrations"].get(app))
        raise BackupError(
            _("The archive was made at other migrations than this database's (%(apps)s): "
              "restore it with the release that made it.") % {"apps": ", ".join(differ)})
    made_under = manifest.get("data_key")
    if made_under is not None and made_under != crypto.key_fingerprint():
        raise BackupError(
            _("The archive was made under another YISHI_DATA_KEY (fingerprint %(archive)s, this "
              "server's is %(server)s): its phone and ID numbers would not decrypt. Restore it "
              "with the key it was made with.")
            % {"archive": made_under, "server": crypto.key_fingerprint()})
    present = rows_present(using)
    if present and not replace:
        raise BackupError(
            _("The database already holds data (%(models)s); pass --yes to replace it.")
            % {"models": ", ".join(present[:5]) + (", …" if len(present) > 5 else "")})
    expected = {f["name"]: f["sha256"] for f in manifest["files"]}
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="yishi-restore-") as tmp, _open(path) as tar:
        dump_path = Path(tmp) / DUMP
        _extract(tar, DUMP, dump_path, expected[DUMP])
        with transaction.atomic(using=using):
            # All of it, the content types and permissions migrate made too: the archive
            # brings its own, with the ids its rows point at.
            connection.ops.execute_sql_flush(
                sql_flush(no_style(), connection, reset_sequences=True, allow_cascade=False))
            call_command("loaddata", str(dump_path), database=using, verbosity=0)
            events = AuditEvent.objects.using(using).count()
            if events != manifest["audit"]["events"]:
                raise BackupError(_("%(found)d audit events were loaded, the manifest says "
                                    "%(expected)d; nothing was restored.")
                                  % {"found": events, "expected": manifest["audit"]["events"]})
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        for member in tar:
            target = _target(member.name)
            if target is not None:
                _extract(tar, member, target, expected[member.name])
    return manifest


def _extract(tar: tarfile.TarFile, member: str | tarfile.TarInfo, target: Path, sha256: str) -> None:
    """Write one member to ``target`` (replacing it only once its sha256 matched)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    src = tar.extractfile(member)
    assert src is not None
    h = hashlib.sha256()
    try:
        with open(partial, "wb") as out:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
        if h.hexdigest() != sha256:
            name = member if isinstance(member, str) else member.name
            raise BackupError(_("%(name)s changed while it was restored.") % {"name": name})
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
