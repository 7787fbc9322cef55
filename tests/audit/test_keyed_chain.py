"""Tamper evidence that survives a rewrite (docs/security.md "Event chains").

An attacker with write access to the database can edit an event and recompute every hash after it,
move the chain head, cut the newest events off, or empty the table; the plain hash chain verifies
after each of these. The MACs under CASEWORK_CHAIN_KEY (a secret outside the database) catch the
rewrite, a checkpoint file kept elsewhere catches the truncation. Every test runs on SQLite and on
PostgreSQL (there with the append-only triggers switched off for the tampering).
"""

from __future__ import annotations

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casework.audit.chain import SEALED, event_mac
from casework.audit.checkpoint import checkpoint_read
from casework.audit.keys import ChainKey, signing_key
from casework.audit.models import Event

from tests.audit.chainkit import (  # noqa: F401  (history: a fixture)
    TABLE, broken, chain_of, cut_short, empty_the_table, history, rewrite, tampering, verified, verify,
)
from tests.conftest import register

KEY_A = "a2026:" + "a" * 40
KEY_B = "b2027:" + "b" * 40


def checkpoint(path) -> str:
    out = StringIO()
    call_command("chain_checkpoint", str(path), stdout=out)
    return out.getvalue()


# -- every event is MACed under the signing key ------------------------------------------------


def test_each_event_carries_the_mac_of_its_hash_under_the_signing_key(history):
    # given: the events the actions wrote
    events = chain_of(history.jurisdictions["town_a"])
    key = signing_key()
    # then: each has the key's id and the HMAC of its hash, and the chain verifies
    assert [e.key_id for e in events] == [key.id] * 3
    assert all(e.mac == event_mac(key, e.hash) for e in events)
    assert "verified: 4 events" in verified()


def test_the_mac_is_computed_in_the_statements_registration_already_sends(world):
    """The event row carries its MAC: registering writes no statement more (tests/api holds the count)."""
    from django.test.utils import CaptureQueriesContext

    register(world)  # the counter and chain rows exist
    with CaptureQueriesContext(connection) as ctx:
        case = register(world, request="另一件事").case
    event = Event.objects.get(case=case)
    assert event.mac and event.key_id == signing_key().id
    carrying = [q["sql"] for q in ctx.captured_queries if event.mac in q["sql"]]
    assert len(carrying) == 1 and f'INSERT INTO "{TABLE}"' in carrying[0].replace("`", '"')


# -- a rewrite with the hashes recomputed -------------------------------------------------------


def test_an_event_rewritten_with_every_later_hash_recomputed_is_caught_by_its_mac(history):
    # given: the accept event's note changed, the hashes of it and of every later event recomputed
    # and the head moved: every link and every hash holds
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 1, data={**events[1].data, "note": "不属于本单位职责"})
    # when
    err = broken()
    # then: the rewritten event is named, for its MAC
    line = err.splitlines()[0]
    assert f"event #{events[1].pk} " in line and "seq 2" in line
    assert "MAC does not match" in line


def test_a_rewrite_macd_under_a_key_of_the_forgers_own_is_caught(history):
    # given: the forger also fills the MAC columns, with the right key id but a secret of their own
    events = chain_of(history.jurisdictions["town_a"])
    guess = ChainKey(signing_key().id, b"x" * 40)
    rewrite(events, 0, verb="withdraw", mac=lambda e: (guess.id, event_mac(guess, e.hash)))
    # when / then
    assert f"event #{events[0].pk} " in broken().splitlines()[0]


def test_a_rewrite_that_drops_the_macs_after_a_keyed_event_is_caught(history):
    # given: the last event rewritten, its MAC emptied
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 2, data={"kind": "contact", "note": "未联系"}, mac=lambda e: ("", ""))
    # when
    line = broken().splitlines()[0]
    # then
    assert f"event #{events[2].pk} " in line and "has no MAC" in line


def test_a_chain_rewritten_whole_without_macs_is_not_under_the_key_and_is_not_sealed(history):
    # given: every event of the chain rewritten and its MACs emptied: no keyed event is left to compare
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 0, verb="withdraw", mac=lambda e: ("", ""))
    # when
    line = broken().splitlines()[0]
    # then: the chain is not under the key, and seal_chains refuses to bless it without being told
    assert "not under the key" in line
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("seal_chains", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "not sealed" in err.getvalue() and "0 chains sealed" in out.getvalue()
    assert not Event.objects.filter(verb=SEALED).exists()


# -- truncation: what a checkpoint is for ---------------------------------------------------------


def test_a_chain_cut_short_verifies_alone_and_fails_against_the_checkpoint(history, tmp_path):
    # given: a checkpoint, then the newest two events of 甲镇's chain deleted and its head moved back
    town_a = history.jurisdictions["town_a"]
    checkpoint(tmp_path / "cp.json")
    events = chain_of(town_a)
    cut_short(events, keep=1)
    # then: on its own the chain still verifies (this is why the checkpoint exists) ...
    assert "verified: 2 events" in verified()
    # ... and against the checkpoint it does not
    err = broken("--checkpoint", str(tmp_path / "cp.json"))
    assert f"chain of jurisdiction {town_a.pk}: " in err
    assert "records 3 events but 1 are left" in err
    assert len(err.strip().splitlines()) == 1  # 乙镇's chain is whole


def test_an_emptied_table_fails_against_the_checkpoint(history, tmp_path):
    # given: a checkpoint, then every event and every chain head gone (TRUNCATE on PostgreSQL)
    checkpoint(tmp_path / "cp.json")
    empty_the_table()
    # then: nothing left to contradict itself ...
    assert "verified: 0 events" in verified()
    # ... but both chains of the checkpoint are missing
    err = broken("--checkpoint", str(tmp_path / "cp.json"))
    assert "records 3 events but 0 are left" in err
    assert "records 1 events but 0 are left" in err


def test_a_rewrite_since_the_checkpoint_fails_against_it_too(history, tmp_path):
    # given: a checkpoint, then a rewrite of the chain (with the forger's MACs)
    checkpoint(tmp_path / "cp.json")
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 0, verb="withdraw", mac=lambda e: ("forged", "0" * 64))
    # then: the chain fails once, with its first fault
    err = broken("--checkpoint", str(tmp_path / "cp.json"))
    assert len(err.strip().splitlines()) == 1 and f"event #{events[0].pk} " in err


def test_an_untouched_record_verifies_against_its_checkpoint_and_a_later_one(history, tmp_path):
    # given: a checkpoint, then more events
    checkpoint(tmp_path / "cp.json")
    register(history, request="后来的事")
    # when / then: still verifying, and the checkpoint is named
    out = verified("--checkpoint", str(tmp_path / "cp.json"))
    assert "verified: 5 events" in out and "2 chains hold all that the checkpoint of" in out


def test_an_altered_checkpoint_is_refused(history, tmp_path):
    # given: a checkpoint whose recorded length someone lowered to match a shortened chain
    path = tmp_path / "cp.json"
    checkpoint(path)
    document = json.loads(path.read_text())
    document["chains"][0]["length"] = 1
    path.write_text(json.dumps(document))
    # when
    code, out, err = verify("--checkpoint", str(path))
    # then: exit 2, one line
    assert code == 2 and out == ""
    assert err.strip() == f"checkpoint {path}: its MAC does not match (the file was altered)"


@pytest.mark.parametrize("content, reason", [
    (None, "no such file"), ("not json", "not a checkpoint file"), ('{"format": "other"}', "not a casework-chain-checkpoint"),
])
def test_a_checkpoint_that_is_not_one_is_refused_in_one_line(db, tmp_path, content, reason):
    path = tmp_path / "cp.json"
    if content is not None:
        path.write_text(content)
    code, out, err = verify("--checkpoint", str(path))
    assert code == 2 and reason in err and len(err.strip().splitlines()) == 1


# -- the daily job ----------------------------------------------------------------------------------


def run_deadlines() -> str:
    out = StringIO()
    call_command("run_deadlines", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_daily_job_writes_a_checkpoint_and_raises_the_alarm_until_someone_looks(history, settings):
    # given: the daily job ran once
    directory = settings.CASEWORK_CHECKPOINT_DIR
    assert "event chains checkpointed" in run_deadlines()
    first = checkpoint_read(directory)
    town_a = history.jurisdictions["town_a"]
    assert first.chains[town_a.pk][0] == 3
    # when: 甲镇's newest event is deleted and the head moved back
    cut_short(chain_of(town_a), keep=2)
    # then: the next run fails naming the chain, and so does the one after: today's checkpoint kept
    # what the last good one recorded for that chain
    for _ in range(2):
        with pytest.raises(CommandError, match="1 event chains lost or rewrote events"):
            run_deadlines()
        assert checkpoint_read(directory).chains[town_a.pk] == first.chains[town_a.pk]
    # and verify_events takes the directory for its newest checkpoint
    assert "records 3 events but 2 are left" in broken("--checkpoint", str(directory))


# -- keys: rotation, and the history from before them -------------------------------------------------


def seal(*args) -> str:
    out = StringIO()
    call_command("seal_chains", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rotation_signs_with_the_first_key_and_verifies_with_the_others(history, settings):
    # given: history under the key derived from SECRET_KEY (CASEWORK_CHAIN_KEY unset)
    derived = signing_key().id
    # when: key A configured, the derived key kept for verifying ("secret-key")
    settings.CASEWORK_CHAIN_KEYS = [KEY_A, "secret-key"]
    register(history, request="密钥A之下")
    # then
    assert Event.objects.latest("id").key_id == "a2026"
    assert "verified: 5 events" in verified()
    # when: key B put first
    settings.CASEWORK_CHAIN_KEYS = [KEY_B, KEY_A, "secret-key"]
    register(history, request="密钥B之下")
    # then: three keys' MACs in one record, all verifying
    assert set(Event.objects.values_list("key_id", flat=True)) == {derived, "a2026", "b2027"}
    assert "verified: 6 events" in verified()


def test_a_key_is_retired_after_a_seal_under_its_successor(history, settings):
    # given: history under the derived key; key A alone configured: those MACs cannot be checked
    settings.CASEWORK_CHAIN_KEYS = [KEY_A]
    assert "which CASEWORK_CHAIN_KEY no longer holds" in broken()
    # when: the old key kept for verifying while every chain is sealed under A
    settings.CASEWORK_CHAIN_KEYS = [KEY_A, "secret-key"]
    assert "2 chains sealed under key 'a2026'" in seal()
    assert "0 chains sealed" in seal()  # twice does nothing more
    # then: the old key can go; the seal's MAC covers the history before it
    settings.CASEWORK_CHAIN_KEYS = [KEY_A]
    assert "verified: 6 events" in verified()
    seals = Event.objects.filter(verb=SEALED).order_by("jurisdiction_id")
    assert [(s.key_id, s.data) for s in seals] == [("a2026", {"sealed_seq": 3, "reason": "rotated"}),
                                                   ("a2026", {"sealed_seq": 1, "reason": "rotated"})]
    # and a rewrite of the history under the retired key, its hashes recomputed through the seal, is caught
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 0, verb="withdraw")
    assert f"event #{events[-1].pk} " in broken().splitlines()[0]  # the seal


def unkeyed_history() -> None:
    """The MAC columns emptied, as the events of a database from before the key are."""
    with tampering():
        with connection.cursor() as c:
            c.execute(f"UPDATE {TABLE} SET key_id = '', mac = ''")


def test_the_migration_brings_history_from_before_the_key_under_it(history):
    """Migration audit 0007: a running office's chains, written before the key, get a seal each."""
    from importlib import import_module

    from django.apps import apps

    # given: a record from before the key: verifying, but not under the key
    unkeyed_history()
    assert "not under the key" in broken()
    # when: the migration's step runs (the real models are its models here; of the schema editor it
    # uses only the connection, and a schema editor cannot open inside the test's transaction on SQLite)
    migration = import_module("casework.audit.migrations.0007_seal_existing_chains")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    # then: a seal per chain records where keyed history begins, and the record verifies
    seals = list(Event.objects.filter(verb=SEALED).order_by("jurisdiction_id"))
    assert [s.data for s in seals] == [{"sealed_seq": 3, "reason": "adopted"}, {"sealed_seq": 1, "reason": "adopted"}]
    assert all(s.case_id is None and s.actor_kind == "system" and s.key_id == signing_key().id for s in seals)
    assert "verified: 6 events" in verified()
    # and from now on the history before the seal cannot be rewritten unseen
    events = chain_of(history.jurisdictions["town_a"])
    rewrite(events, 1, data={"note": "改写"})
    line = broken().splitlines()[0]
    assert f"event #{seals[0].pk} " in line and "MAC does not match" in line


def test_seal_chains_adopts_unkeyed_history_only_when_told(history):
    # given: history from before the key
    unkeyed_history()
    # when / then: refused without the flag, sealed with it
    with pytest.raises(SystemExit):
        seal()
    assert not Event.objects.filter(verb=SEALED).exists()
    assert "2 chains sealed" in seal("--adopt-unkeyed")
    assert "verified" in verified()


def test_a_chain_that_does_not_verify_is_never_sealed(history):
    # given: an event edited in place (its hash no longer matches) in a chain from before the key
    unkeyed_history()
    event = chain_of(history.jurisdictions["town_a"])[1]
    with tampering():
        with connection.cursor() as c:
            c.execute(f"UPDATE {TABLE} SET verb = 'forged' WHERE id = %s", [event.pk])
    # when: even with --adopt-unkeyed
    with pytest.raises(SystemExit):
        seal("--adopt-unkeyed")
    # then: only 乙镇's whole chain got a seal, and the edit is still reported
    assert list(Event.objects.filter(verb=SEALED).values_list("jurisdiction_id", flat=True)) == [
        history.jurisdictions["town_b"].pk]
    assert f"event #{event.pk} " in broken()


# -- configuration -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    (["nocolon"], "each key is id:secret"),
    (["k1:short"], "fewer than 32 characters"),
    (["bad id!:" + "x" * 40], "each key is id:secret"),
    ([KEY_A, KEY_A], "appears twice"),
])
def test_a_malformed_chain_key_stops_every_command(settings, value, message):
    from django.core.management.base import SystemCheckError

    settings.CASEWORK_CHAIN_KEYS = value
    with pytest.raises(SystemCheckError, match=message):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_production_is_told_when_the_chain_key_is_derived_from_the_secret_key(settings):
    from django.core.checks import run_checks

    settings.CASEWORK_CHAIN_KEYS = []
    assert "casework.audit.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.CASEWORK_CHAIN_KEYS = [KEY_A]
    assert "casework.audit.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


def test_a_key_never_shows_its_secret():
    key = ChainKey("k1", b"s3cret-s3cret-s3cret-s3cret-s3cret")
    assert "s3cret" not in repr(key) and "s3cret" not in str(key)


# -- PostgreSQL: TRUNCATE refused too ---------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_refuses_truncate_of_the_events(history):
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist only on PostgreSQL")
    count = Event.objects.count()
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic():
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute(f"TRUNCATE {TABLE} CASCADE")
    assert Event.objects.count() == count
    assert "verified" in verified()
