"""A notice's fields as stored JSON, and back: what ``IssuedDocument.content`` holds.

The addressee (a person's name) is not stored with the document: it is read from
the case's parties when the document is printed, so personal data stays where the
retention job anonymises it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from functools import lru_cache

from . import notices as n

TYPES = {cls.__name__: cls for cls in (
    n.ReceiptNotice, n.ForwardingNotice, n.RedirectNotice, n.RepeatRefusalNotice, n.ExtensionNotice, n.HandlingOpinion, n.ReviewOpinion,
    n.RereviewOpinion, n.ReviewRequestReceipt, n.SupervisionNotice, n.MediationAgreement,
)}
PERSONAL = ("addressee", "group")


def to_content(notice) -> dict:
    """The notice's fields as JSON-ready values, without the addressee; ``number`` and ``date`` included."""
    if type(notice).__name__ not in TYPES:
        raise TypeError(f"not a notice: {type(notice).__name__}")
    out = {"type": type(notice).__name__}
    for f in dataclasses.fields(notice):
        if f.name in PERSONAL:
            continue
        out[f.name] = _plain(getattr(notice, f.name))
    return out


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def from_content(content: dict, **fields):
    """The notice again (a frozen dataclass, sequences as tuples); ``fields`` replace stored ones."""
    cls = TYPES[content["type"]]
    hints = _hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in content:
            continue
        values[f.name] = _typed(content[f.name], hints.get(f.name))
    values.update(fields)
    return cls(**values)


def _typed(value, hint):
    if value is None:
        return None
    args = typing.get_args(hint)
    if hint is dt.date or dt.date in args:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(value, list):
        inner = args[0] if args else None
        if inner is n.MediationParty:
            return tuple(n.MediationParty(**v) for v in value)
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value
