"""Read queries for disputes, all through ``disputes_visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from casework.organisation.models import Membership
from casework.rules.lifecycle import Role
from casework.rules.mediation import D_OPEN, Level

from .access import disputes_visible_to
from .models import Dispute

OPEN = [s.value for s in D_OPEN]
REMIND_DAYS = 7


def my_units(user) -> list[int]:
    return list(Membership.objects.filter(user=user, role__in=[Role.MEDIATOR, Role.INTAKE_CLERK]).values_list("unit_id", flat=True))


def mediator_board(user) -> dict:
    today = timezone.localdate()
    visible = disputes_visible_to(user).select_related("unit", "mediator")
    units = my_units(user)
    mine = visible.filter(unit_id__in=units)
    return {
        "today": today,
        "open": list(mine.filter(state__in=OPEN).order_by("target_on", "id")[:200]),
        # the township's queue: escalated here, no session held yet at this level
        "queue": list(mine.filter(state="registered").exclude(level=Level.VILLAGE).order_by("target_on")[:200]),
        "confirmation_soon": list(
            visible.filter(state="agreed", confirmation_due_on__gte=today,
                           confirmation_due_on__lte=today + dt.timedelta(days=REMIND_DAYS)).order_by("confirmation_due_on")
        ),
        "performance_due": list(visible.filter(state="agreed", performance_due_on__lte=today).order_by("performance_due_on")),
        "by_level": settled_by_level(visible),
    }


def settled_by_level(qs: QuerySet[Dispute]) -> list[dict]:
    """Disputes settled (agreement reached) at each level, for the reports."""
    rows = {r["settled_level"]: r for r in qs.exclude(settled_level="").values("settled_level").annotate(
        settled=Count("pk"), performed=Count("pk", filter=Q(state="performed")))}
    from casework.rules.mediation import LEVEL_LABELS

    return [{"level": LEVEL_LABELS[lv], **rows.get(lv.value, {"settled": 0, "performed": 0})} for lv in Level]
