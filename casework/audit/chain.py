"""Appending to and verifying the event chains."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Iterator

from django.db import transaction
from django.utils import timezone

from casework.rows import Row, insert_rows

from .models import Event, EventChain

GENESIS = "0" * 64


def _canonical_at(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *, jurisdiction_id: int, seq: int, case_id: int | None, verb: str, actor_id: int | None, actor_kind: str,
    at: dt.datetime, effective_on: dt.date, before: dict, after: dict, data: dict, prev_hash: str,
    dispute_id: int | None = None,
) -> str:
    body = {
        "j": jurisdiction_id, "seq": seq, "case": case_id, "verb": verb, "actor": actor_id, "kind": actor_kind,
        "at": _canonical_at(at), "on": effective_on.isoformat(), "before": before, "after": after,
        "data": data, "prev": prev_hash,
    }
    if dispute_id is not None:
        body["dispute"] = dispute_id
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def event_append(
    *, jurisdiction_id: int, case_id: int | None, verb: str, actor_id: int | None, actor_kind: str,
    effective_on: dt.date, before: dict | None = None, after: dict | None = None, data: dict | None = None,
    dispute_id: int | None = None, head: tuple[int, str] | None = None,
) -> Event:
    """Append one event to its jurisdiction's chain. Must run inside the caller's transaction.

    ``head``: the chain's (length, head hash) as the caller's own statement read and locked it in
    this transaction (``head_query``), one round trip fewer; otherwise it is read and locked here.
    """
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "events are written inside the action's transaction"
    if head is None:
        head = _lock_head(connection, jurisdiction_id)  # the chain's row stays locked until the caller commits
    if head is None:  # a jurisdiction's first append
        EventChain.objects.get_or_create(jurisdiction_id=jurisdiction_id)  # a concurrent first append waits here
        head = _lock_head(connection, jurisdiction_id)
    length, head_hash = head
    before, after, data = _jsonable(before or {}), _jsonable(after or {}), _jsonable(data or {})
    seq = length + 1
    prev = head_hash or GENESIS
    at = timezone.now()
    digest = event_hash(
        jurisdiction_id=jurisdiction_id, seq=seq, case_id=case_id, verb=verb, actor_id=actor_id,
        actor_kind=actor_kind, at=at, effective_on=effective_on, before=before, after=after, data=data,
        prev_hash=prev, dispute_id=dispute_id,
    )
    event = Event(
        jurisdiction_id=jurisdiction_id, seq=seq, case_id=case_id, dispute_id=dispute_id, verb=verb, actor_id=actor_id,
        actor_kind=actor_kind, at=at, effective_on=effective_on, before=before, after=after, data=data,
        prev_hash=prev, hash=digest,
    )
    qn = connection.ops.quote_name
    advance = (f"UPDATE {qn(EventChain._meta.db_table)} SET {qn('length')} = %s, {qn('head_hash')} = %s "
               f"WHERE {qn('jurisdiction_id')} = %s")
    insert_rows([Row(event)], also=(advance, [seq, digest, jurisdiction_id]))  # PostgreSQL: one statement
    return event


def _lock_head(connection, jurisdiction_id: int) -> tuple[int, str] | None:
    """(length, head hash) of the chain, its row locked (SQLite: the write transaction already is the lock).

    Plain SQL: the ORM spent longer building this one-row SELECT than the database running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(*head_query(connection, jurisdiction_id))
        return cursor.fetchone()


def head_query(connection, jurisdiction_id: int) -> tuple[str, list]:
    """The SELECT that reads a chain's (length, head hash) and locks its row until commit: for a caller
    that reads it within a statement of its own and hands it to ``event_append(head=...)``."""
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (f"SELECT {qn('length')}, {qn('head_hash')} FROM {qn(EventChain._meta.db_table)} "
            f"WHERE {qn('jurisdiction_id')} = %s{lock}", [jurisdiction_id])


def _jsonable(value):
    """Dates and enums as strings, so the stored JSON hashes the same when read back."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def _default(o):
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "pk"):
        return o.pk
    return str(o)


@dataclass(frozen=True)
class ChainFault:
    jurisdiction_id: int
    event_id: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.event_id} (jurisdiction {self.jurisdiction_id}, seq {self.seq})" if self.event_id else f"chain of jurisdiction {self.jurisdiction_id}"
        return f"{where}: {self.problem}"


def verify_chains(progress=None) -> Iterator[ChainFault]:
    """Yield the first fault of each broken chain. ``progress(n)`` is called per event read."""
    chains = {c.pk: c for c in EventChain.objects.all()}
    seen: set[int] = set()
    for jid in sorted(set(chains) | set(Event.objects.values_list("jurisdiction_id", flat=True).distinct())):
        seen.add(jid)
        fault = _verify_one(jid, chains.get(jid), progress)
        if fault:
            yield fault


def _verify_one(jid: int, chain: EventChain | None, progress) -> ChainFault | None:
    prev, expected_seq = GENESIS, 1
    last = None
    rows = Event.objects.filter(jurisdiction_id=jid).order_by("seq").iterator(chunk_size=2000)
    for e in rows:
        if progress:
            progress(1)
        if e.seq != expected_seq:
            return ChainFault(jid, e.pk, e.seq, f"expected seq {expected_seq}: an event is missing or was inserted")
        if e.prev_hash != prev:
            return ChainFault(jid, e.pk, e.seq, "does not link to the event before it (reordered or replaced)")
        digest = event_hash(
            jurisdiction_id=e.jurisdiction_id, seq=e.seq, case_id=e.case_id, verb=e.verb, actor_id=e.actor_id,
            actor_kind=e.actor_kind, at=e.at, effective_on=e.effective_on, before=e.before, after=e.after,
            data=e.data, prev_hash=e.prev_hash, dispute_id=e.dispute_id,
        )
        if digest != e.hash:
            return ChainFault(jid, e.pk, e.seq, "content does not match its hash (edited)")
        prev, expected_seq, last = e.hash, expected_seq + 1, e
    if chain is None:
        return ChainFault(jid, last.pk if last else None, last.seq if last else None, "events exist without a chain head")
    if chain.length != expected_seq - 1 or (chain.head_hash or GENESIS) != prev:
        return ChainFault(
            jid, last.pk if last else None, last.seq if last else None,
            f"chain head records {chain.length} events but {expected_seq - 1} were found (events deleted at the end)",
        )
    return None
