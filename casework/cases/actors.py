"""Who is acting: a staff user, the complainant of one case, or the deadline job."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from casework.audit.models import ActorKind


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: AbstractBaseUser | None = None
    case_id: int | None = None  # a complainant has proven access to this one case only
    # What access.py works out about this actor once per action (their memberships).
    memo: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(ActorKind.STAFF, user=user)

    @classmethod
    def complainant(cls, case_id: int) -> "Actor":
        return cls(ActorKind.COMPLAINANT, case_id=case_id)

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


def as_actor(who) -> Actor:
    """Accept a user where an ``Actor`` is expected, so staff code can pass ``request.user``."""
    if isinstance(who, Actor):
        return who
    if who is None or isinstance(who, AnonymousUser) or not getattr(who, "is_authenticated", False):
        return Actor(ActorKind.STAFF, user=None)
    return Actor.staff(who)
