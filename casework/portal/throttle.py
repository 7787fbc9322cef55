"""Wrong access codes are rate-limited per client: after too many, nobody learns anything for a while."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from .models import LookupAttempt

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES = 10


def client_key(request) -> str:
    ip = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def blocked(request) -> bool:
    since = timezone.now() - WINDOW
    return LookupAttempt.objects.filter(client=client_key(request), at__gte=since).count() >= MAX_FAILURES


def record_failure(request) -> None:
    LookupAttempt.objects.create(client=client_key(request))
    LookupAttempt.objects.filter(at__lt=timezone.now() - 2 * WINDOW).delete()
