"""manage.py backup and restore: the rows, the files and an intact audit chain come back."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.migrations.loader import MigrationLoader

from yishi.core import audit, clock
from yishi.core.models import AuditEvent
from yishi.places.models import PersonalData, Place

PHOTO = bytes(range(256)) * 40


@pytest.fixture
def dirs(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.YISHI_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.MEDIA_ROOT.mkdir()
    return tmp_path


def _build(people) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        audit.record(actor=audit.SystemActor("system:test"), action="thing.create",
                     object_type="test.thing", object_id=1, after={"state": "新", "n": 1.5})
        # Microseconds on purpose: the chain hashes them, so the dump must keep them.
        with clock.at(datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)):
            audit.record(actor=audit.SystemActor("system:test"), action="thing.change",
                         object_type="test.thing", object_id=1,
                         before={"state": "新"}, after={"state": "旧"})
        audit.record(actor=people["staff_a"].user, action="person.touch", obj=people["resident_a"])


def _photo(settings):  # type: ignore[no-untyped-def]
    path = settings.MEDIA_ROOT / "intake" / "2026" / "photo.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(PHOTO)
    return path


def _snapshot() -> dict[str, object]:
    return {
        "places": sorted(Place.objects.values_list("pk", "name", "parent_id")),
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
        "phones": sorted(PersonalData.objects.values_list("person_id", "phone")),
        "events": list(AuditEvent.objects.values_list("pk", "hash", "created_at")),
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_rows_the_files_and_an_intact_chain(people, settings, dirs, capsys):
    _build(people)
    photo = _photo(settings)
    checkpoint = audit.write_checkpoint()  # a real, signed checkpoint: the fourth event
    assert checkpoint is not None and checkpoint.path is not None
    signed = checkpoint.path.read_text()
    before = _snapshot()
    archive = dirs / "out" / "yishi.tar.gz"

    call_command("backup", output=archive)

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names == {"manifest.json", "database.jsonl", "media/intake/2026/photo.jpg",
                     f"audit-checkpoints/{checkpoint.path.name}"}
    assert manifest["audit"]["events"] == 4
    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("core")
    assert manifest["migrations"]["core"] == [name for _app, name in leaves]
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json"}

    call_command("flush", interactive=False, verbosity=0)
    photo.unlink()
    checkpoint.path.unlink()
    assert not AuditEvent.objects.exists()
    capsys.readouterr()

    call_command("restore", str(archive), yes=True)

    assert _snapshot() == before
    assert photo.read_bytes() == PHOTO
    assert checkpoint.path.read_text() == signed
    result = audit.verify()
    assert result.ok and result.checked == 4 and result.checkpoints == 1
    assert "审计链完整：4 条事件" in capsys.readouterr().out
    with transaction.atomic():  # the restored chain goes on from its head
        audit.record(actor=audit.SystemActor("system:test"), action="thing.change",
                     object_type="test.thing", object_id=2)
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_backup_without_media_or_checkpoints_restores_into_an_empty_database(people, dirs):
    _build(people)
    before = _snapshot()
    archive = dirs / "b.tar.gz"
    call_command("backup", output=str(archive))
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) == {"manifest.json", "database.jsonl"}

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive))  # only what migrate makes: no --yes needed

    assert _snapshot() == before
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_without_yes(people, dirs):
    _build(people)
    archive = dirs / "b.tar.gz"
    call_command("backup", output=archive)
    with transaction.atomic():
        audit.record(actor=audit.SystemActor("system:test"), action="thing.later",
                     object_type="test.thing", object_id=9)

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))

    assert AuditEvent.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_tampered_archive_is_refused_and_nothing_is_written(people, settings, dirs):
    _build(people)
    photo = _photo(settings)
    archive = dirs / "b.tar.gz"
    call_command("backup", output=archive)
    members: dict[str, bytes] = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            members[member.name] = tar.extractfile(member).read()  # type: ignore[union-attr]
    dump = bytearray(members["database.jsonl"])
    at = dump.index("和平街道".encode())
    dump[at] ^= 0x01  # one byte of one place's name
    members["database.jsonl"] = bytes(dump)
    tampered = dirs / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    photo.unlink()
    Place.objects.filter(name="和平街道").update(name="改过的")
    before = _snapshot()

    with pytest.raises(CommandError, match="database.jsonl 与清单中的 sha256 校验值不符"):
        call_command("restore", str(tampered), yes=True)

    assert _snapshot() == before
    assert Place.objects.filter(name="改过的").exists()
    assert not photo.exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.jpg"))


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_an_archive_is_refused(dirs):
    path = dirs / "not.tar.gz"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是可读取的备份包"):
        call_command("restore", str(path), yes=True)


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_archive(dirs):
    path = dirs / "b.tar.gz"
    path.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", output=path)
    assert path.read_bytes() == b"keep me"


@pytest.mark.django_db(transaction=True)
def test_the_archive_holds_neither_the_numbers_nor_the_data_key(settings, dirs):
    settings.YISHI_DATA_KEY = key = "the-servers-own-data-key-0123456789abcdef"
    from yishi.places.tests.factories import PersonFactory

    PersonFactory(), PersonFactory()  # their numbers encrypted under this key
    numbers = [n for pair in PersonalData.objects.values_list("phone", "id_number")
               for n in pair if n]
    before = _snapshot()
    archive = dirs / "b.tar.gz"
    call_command("backup", output=archive)
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    everything = b"".join(members.values())
    assert numbers and not any(n.encode() in everything for n in numbers)
    assert key.encode() not in everything and b'"v1:' in members["database.jsonl"]

    call_command("flush", interactive=False, verbosity=0)
    settings.YISHI_DATA_KEY = "another-key-that-did-not-make-the-archive-0000"
    with pytest.raises(CommandError, match="另一个 YISHI_DATA_KEY"):
        call_command("restore", str(archive))
    assert not PersonalData.objects.exists()

    settings.YISHI_DATA_KEY = key  # the same key: everything comes back
    call_command("restore", str(archive))
    assert _snapshot() == before
    assert PersonalData.objects.with_phone(numbers[0]).exists()
