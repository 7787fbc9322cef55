"""Who may see and act on which dispute: the units it passed through, supervisors above it,
never a mediator who declared a conflict."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.cases.access import StaffScope
from casework.cases.actors import ActorKind, as_actor
from casework.cases.errors import NotFound
from casework.rules.lifecycle import Role

from .models import Dispute, DisputeUnit, MediatorConflict


def disputes_visible_to(user) -> QuerySet[Dispute]:
    scope = StaffScope.of(user)
    if scope is None or not (scope.units or scope.supervised_paths):
        return Dispute.objects.none()
    visible = Q(Exists(DisputeUnit.objects.filter(dispute=OuterRef("pk"), unit_id__in=scope.units)))
    for path in scope.supervised_paths:
        visible |= Q(jurisdiction__path__startswith=path)
    return Dispute.objects.filter(visible).exclude(
        Exists(MediatorConflict.objects.filter(dispute=OuterRef("pk"), user_id=scope.user_id))
    )


def dispute_get(who, *, dispute_id: int, for_update: bool = False) -> Dispute:
    actor = as_actor(who)
    qs = Dispute.objects.all() if actor.kind == ActorKind.SYSTEM else disputes_visible_to(actor.user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related("unit__jurisdiction", "jurisdiction").get(pk=int(dispute_id))
    except (Dispute.DoesNotExist, TypeError, ValueError):
        raise NotFound("没有找到该纠纷") from None


def roles_on_dispute(who, d: Dispute) -> frozenset[Role]:
    """Mediators and intake staff of the unit now handling the dispute."""
    actor = as_actor(who)
    scope = StaffScope.of(actor.user) if actor.kind == ActorKind.STAFF else None
    if scope is None or MediatorConflict.objects.filter(dispute=d, user_id=scope.user_id).exists():
        return frozenset()
    return frozenset(scope.roles_by_unit.get(d.unit_id, frozenset()) & {Role.MEDIATOR, Role.INTAKE_CLERK})
