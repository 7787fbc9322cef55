"""Appending to, sealing and verifying the event chains.

Each event carries the SHA-256 of its content and of the event before it (``hash``), and an HMAC of
that hash under a key kept outside the database (``mac``, ``key_id``: keys.py). The hashes show an
edit, a deletion or a reordering; the MACs show a chain rewritten with its hashes recomputed, which
only the key's holder could make verify. History written before the key (or under a key since
retired) is brought under the current key by a ``chain_sealed`` event, whose MAC covers everything
before it through its hash (``seal_chains``, and migration audit 0007 for the chains already there).
A truncated or shortened chain verifies on its own: checkpoint.py keeps what the chains held.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from casework.rows import Row, insert_rows

from .keys import ChainKey, key_by_id, signing_key
from .models import ActorKind, Event, EventChain
from .texts import is_ref, store_private, texts_altered

GENESIS = "0" * 64
SEALED = "chain_sealed"  # the verb of the event that brings a chain's history under the current key


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


def event_mac(key: ChainKey, digest: str) -> str:
    """The MAC of an event's hash (which covers its jurisdiction, seq, content and the hash before it)."""
    return key.mac("event", digest)


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
    # free text marked ``texts.private`` goes to its own rows; the event keeps a reference and a keyed digest
    data = store_private(data or {}, jurisdiction_id=jurisdiction_id, case_id=case_id, dispute_id=dispute_id)
    before = store_private(before or {}, jurisdiction_id=jurisdiction_id, case_id=case_id, dispute_id=dispute_id)
    after = store_private(after or {}, jurisdiction_id=jurisdiction_id, case_id=case_id, dispute_id=dispute_id)
    before, after, data = _jsonable(before or {}), _jsonable(after or {}), _jsonable(data)
    seq = length + 1
    prev = head_hash or GENESIS
    at = timezone.now()
    digest = event_hash(
        jurisdiction_id=jurisdiction_id, seq=seq, case_id=case_id, verb=verb, actor_id=actor_id,
        actor_kind=actor_kind, at=at, effective_on=effective_on, before=before, after=after, data=data,
        prev_hash=prev, dispute_id=dispute_id,
    )
    key = signing_key()  # the MAC is a column of the same row: no statement more
    event = Event(
        jurisdiction_id=jurisdiction_id, seq=seq, case_id=case_id, dispute_id=dispute_id, verb=verb, actor_id=actor_id,
        actor_kind=actor_kind, at=at, effective_on=effective_on, before=before, after=after, data=data,
        prev_hash=prev, hash=digest, mac=event_mac(key, digest), key_id=key.id,
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


# -- sealing: history from before the key, or under a retired key, brought under the current key --


def seal_fields(*, jurisdiction_id: int, length: int, head_hash: str, key: ChainKey, reason: str,
                at: dt.datetime | None = None) -> dict:
    """The columns of the ``chain_sealed`` event that follows a chain's newest event: its hash links to
    that event, so its MAC covers the whole history before it. Plain values, for the migration that
    seals the chains already there (its historical models) as much as for ``chain_seal``."""
    at = at or timezone.now()
    seq, prev = length + 1, head_hash or GENESIS
    on = timezone.localdate(at)
    data = {"sealed_seq": length, "reason": reason}
    digest = event_hash(jurisdiction_id=jurisdiction_id, seq=seq, case_id=None, verb=SEALED, actor_id=None,
                        actor_kind=ActorKind.SYSTEM, at=at, effective_on=on, before={}, after={}, data=data,
                        prev_hash=prev)
    return dict(jurisdiction_id=jurisdiction_id, seq=seq, case_id=None, dispute_id=None, verb=SEALED, actor_id=None,
                actor_kind=ActorKind.SYSTEM, at=at, effective_on=on, before={}, after={}, data=data, prev_hash=prev,
                hash=digest, mac=event_mac(key, digest), key_id=key.id)


def chain_seal(jurisdiction_id: int, *, reason: str) -> Event | None:
    """Seal one chain under the signing key, unless its newest event is already MACed under it.

    One transaction: the head row locked, the event appended, the head moved, as ``event_append`` does.
    """
    key = signing_key()
    with transaction.atomic():
        connection = transaction.get_connection()
        head = _lock_head(connection, jurisdiction_id)
        if head is None or not head[0]:
            return None
        newest = Event.objects.filter(jurisdiction_id=jurisdiction_id, seq=head[0]).values_list("key_id", "mac").first()
        if newest is not None and newest[0] == key.id and newest[1]:
            return None
        event = Event(**seal_fields(jurisdiction_id=jurisdiction_id, length=head[0], head_hash=head[1], key=key,
                                    reason=reason))
        event.save(force_insert=True)
        EventChain.objects.filter(jurisdiction_id=jurisdiction_id).update(length=event.seq, head_hash=event.hash)
        return event


# -- verification ------------------------------------------------------------------------------


class FaultKind:
    BROKEN = "broken"  # edited, deleted, inserted, reordered, rewritten: never sealed over
    UNKEYED = "unkeyed"  # history from before the key: seal_chains brings it under the key
    UNKNOWN_KEY = "unknown_key"  # MACed under a key no longer configured: seal under the new key first


@dataclass(frozen=True)
class ChainFault:
    jurisdiction_id: int
    event_id: int | None
    seq: int | None
    problem: str
    kind: str = FaultKind.BROKEN

    def __str__(self) -> str:
        where = f"event #{self.event_id} (jurisdiction {self.jurisdiction_id}, seq {self.seq})" if self.event_id else f"chain of jurisdiction {self.jurisdiction_id}"
        return f"{where}: {self.problem}"


def verify_chains(progress=None, *, also: Iterable[int] = ()) -> Iterator[ChainFault]:
    """Yield the first fault of each broken chain. ``progress(n)`` is called per event read.

    ``also``: jurisdictions to look at even when they have neither events nor a head (a checkpoint's).
    """
    chains = {c.pk: c for c in EventChain.objects.all()}
    jids = set(chains) | set(Event.objects.values_list("jurisdiction_id", flat=True).distinct()) | set(also)
    for jid in sorted(jids):
        fault = _verify_one(jid, chains.get(jid), progress)
        if fault:
            yield fault


def _texts_fault(jid: int, events: list[Event]) -> ChainFault | None:
    """The first event whose free text (``EventText``, outside the event) no longer matches the digest the event
    holds: the text was edited or deleted behind the event's back."""
    altered = set(texts_altered(events))
    if not altered:
        return None
    for e in events:
        refs: list[int] = []
        _collect_refs(e.data, refs)
        hit = sorted(altered.intersection(refs))
        if hit:
            return ChainFault(jid, e.pk, e.seq, f"its text {hit[0]} does not match the digest it recorded (edited)")
    return None


def _collect_refs(value, into: list[int]) -> None:
    if is_ref(value):
        into.append(value["text_id"])
    elif isinstance(value, dict):
        for v in value.values():
            _collect_refs(v, into)
    elif isinstance(value, list):
        for v in value:
            _collect_refs(v, into)


def _verify_one(jid: int, chain: EventChain | None, progress) -> ChainFault | None:
    prev, expected_seq = GENESIS, 1
    last = None
    keyed = False  # an event with a MAC was seen: every later one must have one
    unknown_key: ChainFault | None = None  # waits for a later seal under a known key to cover it
    rows = Event.objects.filter(jurisdiction_id=jid).order_by("seq").iterator(chunk_size=2000)
    batch: list[Event] = []  # events whose texts are checked against their digests, a chunk at a time
    for e in rows:
        if progress:
            progress(1)
        batch.append(e)
        if len(batch) >= 2000:
            fault, batch = _texts_fault(jid, batch), []
            if fault:
                return fault
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
        if e.mac:
            key = key_by_id(e.key_id)
            if key is None:
                unknown_key = unknown_key or ChainFault(
                    jid, e.pk, e.seq, f"MACed under key '{e.key_id}', which CASEWORK_CHAIN_KEY no longer holds "
                    "(seal the chains under the new key before retiring the old one)", FaultKind.UNKNOWN_KEY)
            elif not hmac.compare_digest(event_mac(key, e.hash), e.mac):
                return ChainFault(jid, e.pk, e.seq, "MAC does not match: rewritten, its hashes recomputed without the key")
            elif e.verb == SEALED:
                unknown_key = None  # the seal's MAC covers every hash before it
            keyed = True
        elif keyed:
            return ChainFault(jid, e.pk, e.seq, "has no MAC although the chain was keyed before it: "
                              "written or rewritten without the key")
        prev, expected_seq, last = e.hash, expected_seq + 1, e
    fault = _texts_fault(jid, batch)
    if fault:
        return fault
    if unknown_key is not None:
        return unknown_key
    if chain is None:
        if last is None:
            return None
        return ChainFault(jid, last.pk, last.seq, "events exist without a chain head")
    if chain.length != expected_seq - 1 or (chain.head_hash or GENESIS) != prev:
        return ChainFault(
            jid, last.pk if last else None, last.seq if last else None,
            f"chain head records {chain.length} events but {expected_seq - 1} were found (events deleted at the end)",
        )
    if last is not None and not last.mac:
        return ChainFault(jid, last.pk, last.seq, "the chain is not under the key: its newest event has no MAC "
                          "(manage.py seal_chains)", FaultKind.UNKEYED)
    return None
