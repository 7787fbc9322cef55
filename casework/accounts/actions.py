"""What an administrator does to another's account."""

from __future__ import annotations

import secrets

from django.db import transaction

from casework.security.log import security_event

from .models import StaffAccount


@transaction.atomic
def account_reset_password(*, actor_id: int | None, user, request=None) -> str:
    """A new temporary password (returned once, to hand over in person): the user must change it at the next
    login, and every session of theirs ends (the session holds a hash of the old password)."""
    temporary = secrets.token_urlsafe(12)  # 16 characters, ~96 bits
    user.set_password(temporary)
    user.save(update_fields=["password"])
    StaffAccount.objects.update_or_create(user=user, defaults={"must_change_password": True})
    security_event("password.reset", request, user_id=actor_id, target_user_id=user.pk)
    return temporary
