"""The security log: one structured record per security-relevant event, logger ``casework.security``.

Records are JSON lines (settings.LOGGING, python-json-logger): ``event`` and plain identifiers only
(user and case ids, a token's id, a role) and keyed pseudonyms (clients.pseudonym) for what must be
recognisable but not readable: the client's address, a username typed at the login form, a case number
tried at the portal. Never a password, a code, a token, a session key, a name, an address or any text a
person typed. ``security_event`` refuses any other field name, so a new caller cannot slip one in.

What is logged (docs/security.md "Security log"): login.success, login.failure, login.lockout, logout,
mfa.enrol, mfa.verify, mfa.failure, mfa.recovery_used, password.change, password.reset, account.disabled,
access.denied, identity.view (a complainant's details shown in full), token.use, token.refused, code.failure, code.throttled, submit.throttled, membership.change.
"""

from __future__ import annotations

import logging

from .clients import client_pseudonym, pseudonym

logger = logging.getLogger("casework.security")

FIELDS = frozenset({"user_id", "case_id", "token_id", "device", "reason", "role", "unit_id", "change",
                    "username", "number", "target_user_id", "path_kind"})


def security_event(event: str, request=None, *, warning: bool = False, **fields) -> None:
    """Write one record. ``username`` and ``number`` are pseudonymised here; other values must be ids or
    fixed words."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"not a security log field: {sorted(unknown)}")
    record = {"event": event}
    if request is not None:
        record["client"] = client_pseudonym(request)
        user = getattr(request, "user", None)
        if "user_id" not in fields and user is not None and getattr(user, "is_authenticated", False):
            record["user_id"] = user.pk
    for name, value in fields.items():
        if value is None:
            continue
        if name in ("username", "number"):
            record[name] = pseudonym(name, str(value))
        else:
            record[name] = value
    logger.log(logging.WARNING if warning else logging.INFO, event, extra=record)
