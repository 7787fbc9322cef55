"""Free text written with an act, kept out of the event (``EventText``): writing, reading, withholding, checking.

An action marks such a text with ``private(value)`` anywhere in the event's ``data``; ``event_append`` stores the
marked texts as ``EventText`` rows and puts a reference in their place: ``{"text_id": 12, "digest": "…"}``, the
digest an HMAC of the text under the row's own salt. The chain hashes the reference, never the text.

Readers resolve the references of many events at once (``texts_of``) and get the data with the texts in place
(``with_texts``) or, for a person who may not read them, with every text taken out (``without_texts``). Events
written before this existed hold their text inline under the keys in ``INLINE_TEXT_KEYS``; they are read and
withheld the same way (but cannot be anonymised: their text is part of their hash).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

INLINE_TEXT_KEYS = frozenset({"note", "reason", "opinion", "findings", "legal_basis", "comment", "answer",
                              "instruction", "request"})
"""Where events written before ``EventText`` keep free text inline (``request``: inside a reply's outcomes)."""

WITHHELD = None  # what a text becomes for a reader who may not see it


@dataclass(frozen=True)
class Private:
    """A text to be kept out of the event: ``event_append`` stores it and leaves a reference."""

    value: str


def private(value: str | None) -> Private | str:
    """Mark free text for the event's data; an empty text stays an empty string (nothing to keep)."""
    value = (value or "").strip() if isinstance(value, str) else value
    return Private(value) if value else ""


def is_ref(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"text_id", "digest"}


def digest(salt: str, text: str) -> str:
    return hmac.new(bytes.fromhex(salt), text.encode(), hashlib.sha256).hexdigest()


def store_private(data: Any, *, jurisdiction_id: int, case_id: int | None, dispute_id: int | None) -> Any:
    """``data`` with every ``Private`` stored as an ``EventText`` row (one INSERT) and replaced by its reference."""
    from .models import EventText

    found: list[Private] = []
    _walk(data, lambda v: found.append(v) or v, want=Private)
    if not found:
        return data
    rows = [EventText(jurisdiction_id=jurisdiction_id, case_id=case_id, dispute_id=dispute_id, text=p.value,
                      salt=secrets.token_hex(16)) for p in found]
    EventText.objects.bulk_create(rows)
    refs = iter({"text_id": r.pk, "digest": digest(r.salt, r.text)} for r in rows)
    return _walk(data, lambda _v: next(refs), want=Private)


def texts_of(events: Iterable) -> dict[int, str]:
    """The texts the events refer to, by id, in one query (an anonymised one is empty)."""
    from .models import EventText

    ids: set[int] = set()
    for e in events:
        _walk(e.data, lambda v: ids.add(v["text_id"]) or v, want=is_ref)
    if not ids:
        return {}
    return dict(EventText.objects.filter(pk__in=ids).values_list("pk", "text"))


def with_texts(data: Any, texts: dict[int, str]) -> Any:
    """The data with each reference replaced by its text (as written, or empty once anonymised)."""
    return _walk(data, lambda v: texts.get(v["text_id"], ""), want=is_ref)


def without_texts(data: Any) -> Any:
    """The data with every free text taken out: references and the inline texts of older events."""
    data = _walk(data, lambda _v: WITHHELD, want=is_ref)
    return _drop_inline(data)


def _drop_inline(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (WITHHELD if k in INLINE_TEXT_KEYS and isinstance(v, str) and v else _drop_inline(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_inline(v) for v in value]
    return value


def _walk(value: Any, replace, *, want) -> Any:
    """A copy of ``value`` with every part that ``want`` matches (a type, or a predicate) replaced."""
    hit = isinstance(value, want) if isinstance(want, type) else want(value)
    if hit:
        return replace(value)
    if isinstance(value, dict):
        return {k: _walk(v, replace, want=want) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, replace, want=want) for v in value]
    return value


def texts_altered(events: Iterable) -> list[int]:
    """Ids of the texts these events refer to whose text no longer matches the digest the event recorded
    (anonymised ones are not checked: their text and salt are gone on purpose)."""
    from .models import EventText

    recorded: dict[int, str] = {}
    for e in events:
        for part in (e.data, e.before, e.after):  # a changed field's free text is kept out the same way
            _walk(part, lambda v: recorded.__setitem__(v["text_id"], v["digest"]) or v, want=is_ref)
    altered = []
    rows = EventText.objects.filter(pk__in=list(recorded)).values_list("pk", "text", "salt", "anonymised_at")
    seen = set()
    for pk, text, salt, anonymised_at in rows.iterator(chunk_size=2000):
        seen.add(pk)
        if anonymised_at is None and not hmac.compare_digest(digest(salt, text), recorded[pk]):
            altered.append(pk)
    altered += [pk for pk in recorded if pk not in seen]  # a text deleted outright
    return sorted(altered)


def readable(event) -> dict:
    """One event's data with its texts in place (one query when it refers to any)."""
    return with_texts(event.data, texts_of([event]))


def readable_all(events: Iterable) -> dict[int, dict]:
    """Each event's data with its texts in place, by event id (one query for all of them)."""
    events = list(events)
    texts = texts_of(events)
    return {e.pk: with_texts(e.data, texts) for e in events}
