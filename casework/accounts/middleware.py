"""A staff session: 30 minutes idle, 12 hours at most; the second factor before any page; a password an
administrator reset changed before anything else.

Sessions are also ended by Django itself when the password changes (the session holds a hash of it) and
when the account is disabled (an inactive user is no longer loaded), on the next request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from casework.security.log import security_event

from .mfa import has_authenticator, mfa_satisfied
from .models import must_change_password

STARTED = "casework_session_started"
SEEN = "casework_session_seen"
SEEN_RESOLUTION = 60  # the last-seen time is written at most once a minute

# Pages a signed-in person reaches before the second factor: the factor itself, signing out, and what is
# not a staff page at all (the portal, the token-authenticated API and Open311, static files, language).
BEFORE_MFA = ("/accounts/", "/portal/", "/api/", "/open311/", "/static/", "/i18n/")


def session_start(request) -> None:
    """At login (signals.py): the clocks start."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        path = request.path_info
        expired = self._expired(request)
        if expired:
            security_event("session.expired", request, reason=expired)
            logout(request)
            if path.startswith(BEFORE_MFA):  # e.g. the login form itself: answered as for anyone signed out
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if path.startswith(BEFORE_MFA) and not path.startswith("/accounts/password/"):
            return self.get_response(request)
        if not mfa_satisfied(user):
            target = "mfa_verify" if has_authenticator(user) else "mfa_enrol"
            return redirect_to_login(request.get_full_path(), reverse(target))
        if path.startswith("/accounts/"):
            return self.get_response(request)
        if must_change_password(user):
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str | None:
        session, now = request.session, int(time.time())
        started, seen = session.get(STARTED), session.get(SEEN)
        if started is None or seen is None:  # a session from before these clocks: start them now
            session_start(request)
            return None
        if now - started > settings.CASEWORK_SESSION_ABSOLUTE_SECONDS:
            return "absolute"
        if now - seen > settings.CASEWORK_SESSION_IDLE_SECONDS:
            return "idle"
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
        return None
