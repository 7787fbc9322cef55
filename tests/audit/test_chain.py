"""The event record: append-only, hash-chained, verified by ``manage.py verify_events``.

DESIGN.md "Events": every change to a case is an event row; events are
append-only and hash-chained; a command verifies the chain; personal data
lives in its own rows, referenced from events by id.

Every tamper test runs on both databases. PostgreSQL refuses UPDATE and DELETE
on ``audit_event`` (migration audit 0002); there the test switches the trigger
off for the tampering, as someone with the table owner's rights could, so that
the hash chain itself is what catches it on both.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, ProgrammingError, connection, transaction

from casework.audit.models import Event, EventChain
from casework.cases.actions import PersonData, case_accept, case_record_step

from tests.conftest import register

TABLE = Event._meta.db_table


# -- helpers -----------------------------------------------------------------------


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists only on PostgreSQL")


@contextmanager
def tampering():
    """Let raw UPDATE/DELETE through: nothing to do on SQLite, disable the trigger on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield
        return
    # The test runs inside one transaction: ALTER TABLE is refused while deferred foreign-key
    # checks from the inserts are pending, so run those first.
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        c.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_append_only")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_event_append_only")
            c.execute("SET CONSTRAINTS ALL DEFERRED")


def sql(statement: str, params=()) -> int:
    with connection.cursor() as c:
        c.execute(statement, params)
        return c.rowcount


def verify_ok() -> str:
    out, err = StringIO(), StringIO()
    call_command("verify_events", "--quiet", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def verify_broken() -> str:
    """Run the verifier, expect exit code 1, return what it wrote to stderr."""
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_events", "--quiet", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "verified" not in out.getvalue()
    return err.getvalue()


def first_fault(stderr: str) -> str:
    line = stderr.splitlines()[0]
    assert line.startswith("event chain broken: ")
    return line


def chain_events(world, jurisdiction="town_a") -> list[Event]:
    return list(Event.objects.filter(jurisdiction=world.jurisdictions[jurisdiction]).order_by("seq"))


@pytest.fixture
def history(world):
    """A few real actions: two cases in 甲镇 (one chain), one in 乙镇 (another chain)."""
    first = register(world).case
    second = register(world, request="请求补发土地确权证书", facts_reasons="确权证书登记错误，申请更正未获答复。").case
    case_accept(world.users["handler_a"], case_id=first.pk, note="属于本单位职责")
    case_record_step(world.users["handler_a"], case_id=first.pk, kind="contact", note="电话联系信访人，约定现场查看")
    case_accept(world.users["handler_a"], case_id=second.pk)
    register(world, by="clerk_b", unit="town_b_office")
    return world


def drop_documents_of(event) -> None:
    """A forger who deletes an act's event must delete the notice it issued too (it refers to the event)."""
    from casework.documents.models import IssuedDocument

    sql(f"DELETE FROM {IssuedDocument._meta.db_table} WHERE event_id = %s", [event.pk])


# -- an intact record --------------------------------------------------------------


def test_untouched_chains_verify(history):
    # given: six real actions in two jurisdictions
    events = chain_events(history)
    # then: one chain per jurisdiction, seq 1..n, each linking to the one before
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.verb for e in events] == ["register", "register", "accept", "record_step", "accept"]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    chain = EventChain.objects.get(jurisdiction=history.jurisdictions["town_a"])
    assert (chain.length, chain.head_hash) == (5, events[-1].hash)
    # when
    out = verify_ok()
    # then: it exits normally and says so
    assert "verified" in out
    assert "6 events" in out


def test_empty_record_verifies(db):
    # given: no event at all
    # when / then
    assert "verified: 0 events" in verify_ok()


# -- PostgreSQL: the database itself refuses (migration audit 0002) ----------------


@pytest.mark.postgres
def test_postgres_refuses_update_of_an_event(history, postgres_only):
    # given
    event = chain_events(history)[1]
    # when: a raw UPDATE, then an ORM update
    with pytest.raises(ProgrammingError, match="append-only") as raw, transaction.atomic():
        sql(f"UPDATE {TABLE} SET verb = 'forged' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(data={"note": "forged"})
    # then: refused with SQLSTATE 42501 (insufficient_privilege, which Django raises as
    # ProgrammingError), the row unchanged, the chain intact
    assert getattr(raw.value.__cause__, "sqlstate", None) == "42501"
    event.refresh_from_db()
    assert event.verb == "register"
    assert "verified" in verify_ok()


@pytest.mark.postgres
def test_postgres_refuses_delete_of_an_event(history, postgres_only):
    # given
    events = chain_events(history)
    # when: a raw DELETE, then an ORM delete of the last event
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=events[-1].pk).delete()
    # then
    assert len(chain_events(history)) == len(events)
    assert "verified" in verify_ok()


@pytest.mark.postgres
def test_postgres_trigger_is_back_after_tampering(history, postgres_only):
    # given: the trigger was switched off and on again by ``tampering``
    with tampering():
        pass
    # when / then: it refuses again
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"DELETE FROM {TABLE}")


# -- tampering: the chain verifier names the first bad event (both databases) ------


def test_edited_data_is_caught(history):
    # given: an event's data rewritten in place
    events = chain_events(history)
    target = events[3]  # the record_step
    forged = dict(target.data, note="未联系信访人")
    with tampering():
        assert sql(f"UPDATE {TABLE} SET data = %s WHERE id = %s", [json.dumps(forged, ensure_ascii=False), target.pk]) == 1
    # when
    err = verify_broken()
    # then: that very event is named as edited
    line = first_fault(err)
    assert f"event #{target.pk} " in line
    assert "seq 4" in line
    assert "edited" in line


def test_edited_verb_of_the_first_event_is_caught(history):
    # given: the very first event of the chain altered (a one-column change)
    target = chain_events(history)[0]
    with tampering():
        sql(f"UPDATE {TABLE} SET verb = %s WHERE id = %s", ["withdraw", target.pk])
    # when / then
    assert f"event #{target.pk} " in first_fault(verify_broken())


def test_deleted_middle_event_is_caught(history):
    # given: event seq 3 deleted
    events = chain_events(history)
    with tampering():
        drop_documents_of(events[2])
        assert sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk]) == 1
    # when
    line = first_fault(verify_broken())
    # then: the verifier stops at the event after the gap, which now sits where seq 3 should be
    assert f"event #{events[3].pk} " in line
    assert "expected seq 3" in line
    assert "missing" in line


def test_deleted_middle_event_with_seqs_renumbered_is_caught(history):
    # given: a careful forger deletes seq 3 and renumbers the rest so that the seqs run 1..n-1
    events = chain_events(history)
    with tampering():
        drop_documents_of(events[2])
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
        for e in events[3:]:
            sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [e.seq - 1, e.pk])
    # when
    line = first_fault(verify_broken())
    # then: the event moved into the gap does not link to its new predecessor
    assert f"event #{events[3].pk} " in line
    assert "does not link" in line


def test_deleted_last_event_is_caught(history):
    # given: the newest event of the chain deleted; every remaining link is sound
    events = chain_events(history)
    with tampering():
        drop_documents_of(events[-1])
        assert sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk]) == 1
    # when
    line = first_fault(verify_broken())
    # then: the chain head (EventChain) still records 5 events; the fault names the last event left
    assert f"event #{events[-2].pk} " in line
    assert "5 events but 4 were found" in line


def test_swapped_seq_is_caught(history):
    # given: two neighbouring events swapped in the order (seq 2 <-> seq 3), via a spare seq
    # because (jurisdiction, seq) is unique
    events = chain_events(history)
    a, b = events[1], events[2]
    with tampering():
        sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [1_000_000, a.pk])
        sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [a.seq, b.pk])
        sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    # when
    line = first_fault(verify_broken())
    # then: b, now second, does not link to the first event
    assert f"event #{b.pk} " in line
    assert "seq 2" in line
    assert "does not link" in line


def test_changed_time_is_caught(history):
    # given: the recorded time of an event moved back by one second (e.g. to fake timeliness)
    target = chain_events(history)[2]
    with tampering():
        # The ORM update adapts the datetime correctly for either database.
        assert Event.objects.filter(pk=target.pk).update(at=target.at - dt.timedelta(seconds=1)) == 1
    # when
    line = first_fault(verify_broken())
    # then
    assert f"event #{target.pk} " in line
    assert "edited" in line


def test_changed_effective_date_is_caught(history):
    # given: the day an action took effect moved (this is what the clocks count from)
    target = chain_events(history)[2]
    with tampering():
        Event.objects.filter(pk=target.pk).update(effective_on=target.effective_on - dt.timedelta(days=10))
    # when / then
    assert f"event #{target.pk} " in first_fault(verify_broken())


def test_a_broken_chain_does_not_hide_the_other(history):
    # given: an event edited in each of the two jurisdictions' chains
    a_event = chain_events(history, "town_a")[1]
    b_event = chain_events(history, "town_b")[0]
    with tampering():
        sql(f"UPDATE {TABLE} SET verb = %s WHERE id IN (%s, %s)", ["forged", a_event.pk, b_event.pk])
    # when
    err = verify_broken()
    # then: each chain reports its own first bad event
    assert f"event #{a_event.pk} " in err
    assert f"event #{b_event.pk} " in err
    assert len(err.strip().splitlines()) == 2


def test_forged_event_appended_without_the_chain_head_is_caught(history):
    # given: a row inserted at the end with a correct-looking seq and link, but the head not moved
    last = chain_events(history)[-1]
    Event.objects.create(
        jurisdiction_id=last.jurisdiction_id, seq=last.seq + 1, case_id=last.case_id, verb="reply",
        actor_id=last.actor_id, actor_kind=last.actor_kind, at=last.at, effective_on=last.effective_on,
        before={}, after={}, data={}, prev_hash=last.hash, hash="f" * 64,
    )
    # when
    line = first_fault(verify_broken())
    # then: its hash does not match its content
    assert "edited" in line


# -- no personal data in events (DESIGN.md "Events"; the retention job relies on it) -


def test_events_hold_no_personal_data(world):
    # given: a case with a distinctive complainant, accepted and worked on
    person = PersonData(name="欧阳明月", address="甲镇杏花村十一组88号", phone="13912345678")
    case = register(world, complainants=[person]).case
    case_accept(world.users["handler_a"], case_id=case.pk)
    case_record_step(world.users["handler_a"], case_id=case.pk, kind="investigation", note="到现场查看村道")
    # when: every column of every event row, as stored
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM {TABLE}")
        rows = c.fetchall()
    stored = json.dumps([[str(v) for v in row] for row in rows], ensure_ascii=False)
    # then: the events refer to the person by id, never by name, address or phone
    assert len(rows) == 3
    for value in (person.name, person.address, person.phone, "杏花村"):
        assert value not in stored
    register_event = Event.objects.get(case=case, verb="register")
    assert register_event.data["parties"] == [p.person_id for p in case.parties.all()]
