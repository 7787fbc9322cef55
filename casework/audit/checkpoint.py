"""Checkpoints: each chain's length and newest hash at a moment, in a file MACed under the chain key.

A chain cut short (its newest events deleted and its head moved back) or emptied (the table
truncated) still verifies on its own; compared with a checkpoint kept off the database's host, it
does not: the checkpoint's event is gone, or is another one. ``manage.py chain_checkpoint FILE``
writes one, ``run_deadlines`` one a day (``checkpoint_daily``), ``verify_events --checkpoint FILE``
compares.

The file (JSON): ``{"format": "casework-chain-checkpoint", "version": 1, "written_at": ISO time,
"key_id": ..., "chains": [{"jurisdiction": id, "length": n, "head": sha256}, ...], "mac": ...}``; the
MAC covers everything but itself, in canonical JSON.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone

from .chain import ChainFault
from .keys import key_by_id, signing_key
from .models import Event, EventChain

FORMAT = "casework-chain-checkpoint"
VERSION = 1
DAILY_PATTERN = "chains-*.json"
_BATCH = 500


class CheckpointError(Exception):
    """A checkpoint that cannot be read or trusted; the message is one line saying why."""


@dataclass(frozen=True)
class Checkpoint:
    written_at: dt.datetime
    chains: dict[int, tuple[int, str]]  # jurisdiction id -> (length, head hash)
    key_id: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return f"the checkpoint of {timezone.localtime(self.written_at):%Y-%m-%d %H:%M}"


def checkpoint_take() -> Checkpoint:
    """The chains' heads as the database holds them now (one query)."""
    chains = {c.pk: (c.length, c.head_hash) for c in EventChain.objects.filter(length__gt=0)}
    return Checkpoint(timezone.now(), chains)


def checkpoint_write(checkpoint: Checkpoint, path: Path) -> Path:
    """Write the checkpoint MACed under the signing key; atomically (a reader never sees half a file)."""
    key = signing_key()
    body = _body(checkpoint.written_at, key.id, checkpoint.chains)
    document = {**body, "mac": key.mac("checkpoint", _canonical(body))}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def checkpoint_read(path: Path) -> Checkpoint:
    """Read and authenticate a checkpoint file, or a directory's newest daily one."""
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob(DAILY_PATTERN))
        if not found:
            raise CheckpointError(f"no checkpoint ({DAILY_PATTERN}) in {path}")
        path = found[-1]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(f"checkpoint {path}: not a checkpoint file ({type(e).__name__})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        raise CheckpointError(f"checkpoint {path}: not a {FORMAT} version {VERSION} file")
    try:
        written_at = dt.datetime.fromisoformat(document["written_at"])
        key_id, mac = str(document["key_id"]), str(document["mac"])
        chains = {int(c["jurisdiction"]): (int(c["length"]), str(c["head"])) for c in document["chains"]}
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f"checkpoint {path}: a field is missing or malformed") from None
    key = key_by_id(key_id)
    if key is None:
        raise CheckpointError(f"checkpoint {path}: made under key '{key_id}', which CASEWORK_CHAIN_KEY does not hold")
    if not hmac.compare_digest(key.mac("checkpoint", _canonical(_body(written_at, key_id, chains))), mac):
        raise CheckpointError(f"checkpoint {path}: its MAC does not match (the file was altered)")
    return Checkpoint(written_at, chains, key_id, path)


def checkpoint_faults(checkpoint: Checkpoint) -> list[ChainFault]:
    """Each chain that no longer holds the event the checkpoint recorded as its newest: cut short,
    emptied, or rewritten from that event back. Point look-ups, one query per few hundred chains."""
    wanted = sorted((j, n) for j, (n, _) in checkpoint.chains.items() if n > 0)
    found: dict[tuple[int, int], tuple[int, str]] = {}
    for start in range(0, len(wanted), _BATCH):
        q = Q()
        for j, n in wanted[start:start + _BATCH]:
            q |= Q(jurisdiction_id=j, seq=n)
        for pk, j, n, digest in Event.objects.filter(q).values_list("pk", "jurisdiction_id", "seq", "hash"):
            found[(j, n)] = (pk, digest)
    faults = []
    missing = [j for j, n in wanted if (j, n) not in found]
    counts = dict(Event.objects.filter(jurisdiction_id__in=missing).values_list("jurisdiction_id")
                  .annotate(n=Count("pk")).values_list("jurisdiction_id", "n")) if missing else {}
    for j, n in wanted:
        if (j, n) not in found:
            faults.append(ChainFault(j, None, None, f"{checkpoint.label} records {n} events but {counts.get(j, 0)} "
                                     "are left (events deleted or the table truncated)"))
        elif found[(j, n)][1] != checkpoint.chains[j][1]:
            faults.append(ChainFault(j, found[(j, n)][0], n, f"not the event {checkpoint.label} recorded: "
                                     "the history up to it was rewritten"))
    return faults


def checkpoint_daily(directory: Path, today: dt.date | None = None) -> tuple[Path, list[ChainFault]]:
    """The daily job's step: compare the chains with the newest checkpoint in ``directory``, then write
    today's. A chain found cut short or rewritten keeps the previous checkpoint's entry, so the alarm
    is raised again every day until someone looks, rather than the damage becoming the new normal."""
    directory = Path(directory)
    previous = checkpoint_read(directory) if any(directory.glob(DAILY_PATTERN)) else None
    now = checkpoint_take()
    faults = checkpoint_faults(previous) if previous else []
    chains = dict(now.chains)
    for fault in faults:
        chains[fault.jurisdiction_id] = previous.chains[fault.jurisdiction_id]
    today = today or timezone.localdate()
    path = checkpoint_write(Checkpoint(now.written_at, chains), directory / f"chains-{today.isoformat()}.json")
    return path, faults


def _body(written_at: dt.datetime, key_id: str, chains: dict[int, tuple[int, str]]) -> dict:
    return {
        "format": FORMAT, "version": VERSION, "written_at": written_at.isoformat(), "key_id": key_id,
        "chains": [{"jurisdiction": j, "length": n, "head": h} for j, (n, h) in sorted(chains.items())],
    }


def _canonical(body: dict) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
