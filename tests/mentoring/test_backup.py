"""`manage.py backup` and `restore` (issue 20): the demo organisations backed up,
the database emptied (on PostgreSQL: a new, empty database), restored, and every
table's rows and every uploaded file's checksum compared."""

import io
import json
import tarfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from mentoring import backup
from mentoring.backup import (
    BackupError,
    archives,
    make_backup,
    media_files,
    restore_backup,
    table_counts,
)
from pairs.models import Pair

pytestmark = pytest.mark.django_db(transaction=True)


def upload(root: Path, name: str, content: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@contextmanager
def empty_database():
    """The default database, empty, for the restore: on PostgreSQL a new one
    (dropped after); on SQLite every table's rows deleted."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DELETE FROM "{table}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = ON")
        return
    original = connection.settings_dict["NAME"]
    restored = f"{original}_restored"
    params = {
        key: value
        for key, value in {
            "host": connection.settings_dict["HOST"] or "127.0.0.1",
            "port": connection.settings_dict["PORT"] or 5432,
            "user": connection.settings_dict["USER"] or "postgres",
            "password": connection.settings_dict["PASSWORD"] or None,
            "dbname": "postgres",
        }.items()
        if value
    }

    def admin(sql):
        server = psycopg2.connect(**params)
        server.autocommit = True
        try:
            server.cursor().execute(sql)
        finally:
            server.close()

    admin(f'DROP DATABASE IF EXISTS "{restored}"')
    admin(f'CREATE DATABASE "{restored}"')
    connection.close()
    connection.settings_dict["NAME"] = restored
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        admin(f'DROP DATABASE IF EXISTS "{restored}"')


def test_a_backup_restores_every_row_and_every_file(tmp_path, settings):
    call_command("seed_demo", "--quiet")
    upload(Path(settings.MEDIA_ROOT), "orders/2026/prikaz-45.pdf", b"%PDF-1.4 scan")
    upload(Path(settings.MEDIA_ROOT), "evidence/портфолио.docx", b"PK\x03\x04 doc")
    counts, files = table_counts(), media_files(Path(settings.MEDIA_ROOT))
    assert counts["pairs_pair"] == Pair.objects.count() > 0 and len(files) >= 2

    made = make_backup(tmp_path / "backups", keep=3)
    with tarfile.open(made.path) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "media/orders/2026/prikaz-45.pdf" in names

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with empty_database():
        assert sum(table_counts().values()) == 0
        restored = restore_backup(made.path)
        assert table_counts() == counts
        assert Pair.objects.count() == counts["pairs_pair"]
    assert media_files(tmp_path / "restored-media") == files
    assert restored.rows == sum(counts.values())


def test_only_the_last_archives_are_kept(tmp_path):
    folder = tmp_path / "backups"
    for day in (1, 2, 3):
        make_backup(folder, keep=2, now=datetime(2026, 12, day, 2, 0))
    assert [path.name for path in archives(folder)] == [
        "mentoring-backup-2026-12-02-020000.tar.gz",
        "mentoring-backup-2026-12-03-020000.tar.gz",
    ]
    assert not list(folder.glob(".*"))  # no partial archive left behind


def test_a_restore_into_a_database_with_data_is_refused(tmp_path):
    call_command("seed_demo", "--quiet")
    made = make_backup(tmp_path, keep=1)
    before = table_counts()
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(made.path)
    assert table_counts() == before


def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path, settings):
    upload(Path(settings.MEDIA_ROOT), "scan.pdf", b"original")
    made = make_backup(tmp_path, keep=1)
    # the same archive with another file under the scan's name
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(made.path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "media/scan.pdf":
                member.size = len(b"changed!")
                target.addfile(member, io.BytesIO(b"changed!"))
            else:
                target.addfile(member, data)
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with empty_database(), pytest.raises(BackupError, match="scan.pdf"):
        restore_backup(damaged)
    assert not (tmp_path / "empty-media").exists()


def test_the_commands_say_what_they_did(tmp_path, capsys):
    call_command("backup", "--folder", str(tmp_path), "--keep", "1")
    out = capsys.readouterr().out
    assert "mentoring-backup-" in out and "tables" in out
    with pytest.raises(CommandError, match="no such archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump's snapshot: PostgreSQL"
)
def test_rows_written_during_the_backup_do_not_spoil_its_manifest(
    tmp_path, settings, monkeypatch
):
    """The site keeps writing while pg_dump runs: the manifest counts what the
    dump holds (one snapshot), so the restore checks out."""
    real_run = backup.run

    def run_while_a_user_writes(command, env):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO auth_group (name) VALUES ('written meanwhile')"
                )
        finally:
            other.close()
        real_run(command, env)

    monkeypatch.setattr(backup, "run", run_while_a_user_writes)
    made = make_backup(tmp_path, keep=1)
    monkeypatch.setattr(backup, "run", real_run)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with empty_database():
        restored = restore_backup(made.path)  # raises on a count that differs
        assert table_counts()["auth_group"] == 0
    assert restored.rows == sum(json_manifest(made.path)["tables"].values())


def json_manifest(path):
    with tarfile.open(path) as archive:
        return json.load(archive.extractfile("manifest.json"))
