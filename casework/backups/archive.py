"""Backups: the database and the attachments' files in one archive, and back.

The archive is a gzipped tar: ``casework-backup.json`` first (what it holds, which database kind,
the migrations it was made at), then the database (PostgreSQL: ``pg_dump`` in its custom format;
SQLite: a copy made with SQLite's online backup API, consistent while the site runs), then MEDIA_ROOT
under ``media/``. The database goes first and the files after, so every attachment row in the
backup has its file: files are written before their row commits, and never removed.

A restore checks everything it can before it changes anything: the file, its manifest, the database
kind, the migrations, that the database and MEDIA_ROOT are empty (unless forced), every member's
name. Then the database (PostgreSQL: one transaction), then the files.

The chain key is not in the backup and must not be: keep it, and the checkpoints, elsewhere.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "casework-backup"
VERSION = 1
MANIFEST = "casework-backup.json"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
KINDS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MEDIA = "media"


class BackupError(Exception):
    """Why a backup or a restore cannot be done, in one line; nothing was changed."""


@dataclass(frozen=True)
class Contents:
    cases: int
    events: int
    attachments: int
    files: int

    def __str__(self) -> str:
        return (f"{self.cases} cases, {self.events} events, {self.attachments} attachments, "
                f"{self.files} files")


# -- backup ---------------------------------------------------------------------------------------


def backup_write(path: Path) -> Contents:
    """Write the archive to ``path`` (atomically: a half-written backup never has the name)."""
    path = Path(path)
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"backups of a {vendor} database are not supported (PostgreSQL and SQLite are)")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such directory")
    with tempfile.TemporaryDirectory(prefix=".casework-backup-", dir=path.parent) as work:
        dump = Path(work) / DUMPS[vendor]
        (_pg_dump if vendor == "postgresql" else _sqlite_dump)(connection, dump)
        contents = _contents()
        media = _media_files()
        manifest = {
            "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(), "database": vendor,
            "migrations": _applied_migrations(), "contents": contents.__dict__ | {"files": len(media)},
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            tar.add(dump, arcname=DUMPS[vendor])
            root = Path(settings.MEDIA_ROOT)
            for f in media:
                tar.add(f, arcname=f"{MEDIA}/{f.relative_to(root).as_posix()}", recursive=False)
        os.replace(partial, path)
    return Contents(contents.cases, contents.events, contents.attachments, len(media))


def _sqlite_dump(connection, dump: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _pg_dump(connection, dump: Path) -> None:
    _run(["pg_dump", "--format=custom", "--file", str(dump)], connection, "pg_dump")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


# -- restore ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    database: str
    created_at: dt.datetime
    contents: Contents
    missing_files: int
    older_migrations: bool


def restore_read(path: Path, *, force: bool = False) -> Restored:
    path = Path(path)
    connection = connections[DEFAULT_DB_ALIAS]
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        tar = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{path}: not a Casework backup (not a tar archive)") from None
    with tar, tempfile.TemporaryDirectory(prefix=".casework-restore-", dir=_work_dir()) as work:
        manifest = _manifest(tar, path)
        vendor = manifest["database"]
        if vendor != connection.vendor:
            raise BackupError(f"{path} holds a {KINDS.get(vendor, vendor)} database; this installation uses "
                              f"{KINDS.get(connection.vendor, connection.vendor)} (DATABASE_URL)")
        older = _check_migrations(manifest["migrations"], path)
        members = _members(tar, path, DUMPS[vendor])
        if not force:
            _refuse_if_not_empty(connection)
        # Everything checked: from here on the database, then the files, are replaced.
        tar.extract(members[DUMPS[vendor]], work, filter="data")
        dump = Path(work) / DUMPS[vendor]
        (_pg_restore if vendor == "postgresql" else _sqlite_restore)(connection, dump, path)
        files = [m for name, m in members.items() if name.startswith(f"{MEDIA}/")]
        _restore_media(tar, files, Path(work) / "extracted")
    contents = _contents(files=len(files))
    return Restored(vendor, dt.datetime.fromisoformat(manifest["created_at"]), contents, _missing_files(), older)


def _work_dir() -> Path:
    """Scratch space beside MEDIA_ROOT, so that the files move into it without a copy."""
    parent = Path(settings.MEDIA_ROOT).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (KeyError, AttributeError):
        raise BackupError(f"{path}: not a Casework backup (no {MANIFEST} in it)") from None
    except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError) as e:
        raise BackupError(f"{path}: damaged ({type(e).__name__} reading {MANIFEST})") from None
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION
            or manifest.get("database") not in DUMPS or not isinstance(manifest.get("migrations"), dict)):
        raise BackupError(f"{path}: not a {FORMAT} version {VERSION} archive")
    return manifest


def _members(tar: tarfile.TarFile, path: Path, dump_name: str) -> dict[str, tarfile.TarInfo]:
    """Every member, after checking that each is a plain file or folder inside the archive's layout."""
    members = {}
    try:
        for m in tar.getmembers():
            name = PurePosixPath(m.name)
            if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
                raise BackupError(f"{path}: member {m.name!r} is not a plain file inside the archive; refused")
            if m.isfile() and str(name) not in (MANIFEST, dump_name) and name.parts[0] != MEDIA:
                raise BackupError(f"{path}: unexpected member {m.name!r}; refused")
            if m.isfile():
                members[str(name)] = m
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BackupError(f"{path}: damaged ({type(e).__name__})") from None
    if dump_name not in members:
        raise BackupError(f"{path}: the database ({dump_name}) is missing from it")
    return members


def _check_migrations(recorded: dict, path: Path) -> bool:
    """Refuse a backup from a newer version (migrations this code does not have); True when older."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in recorded.items() for name in names if (app, name) not in known]
    if unknown:
        raise BackupError(f"{path} was made by a newer Casework (migration {unknown[0]} is unknown here): "
                          "restore it with that version")
    return sum(len(n) for n in recorded.values()) < len(known)


def _refuse_if_not_empty(connection) -> None:
    from casework.audit.models import Event
    from casework.cases.models import Case

    if Case._meta.db_table in connection.introspection.table_names():
        cases, events = Case.objects.count(), Event.objects.count()
        if cases or events:
            raise BackupError(f"the database already holds {cases} cases and {events} events: restore into an "
                              "empty database, or give --force to replace them")
    if _media_files():
        raise BackupError(f"MEDIA_ROOT ({settings.MEDIA_ROOT}) already holds files: restore into an empty "
                          "one, or give --force to replace them")


def _sqlite_restore(connection, dump: Path, path: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path}: its SQLite database is damaged; nothing restored")
        connection.close()  # no statement of Django's open across the replacement
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: its SQLite database cannot be read ({e}); nothing restored") from None
    finally:
        source.close()


def _pg_restore(connection, dump: Path, path: Path) -> None:
    connection.close()
    # One transaction: a failure leaves the database as it was. --clean drops what the dump is about
    # to create (an empty but migrated database has the tables already); objects become the restoring
    # role's (--no-owner): give the application's role its rights again (scripts/db-roles.sh grants).
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--clean", "--if-exists", "--no-owner",
          "--no-privileges", "--dbname", connection.settings_dict["NAME"], str(dump)], connection, "pg_restore")


def _restore_media(tar: tarfile.TarFile, members: list[tarfile.TarInfo], scratch: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    for m in members:
        tar.extract(m, scratch, filter="data")
    extracted = scratch / MEDIA
    if not extracted.is_dir():
        return
    for f in sorted(p for p in extracted.rglob("*") if p.is_file()):
        target = root / f.relative_to(extracted)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(f, target)


def _missing_files() -> int:
    from casework.cases.models import Attachment

    root = Path(settings.MEDIA_ROOT)
    return sum(1 for name in Attachment.objects.values_list("file", flat=True) if not (root / name).is_file())


# -- shared -------------------------------------------------------------------------------------------


def _contents(files: int = 0) -> Contents:
    from casework.audit.models import Event
    from casework.cases.models import Attachment, Case

    return Contents(Case.objects.count(), Event.objects.count(), Attachment.objects.count(), files)


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _run(command: list[str], connection, tool: str) -> None:
    """Run pg_dump or pg_restore against the configured database, its password in the environment."""
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"], "PGUSER": s.get("USER") or "", "PGHOST": s.get("HOST") or "",
           "PGPORT": str(s.get("PORT") or ""), "PGPASSWORD": s.get("PASSWORD") or ""}
    if (s.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    env = {k: v for k, v in env.items() if v != "" or k not in ("PGUSER", "PGHOST", "PGPORT", "PGPASSWORD")}
    if shutil.which(command[0]) is None:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[0] if lines else f'exit {done.returncode}'}")
