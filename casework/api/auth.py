"""Bearer tokens: ``Authorization: Bearer cw_...`` acts as the token's staff user."""

from ninja.security import HttpBearer

from .models import ApiToken, token_digest


class TokenAuth(HttpBearer):
    openapi_description = "A token from `manage.py create_api_token USERNAME`; it acts as that staff user."

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = (
            ApiToken.objects.filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        return row.user if row else None
