"""Retries with the same ``Idempotency-Key`` return the first answer and create nothing new.

The answer is kept encrypted (it holds a new case's access code and the complainant's details) and only for
``CASEWORK_IDEMPOTENCY_TTL`` seconds: a retry after that is told so (409), and the daily job deletes the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.http.request import RawPostDataException
from ninja import Status

from casework.cases.errors import CaseworkError, Conflict
from casework.privacy import keys
from casework.rows import insert_row

from .models import IdempotencyRecord

MAX_KEY_LENGTH = 200


class IdempotencyMismatch(CaseworkError):
    status = 422

    def __init__(self) -> None:
        super().__init__("idempotency_key_reused", "该 Idempotency-Key 已用于另一个不同的请求")


def _body(request) -> bytes:
    try:
        return request.body
    except RawPostDataException:  # a multipart form already streamed: its fields and files stand for it
        files = sorted((field, f.name, _sha256(f)) for field, fs in request.FILES.lists() for f in fs)
        return urlencode(sorted(request.POST.lists()) + [("__files__", repr(files))], doseq=True).encode()


def _sha256(f) -> str:
    digest = hashlib.sha256()
    for chunk in f.chunks():
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


class _KeyTaken(Exception):
    """Another request with this key committed first: undo what this one did."""


def idempotent(request, run: Callable[[], tuple[int, Any]]) -> Status:
    """Run ``run`` (returning status and a JSON-able body) at most once per key and user.

    The action runs first and its answer is recorded last, in the same transaction, with one
    ``INSERT ... ON CONFLICT DO NOTHING``: where a record for the key already exists (or is being
    committed: the unique index makes the insert wait for that transaction) nothing of this
    request is kept and the first answer is the answer. A refused action leaves no record,
    unless the key already had one: then that first answer is given (a retried recusal no longer
    sees its case, a retried forward finds the case forwarded).
    """
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return Status(*run())
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise CaseworkError("invalid", f"Idempotency-Key 应为 1 至 {MAX_KEY_LENGTH} 个字符，不含 NUL", "Idempotency-Key")
    digest = hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), _body(request))).hexdigest()
    try:
        with transaction.atomic():
            status, body = run()
            if _record(request.auth, key, digest, status, body):
                return Status(status, body)
            raise _KeyTaken()
    except (_KeyTaken, CaseworkError) as e:
        record = IdempotencyRecord.objects.filter(user=request.auth, key=key).first()
        if record is None:
            if isinstance(e, _KeyTaken):  # seen taken, then gone: nothing of this request was kept
                raise Conflict("该 Idempotency-Key 的请求状态已变化，请重试", "idempotency_retry") from None
            raise
    if record.request_digest != digest:
        raise IdempotencyMismatch() from None
    body = answer_of(record)
    if body is _EXPIRED:
        raise IdempotencyExpired() from None
    return Status(record.status, None if record.status == 204 else body)


class IdempotencyExpired(CaseworkError):
    status = 409

    def __init__(self) -> None:
        super().__init__("idempotency_key_expired",
                         f"该 Idempotency-Key 的首次应答已超过保存期限（{settings.CASEWORK_IDEMPOTENCY_TTL} 秒），"
                         "不再重放；请查询案件列表确认首次请求的结果")


_EXPIRED = object()


def answer_of(record: IdempotencyRecord):
    """The first answer, decrypted; ``_EXPIRED`` once it is older than ``CASEWORK_IDEMPOTENCY_TTL``."""
    raw = keys.unseal(record.answer, ttl=settings.CASEWORK_IDEMPOTENCY_TTL)
    return _EXPIRED if raw is None else json.loads(raw)


def idempotency_purge() -> int:
    """Delete the records whose answers can no longer be replayed (the daily job); how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.CASEWORK_IDEMPOTENCY_TTL)
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]


def _record(user, key: str, digest: str, status: int, body) -> bool:
    """Insert the key's record with the answer; False if the key is taken.

    One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite 3.35+): no
    savepoint around an insert that may fail. A concurrent request holding the same key
    makes it wait until that transaction ends.
    """
    answer = keys.seal(json.dumps({} if body is None else body, cls=DjangoJSONEncoder).encode())
    record = IdempotencyRecord(user_id=user.pk, key=key, request_digest=digest, status=status,
                               answer=answer)  # created_at: auto_now_add
    return insert_row(record, ignore_conflict_on=("user", "key"))
