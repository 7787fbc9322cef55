"""Retries with the same ``Idempotency-Key`` return the first answer and create nothing new."""

from __future__ import annotations

import hashlib
from typing import Any, Callable
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from ninja import Status

from casework.cases.errors import CaseworkError

from .models import IdempotencyRecord

MAX_KEY_LENGTH = 200


class IdempotencyMismatch(CaseworkError):
    status = 422

    def __init__(self) -> None:
        super().__init__("idempotency_key_reused", "该 Idempotency-Key 已用于另一个不同的请求")


def _body(request) -> bytes:
    try:
        return request.body
    except RawPostDataException:  # a multipart form already streamed: its fields stand for it
        return urlencode(sorted(request.POST.lists()), doseq=True).encode()


def idempotent(request, run: Callable[[], tuple[int, Any]]) -> Status:
    """Run ``run`` (returning status and a JSON-able body) at most once per key and user."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return Status(*run())
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise CaseworkError("invalid", f"Idempotency-Key 应为 1 至 {MAX_KEY_LENGTH} 个字符", "Idempotency-Key")
    digest = hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), _body(request))).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.auth, key=key, request_digest=digest)
        except IntegrityError:
            # Another request with this key committed first (or is committing: the
            # unique index made us wait for it). Its answer is the answer.
            record = IdempotencyRecord.objects.get(user=request.auth, key=key)
            if record.request_digest != digest:
                raise IdempotencyMismatch() from None
            return Status(record.status, record.response)
        status, body = run()
        record.status, record.response = status, body
        record.save(update_fields=["status", "response"])
        return Status(status, body)
