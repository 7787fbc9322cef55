"""Bearer tokens: ``Authorization: Bearer cw_...`` acts as the token's staff user."""

from ninja.security import HttpBearer

from casework.cases.access import preload_scope
from casework.organisation.models import Membership

from .models import ApiToken, token_digest


class TokenAuth(HttpBearer):
    openapi_description = "A token from `manage.py create_api_token USERNAME`; it acts as that staff user."

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        digest = token_digest(token)
        # The user and their memberships (with units and jurisdictions: the scope every handler
        # needs) in one query; a user with no membership in an active unit takes a second.
        memberships = list(
            Membership.objects.filter(
                user__api_tokens__digest=digest, user__api_tokens__revoked_at__isnull=True, user__is_active=True,
                unit__is_active=True,
            ).select_related("user", "unit__jurisdiction")
        )
        if memberships:
            user = memberships[0].user
            preload_scope(user, memberships)
            return user
        row = (
            ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        return row.user if row else None
