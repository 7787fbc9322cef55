"""Every throttle, over django-ratelimit and the cache "throttle" (settings.CACHES, docs/security.md).

- Access codes (portal lookup, the API's rating by number + code): wrong tries counted per client and per
  case number, and refused once either budget is spent. A wrong code for one number spends that number's
  budget and this client's, never another number's: another citizen's lookup goes on. An unknown number is
  counted exactly as a known one, so the answers never tell the two apart.
- Anonymous submissions at the portal: per client, per day.
Clients are told apart by clients.client_ip (trusted proxies); keys hold pseudonyms, not addresses.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from .clients import client_pseudonym, pseudonym
from .log import security_event


def _usage(request, group: str, value: str, rate: str, increment: bool):
    return get_usage(request, group=group, key=lambda g, r: value, rate=rate, increment=increment)


def _limited(usage) -> bool:
    return usage is not None and usage["should_limit"]


def _code_budgets(request, number: str):
    return (
        ("code-client", client_pseudonym(request), settings.CASEWORK_THROTTLE_CODE_PER_CLIENT),
        ("code-case", pseudonym("number", number.strip()), settings.CASEWORK_THROTTLE_CODE_PER_CASE),
    )


def _spent(usage) -> bool:
    """The budget is used up: as many failures counted as the rate allows (the next try would be one more)."""
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])


def code_tries_left(request, number: str) -> bool:
    """May this client try an access code for this number now? (Counts nothing.)"""
    blocked = any(_spent(_usage(request, g, v, r, False)) for g, v, r in _code_budgets(request, number))
    if blocked:
        security_event("code.throttled", request, number=number, warning=True)
    return not blocked


def code_failed(request, number: str) -> None:
    """A wrong code, or a number that does not exist: one try spent from both budgets."""
    for group, value, rate in _code_budgets(request, number):
        _usage(request, group, value, rate, True)
    security_event("code.failure", request, number=number, warning=True)


def submission_allowed(request) -> bool:
    """Counts one anonymous submission for this client; False once the day's budget is spent."""
    usage = _usage(request, "submit-client", client_pseudonym(request), settings.CASEWORK_THROTTLE_SUBMIT_PER_CLIENT,
                   True)
    if _limited(usage):
        security_event("submit.throttled", request, warning=True)
        return False
    return True
