"""Backups (docs/security.md "Backups"): `manage.py backup` and `restore`, with the real tools (SQLite's
online backup API; pg_dump and pg_restore) on the database the suite runs on.

The backup is taken from the test's database (committed data: transactional tests); the restore runs
as the operator would, `manage.py restore` in a process of its own, into an empty database made for
it (a new SQLite file, or a new PostgreSQL database), with its own MEDIA_ROOT.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casework.audit.models import Event
from casework.cases.actions import case_accept
from casework.cases.models import Attachment, Case
from tests.cases import files as F
from tests.conftest import register

ROOT = Path(__file__).resolve().parents[2]


# -- an empty database to restore into, and manage.py against it -----------------------------------


@contextmanager
def empty_database(tmp_path: Path):
    """The DATABASE_URL of a new, empty database of the suite's kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = dict(host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"], password=s["PASSWORD"],
                 dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**admin) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(url: str, var: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=url, CASEWORK_VAR_DIR=str(var), DJANGO_MEDIA_ROOT=str(var / "media"),
               CASEWORK_DATA_DIR=str(var / "no-data"))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def rows(url: str, sql: str) -> list[tuple]:
    """Read the restored database directly, not through Django."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return [tuple(r) for r in db.execute(sql).fetchall()]


# -- the round trip ------------------------------------------------------------------------------------


@pytest.fixture
def office(transactional_db, world, settings, tmp_path):
    """Three cases with attachments in two chains, one worked on, and a checkpoint of the chains."""
    settings.MEDIA_ROOT = tmp_path / "media"
    docs = [("申请书.pdf", F.pdf()), ("现场.png", F.image("PNG")), ("情况说明.docx", F.docx())]
    first = register(world, attachments=[F.upload(*docs[0]), F.upload(*docs[1])]).case
    register(world, by="clerk_b", unit="town_b_office", attachments=[F.upload(*docs[2])])
    register(world, request="没有附件的事项")
    case_accept(world.users["handler_a"], case_id=first.pk, note="受理")
    call_command("chain_checkpoint", str(tmp_path / "checkpoint.json"), stdout=StringIO())
    return tmp_path


def test_a_backup_restored_into_an_empty_database_has_every_case_event_and_attachment_and_verifies(office):
    # given: a backup of the office's database and files
    archive = office / "casework.tar.gz"
    out = StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "(3 cases, 4 events, 3 attachments, 3 files)" in out.getvalue()
    cases = sorted(Case.objects.values_list("number", "title", "state"))
    events = sorted(Event.objects.values_list("jurisdiction_id", "seq", "verb", "hash", "mac"))
    attachments = {a.file.name: (a.original_name, a.content_type, Path(a.file.path).read_bytes())
                   for a in Attachment.objects.all()}
    with empty_database(office) as url:
        target = office / "restored"
        # when: restored by the operator into an empty database and an empty MEDIA_ROOT
        done = manage(url, target, "restore", str(archive))
        # then: it says what it restored
        assert done.returncode == 0, done.stderr
        kind = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        assert f"{kind} database with 3 cases, 4 events, 3 attachments, 3 files" in done.stdout
        # every case, event (with its MAC) and attachment row, and each attachment's very bytes
        assert sorted(rows(url, "SELECT number, title, state FROM cases_case")) == cases
        assert sorted(rows(url, "SELECT jurisdiction_id, seq, verb, hash, mac FROM audit_event")) == events
        restored = rows(url, "SELECT file, original_name, content_type FROM cases_attachment")
        assert {f: (n, t) for f, n, t in restored} == {f: v[:2] for f, v in attachments.items()}
        for name, (_, _, data) in attachments.items():
            assert (target / "media" / name).read_bytes() == data
        # and the chains verify, against the checkpoint taken before the backup
        verify = manage(url, target, "verify_events", "--checkpoint", str(office / "checkpoint.json"))
        assert verify.returncode == 0, verify.stderr
        assert "event chain verified: 4 events; 2 chains hold all that the checkpoint" in verify.stdout

        # when: restored again, now that the database holds the cases
        again = manage(url, target, "restore", str(archive))
        # then: refused in one line, nothing changed
        assert again.returncode == 1
        assert again.stderr.strip().splitlines() == [
            "CommandError: the database already holds 3 cases and 4 events: restore into an empty database, "
            "or give --force to replace them"]
        assert len(rows(url, "SELECT id FROM cases_case")) == 3
        # with --force it replaces them
        forced = manage(url, target, "restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stderr
        assert len(rows(url, "SELECT id FROM audit_event")) == 4


# -- bad input: one line, non-zero, nothing changed ------------------------------------------------------


def other_kind() -> str:
    return "postgresql" if connection.vendor == "sqlite" else "sqlite"


def archive_with(path: Path, manifest: dict | None, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        entries = ({"casework-backup.json": json.dumps(manifest).encode()} if manifest is not None else {}) | members
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def manifest(**over) -> dict:
    return {"format": "casework-backup", "version": 1, "created_at": "2026-12-01T10:00:00+08:00",
            "database": connection.vendor, "migrations": {"audit": ["0001_initial"]}, **over}


DUMP = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@pytest.mark.parametrize("make, reason", [
    (lambda p: p / "missing.tar.gz", "missing.tar.gz: no such file"),
    (lambda p: (p / "notes.txt").write_text("not an archive") and p / "notes.txt", "not a Casework backup (not a tar archive"),
    (lambda p: archive_with(p / "a.tar.gz", None, {"x.txt": b"x"}), "not a Casework backup (no casework-backup.json in it)"),
    (lambda p: archive_with(p / "a.tar.gz", manifest(format="other"), {}), "not a casework-backup version 1 archive"),
    (lambda p: archive_with(p / "a.tar.gz", manifest(database=other_kind()), {DUMP[other_kind()]: b"x"}),
     "database; this installation uses"),
    (lambda p: archive_with(p / "a.tar.gz", manifest(migrations={"audit": ["0099_from_the_future"]}),
                            {DUMP[connection.vendor]: b"x"}), "made by a newer Casework (migration audit.0099_from_the_future"),
    (lambda p: archive_with(p / "a.tar.gz", manifest(), {}), "the database (database."),
    (lambda p: archive_with(p / "a.tar.gz", manifest(), {DUMP[connection.vendor]: b"x", "../../etc/cron.d/x": b"x"}),
     "is not a plain file inside the archive; refused"),
])
def test_bad_input_is_refused_in_one_line_and_nothing_changes(world, settings, tmp_path, make, reason):
    # given: the test's database with a case, and a file that is not a good backup
    settings.MEDIA_ROOT = tmp_path / "media"
    register(world)
    before = (Case.objects.count(), Event.objects.count())
    path = make(tmp_path)
    # when
    with pytest.raises(CommandError) as refused:
        call_command("restore", "--force", str(path), stdout=StringIO(), stderr=StringIO())
    # then: one line saying why (even with --force), and the database as it was
    message = str(refused.value)
    assert reason in message and "\n" not in message
    assert (Case.objects.count(), Event.objects.count()) == before
    assert not (tmp_path / "media").exists()


def test_the_command_line_says_why_in_one_line_with_a_non_zero_exit(tmp_path):
    # given: no such file; the restore runs as the operator would
    with empty_database(tmp_path) as url:
        done = manage(url, tmp_path / "var", "restore", str(tmp_path / "nowhere.tar.gz"))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == f"CommandError: {tmp_path / 'nowhere.tar.gz'}: no such file"


def test_a_backup_to_a_folder_that_does_not_exist_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        call_command("backup", str(tmp_path / "no" / "b.tar.gz"), stdout=StringIO())
