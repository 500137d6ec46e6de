"""Backups that restore (issue 20): one dated archive holding the database (a
`pg_dump` custom-format dump on PostgreSQL, SQLite's online backup API on
SQLite), the uploaded files under MEDIA_ROOT and a manifest — every table's row
count and every file's SHA-256 — and the restore that checks it all back.

The archive is written under a temporary name and renamed when complete, so a
failed backup (a full disk) never leaves an archive that looks whole; only the
last `keep` archives are kept. A restore goes into an empty database only, and
fails loudly when a count or a checksum differs from the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

PREFIX = "mentoring-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """What went wrong, for the person running the command."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


def count_rows(cursor, names) -> dict[str, int]:
    """{table: rows} of `names`, through any DB-API cursor."""
    counts = {}
    for name in sorted(names):
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def table_counts(alias: str = "default") -> dict[str, int]:
    """Every table of the database and its rows."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return count_rows(cursor, connection.introspection.table_names(cursor))


def media_files(root: Path) -> dict[str, str]:
    """{path under MEDIA_ROOT: SHA-256} of every uploaded file."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def pg_env(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore."""
    db = settings.DATABASES[alias]
    args = [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
    ]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt install postgresql-client)"
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(
            f"{command[0]} failed: {error.stderr.strip()[-2000:]}"
        ) from error


def dump_database(target: Path, alias: str = "default") -> tuple[Path, dict[str, int]]:
    """The dump, and every table's rows as the dump holds them: a site keeps
    writing while it is backed up, so the counts are taken from the same
    snapshot (PostgreSQL: pg_dump joins the transaction's exported snapshot) or
    from the copy itself (SQLite)."""
    db = settings.DATABASES[alias]
    connection = connections[alias]
    if is_postgresql(alias):
        path = target / PG_DUMP
        args, env = pg_env(alias)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            # before any other statement: the whole transaction sees one snapshot
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(alias)
            run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(path),
                    *args,
                    db["NAME"],
                ],
                env,
            )
        return path, counts
    path = target / SQLITE_COPY
    connection.ensure_connection()
    copy = sqlite3.connect(str(path))
    try:
        connection.connection.backup(copy)  # consistent even while the site writes
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'"
        )
        counts = count_rows(cursor, [row[0] for row in cursor.fetchall()])
    finally:
        copy.close()
    return path, counts


@dataclass
class Made:
    path: Path
    tables: int
    rows: int
    files: int
    removed: list[Path]


def archives(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def make_backup(folder: Path, *, keep: int, now: datetime | None = None) -> Made:
    """Write one archive into `folder` and keep the last `keep` archives."""
    folder.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    final = folder / f"{PREFIX}{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        work = Path(work)
        dump, counts = dump_database(work)
        # in a bucket (MEDIA_STORAGE=s3) the files are the bucket's to keep
        files = (
            media_files(media_root) if settings.MEDIA_STORAGE == "filesystem" else {}
        )
        manifest = {
            "created": (now or datetime.now()).isoformat(timespec="seconds"),
            "engine": "postgresql" if is_postgresql() else "sqlite",
            "database": {"file": dump.name, "sha256": sha256(dump)},
            "tables": counts,
            "media_storage": settings.MEDIA_STORAGE,
            "media": files,
        }
        partial = folder / f".{final.name}.partial"
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=dump.name)
                for name in files:
                    archive.add(media_root / name, arcname=f"media/{name}")
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    removed = archives(folder)[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return Made(final, len(counts), sum(counts.values()), len(files), removed)


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        return json.load(archive.extractfile(MANIFEST))
    except KeyError as error:
        raise BackupError("the archive has no manifest.json: not a backup") from error


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def database_is_empty(alias: str = "default") -> bool:
    return not any(table_counts(alias).values())


def restore_backup(path: Path, *, alias: str = "default") -> Restored:
    """Restore the archive into the (empty) database and MEDIA_ROOT, then check
    every table's rows and every file's checksum against the manifest."""
    if not path.is_file():
        raise BackupError(f"no such archive: {path}")
    media_root = Path(settings.MEDIA_ROOT)
    if not database_is_empty(alias):
        raise BackupError(
            "the database is not empty: restore into a new, empty database "
            "(and run no migrate before)"
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        work = Path(work)
        manifest = read_manifest(archive)
        archive.extractall(work, filter="data")
        dump = work / manifest["database"]["file"]
        if sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError("the database dump does not match its checksum")
        for name, digest in manifest["media"].items():
            if sha256(work / "media" / name) != digest:
                raise BackupError(f"the file {name} does not match its checksum")
        existing = [n for n in manifest["media"] if (media_root / n).exists()]
        if existing:
            raise BackupError(f"MEDIA_ROOT already holds {existing[0]}: not restored")
        load_database(dump, manifest["engine"], alias)
        for name in manifest["media"]:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / "media" / name, target)
    return verify(manifest, alias)


def load_database(dump: Path, engine: str, alias: str) -> None:
    db = settings.DATABASES[alias]
    here = "postgresql" if is_postgresql(alias) else "sqlite"
    if engine != here:
        raise BackupError(f"a {engine} backup cannot be restored into {here}")
    if here == "postgresql":
        connections[alias].close()
        args, env = pg_env(alias)
        run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                *args,
                "--dbname",
                db["NAME"],
                str(dump),
            ],
            env,
        )
        return
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(str(dump))
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def verify(manifest: dict, alias: str = "default") -> Restored:
    counts = table_counts(alias)
    wrong = [
        f"{table}: {counts.get(table)} rows, the backup had {rows}"
        for table, rows in manifest["tables"].items()
        if counts.get(table) != rows
    ]
    media_root = Path(settings.MEDIA_ROOT)
    wrong += [
        f"{name}: checksum differs"
        for name, digest in manifest["media"].items()
        if not (media_root / name).is_file() or sha256(media_root / name) != digest
    ]
    if wrong:
        raise BackupError("the restore does not match the backup: " + "; ".join(wrong))
    return Restored(len(counts), sum(counts.values()), len(manifest["media"]))
