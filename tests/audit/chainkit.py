"""What an attacker with write access to the database does to a chain, for the tamper tests.

On PostgreSQL the append-only triggers are switched off for the tampering, as the table's owner
could (docs/security.md: the application's role is not the owner); on SQLite there is nothing to
switch off. Either way it is the chain's hashes, MACs and checkpoints that must catch it.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from casework.audit.chain import GENESIS, event_hash
from casework.audit.models import Event, EventChain

TABLE = Event._meta.db_table
TRIGGERS = ("audit_event_append_only", "audit_event_no_truncate")


@contextmanager
def tampering():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending deferred check
        for trigger in TRIGGERS:
            c.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for trigger in TRIGGERS:
                c.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")
            c.execute("SET CONSTRAINTS ALL DEFERRED")


def chain_of(jurisdiction) -> list[Event]:
    return list(Event.objects.filter(jurisdiction=jurisdiction).order_by("seq"))


def rewrite(events: list[Event], index: int, *, mac=None, **changes) -> None:
    """Change ``events[index]``, then recompute its hash and every later one's, as the code does, and
    move the chain head: every link and hash holds afterwards. ``mac(event) -> (key_id, mac)``: what
    the forger puts in the MAC columns of the events rewritten (default: leave them as they were)."""
    prev = events[index - 1].hash if index else GENESIS
    with tampering():
        for e in events[index:]:
            for name, value in (changes if e is events[index] else {}).items():
                setattr(e, name, value)
            e.prev_hash = prev
            e.hash = event_hash(
                jurisdiction_id=e.jurisdiction_id, seq=e.seq, case_id=e.case_id, verb=e.verb, actor_id=e.actor_id,
                actor_kind=e.actor_kind, at=e.at, effective_on=e.effective_on, before=e.before, after=e.after,
                data=e.data, prev_hash=e.prev_hash, dispute_id=e.dispute_id,
            )
            if mac is not None:
                e.key_id, e.mac = mac(e)
            with connection.cursor() as c:
                c.execute(f"UPDATE {TABLE} SET verb = %s, data = %s, prev_hash = %s, hash = %s, key_id = %s, mac = %s "
                          "WHERE id = %s", [e.verb, json.dumps(e.data, ensure_ascii=False), e.prev_hash, e.hash,
                                            e.key_id, e.mac, e.pk])
            prev = e.hash
    EventChain.objects.filter(jurisdiction_id=events[0].jurisdiction_id).update(
        length=events[-1].seq, head_hash=events[-1].hash)


def cut_short(events: list[Event], keep: int) -> None:
    """Delete all but the first ``keep`` events (and the notices they issued, which refer to them) and move the
    head back to the last one kept."""
    from casework.documents.models import IssuedDocument

    gone = [e.pk for e in events[keep:]]
    with tampering():
        IssuedDocument.objects.filter(event_id__in=gone).delete()
        Event.objects.filter(pk__in=gone).delete()
    head = events[keep - 1] if keep else None
    EventChain.objects.filter(jurisdiction_id=events[0].jurisdiction_id).update(
        length=head.seq if head else 0, head_hash=head.hash if head else "")


def empty_the_table() -> None:
    """TRUNCATE on PostgreSQL (its trigger off), DELETE elsewhere; the chain heads and the notices go too."""
    from casework.documents.models import IssuedDocument

    with tampering():
        IssuedDocument.objects.all().delete()
        with connection.cursor() as c:
            c.execute(f"TRUNCATE {TABLE} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}")
    EventChain.objects.all().delete()


def verify(*args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``verify_events --quiet [args]``."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_events", "--quiet", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as e:
        code = e.code
    return code, out.getvalue(), err.getvalue()


def verified(*args) -> str:
    code, out, err = verify(*args)
    assert (code, err) == (0, ""), err
    return out


def broken(*args) -> str:
    code, out, err = verify(*args)
    assert code == 1, (code, out, err)
    assert "verified" not in out
    return err


@pytest.fixture
def history(world):
    """Real actions: three events in 甲镇's chain, one in 乙镇's."""
    from casework.cases.actions import case_accept, case_record_step

    from tests.conftest import register

    case = register(world).case
    case_accept(world.users["handler_a"], case_id=case.pk, note="属于本单位职责")
    case_record_step(world.users["handler_a"], case_id=case.pk, kind="contact", note="电话联系信访人")
    register(world, by="clerk_b", unit="town_b_office")
    return world
