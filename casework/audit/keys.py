"""The keys of the event chains: a secret kept outside the database.

Anyone who can write the database can recompute every hash of a chain; what they cannot make is an
HMAC under a key they do not have. Each event carries the MAC of its hash and the id of the key that
made it, so keys can be rotated: ``CASEWORK_CHAIN_KEY`` is ``id:secret[,id:secret...]``, the first
signs, the others only verify (docs/security.md). The entry ``secret-key`` stands for the key derived
from ``SECRET_KEY``: kept among the verifying keys while the chains written under it are sealed under
a configured one (``seal_chains``).

Without ``CASEWORK_CHAIN_KEY`` the key is derived from ``SECRET_KEY`` (and each of
``SECRET_KEY_FALLBACKS`` gives a verifying key, so that a rotation of the secret key done the Django
way keeps old MACs checkable); ``check --deploy`` warns about that set-up.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
MIN_SECRET_LENGTH = 32
_DERIVATION = b"casework event chain key"
DERIVED = "secret-key"


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # never the secret, in a traceback or a log
        return f"ChainKey({self.id!r})"

    def mac(self, purpose: str, message: str) -> str:
        """HMAC-SHA256 of ``message``; ``purpose`` keeps a MAC made for one use from passing for another."""
        return hmac.new(self.secret, f"casework-{purpose}/1:{message}".encode(), hashlib.sha256).hexdigest()


def chain_keys() -> tuple[ChainKey, ...]:
    """The configured keys, the signing key first."""
    return _keys(tuple(getattr(settings, "CASEWORK_CHAIN_KEYS", ()) or ()), settings.SECRET_KEY,
                 tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ()))


def signing_key() -> ChainKey:
    return chain_keys()[0]


def key_by_id(key_id: str) -> ChainKey | None:
    for key in chain_keys():
        if key.id == key_id:
            return key
    return None


def keys_derived_from_secret_key() -> bool:
    return not getattr(settings, "CASEWORK_CHAIN_KEYS", None)


@lru_cache(maxsize=8)
def _keys(configured: tuple[str, ...], secret_key: str, fallbacks: tuple[str, ...]) -> tuple[ChainKey, ...]:
    if not configured:
        return tuple(_derived(s) for s in (secret_key, *fallbacks) if s)
    keys = []
    for entry in configured:
        if entry.strip() == DERIVED:
            keys += [k for k in _keys((), secret_key, fallbacks) if all(k.id != o.id for o in keys)]
            continue
        key_id, sep, secret = entry.strip().partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "CASEWORK_CHAIN_KEY: each key is id:secret, the id 1-20 letters, digits, '.', '_' or '-'")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"CASEWORK_CHAIN_KEY: the secret of key '{key_id}' has fewer than {MIN_SECRET_LENGTH} characters")
        if any(k.id == key_id for k in keys):
            raise ImproperlyConfigured(f"CASEWORK_CHAIN_KEY: key id '{key_id}' appears twice")
        keys.append(ChainKey(key_id, secret.encode()))
    return tuple(keys)


def _derived(secret_key: str) -> ChainKey:
    secret = hmac.new(secret_key.encode(), _DERIVATION, hashlib.sha256).digest()
    return ChainKey("sk-" + hashlib.sha256(secret).hexdigest()[:8], secret)
