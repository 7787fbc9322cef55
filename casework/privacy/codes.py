"""Digests of the citizens' access codes (查询码): keyed and slow, so that a copy of the database guesses nothing.

A digest is ``s1$<log2 N>$<hex>``: scrypt (``hashlib.scrypt``, r=8, p=1) of ``number:CODE``, salted with an HMAC
of the case number under ``CASEWORK_INDEX_KEY`` (the pepper: without it no guess can even be tried), N =
2**``CASEWORK_ACCESS_CODE_WORK`` (each digest carries its own N, so raising it leaves older ones valid).
Digests written before this were HMAC-SHA256 under ``SECRET_KEY``; migration ``cases.0011`` wrapped each in
scrypt the same way (``s0$...``), so every one of them still opens its case and none is left weak.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from . import keys

SCRYPT_R, SCRYPT_P = 8, 1


def _salt(number: str) -> bytes:
    return keys.keyed("access-code-salt", number)


def _scrypt(secret: str, number: str, log_n: int) -> str:
    return hashlib.scrypt(secret.encode(), salt=_salt(number), n=2 ** log_n, r=SCRYPT_R, p=SCRYPT_P,
                          maxmem=256 * 2 ** log_n * SCRYPT_R, dklen=32).hex()


def legacy_hmac(number: str, code: str) -> str:
    """What digests were before: HMAC-SHA256 under SECRET_KEY (kept to check wrapped ones)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{number}:{code.strip().upper()}".encode(),
                    hashlib.sha256).hexdigest()


def code_digest(number: str, code: str) -> str:
    log_n = int(settings.CASEWORK_ACCESS_CODE_WORK)
    return f"s1${log_n}${_scrypt(f'{number}:{code.strip().upper()}', number, log_n)}"


def wrap_legacy(number: str, old_digest: str) -> str:
    """An old HMAC digest made slow and keyed (the migration); ``code_matches`` checks it."""
    log_n = int(settings.CASEWORK_ACCESS_CODE_WORK)
    return f"s0${log_n}${_scrypt(old_digest, number, log_n)}"


def code_matches(number: str, stored: str, code: str) -> bool:
    """Whether ``code`` is the access code of case ``number`` whose digest is ``stored``. Constant work per kind."""
    kind, _, rest = (stored or "").partition("$")
    log_text, _, want = rest.partition("$")
    if kind not in ("s0", "s1") or not log_text.isdigit() or not 10 <= int(log_text) <= 20:
        return False
    secret = f"{number}:{(code or '').strip().upper()}" if kind == "s1" else legacy_hmac(number, code or "")
    return hmac.compare_digest(_scrypt(secret, number, int(log_text)), want)
