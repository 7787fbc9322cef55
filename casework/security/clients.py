"""The client's address, the one way: behind N trusted proxies, X-Forwarded-For read from the right.

Each proxy appends the address it was connected from, so with N trusted proxies in front (setting
CASEWORK_TRUSTED_PROXIES) the Nth entry from the right is the address the first trusted proxy saw: the
client. Entries further left were written by the client itself and are never believed. With no trusted
proxy (the default) it is REMOTE_ADDR. A header with fewer entries than the proxies, or an entry that is no
address, falls back to REMOTE_ADDR: all such requests then share one budget, which fails closed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    proxies = settings.CASEWORK_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def axes_client_ip(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the throttles use."""
    return client_ip(request)


def pseudonym(kind: str, value: str) -> str:
    """A keyed digest of an address, a username typed at the login form, a case number: lets the security
    log and the throttles tell the same value again without holding it (no personal data at rest)."""
    key = hashlib.sha256(f"casework-pseudonym:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:16]


def client_pseudonym(request) -> str:
    return pseudonym("client", client_ip(request))
