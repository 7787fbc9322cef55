"""The secrets that keep personal data and access codes unreadable at rest (PIPL Art 51).

- ``CASEWORK_DATA_KEYS``: Fernet keys, newest first. The newest encrypts, every one decrypts
  (``MultiFernet``), so a key is rotated by putting a new one first and running
  ``manage.py reencrypt_personal_data``; the old one can be dropped when that has finished.
- ``CASEWORK_INDEX_KEY``: the HMAC key of the blind indexes (a name or a phone number found by exact
  match without being stored in clear) and the pepper of the access codes' digests. It cannot be
  rotated without making every access code unusable: keep it as long as the data.

``make run`` and the tests get development keys from the settings; production without keys is refused by a
system check (``checks.py``) and by the first use of a key (``ImproperlyConfigured``).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_INDEX_KEY_LENGTH = 32


class UnreadableData(Exception):
    """A stored value that none of the configured keys decrypts (a key dropped too early, or a changed row)."""


def _configured() -> tuple[tuple[str, ...], str]:
    return (tuple(getattr(settings, "CASEWORK_DATA_KEYS", ()) or ()),
            getattr(settings, "CASEWORK_INDEX_KEY", "") or "")


@lru_cache(maxsize=4)
def _ciphers(keys: tuple[str, ...]) -> tuple[MultiFernet, tuple[Fernet, ...]]:
    if not keys:
        raise ImproperlyConfigured(
            "CASEWORK_DATA_KEYS is not set: personal data cannot be encrypted (docs/security.md, 'Personal data')")
    fernets = []
    for i, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"CASEWORK_DATA_KEYS: key {i} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            ) from None
    return MultiFernet(fernets), tuple(fernets)


def validate() -> None:
    """Raise ``ImproperlyConfigured`` when a key is missing or malformed."""
    keys, index_key = _configured()
    _ciphers(keys)
    _index_key(index_key)


def encrypt(value: str) -> str:
    """A Fernet token (text) of ``value`` under the newest key; an empty value stays empty."""
    if not value:
        return ""
    return _ciphers(_configured()[0])[0].encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _ciphers(_configured()[0])[0].decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise UnreadableData("a stored value that no configured key decrypts") from None


def is_current(token: str) -> bool:
    """Whether ``token`` was made with the newest key (nothing for the rotation to do)."""
    if not token:
        return True
    try:
        _ciphers(_configured()[0])[1][0].decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate(token: str) -> str:
    """The token re-encrypted under the newest key (``MultiFernet.rotate``)."""
    if not token:
        return ""
    try:
        return _ciphers(_configured()[0])[0].rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UnreadableData("a stored value that no configured key decrypts") from None


def seal(value: bytes) -> str:
    """Bytes encrypted under the newest data key (idempotency answers, a code kept in a session)."""
    return _ciphers(_configured()[0])[0].encrypt(value).decode("ascii")


def unseal(token: str, *, ttl: int | None = None) -> bytes | None:
    """What ``seal`` encrypted, or None when it is older than ``ttl`` seconds or no key opens it."""
    try:
        return _ciphers(_configured()[0])[0].decrypt(token.encode("ascii"), ttl=ttl)
    except (InvalidToken, UnicodeEncodeError, AttributeError):
        return None


@lru_cache(maxsize=4)
def _index_key(secret: str) -> bytes:
    if len(secret) < MIN_INDEX_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"CASEWORK_INDEX_KEY must be set to a secret of at least {MIN_INDEX_KEY_LENGTH} characters "
            "(docs/security.md, 'Personal data')")
    return secret.encode()


def keyed(purpose: str, message: str) -> bytes:
    """HMAC-SHA256 of ``message`` under the index key; ``purpose`` keeps one use from passing for another."""
    return hmac.new(_index_key(_configured()[1]), f"casework-{purpose}/1:{message}".encode(), hashlib.sha256).digest()


def normal_name(value: str) -> str:
    """A name as compared: NFKC (full-width letters and digits as half-width), no spaces, letters lower-case."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).casefold()


def normal_phone(value: str) -> str:
    """A telephone number as compared: its digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", value or "") if c.isdigit())


def blind_index(purpose: str, value: str) -> str:
    """The keyed digest an exact search compares (hex); empty for an empty value (nothing to find)."""
    normal = normal_phone(value) if purpose == "phone" else normal_name(value)
    if not normal:
        return ""
    return keyed(f"index-{purpose}", normal).hex()
