"""Read queries for cases. Every one starts from ``cases_visible_to``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from casework.audit.models import Event
from casework.organisation.models import Membership
from casework.rules.lifecycle import OPEN, Role

from .access import StaffScope, cases_visible_to
from .models import Case, CaseParty, Person, SupervisionNotice

OPEN_STATES = [s.value for s in OPEN]
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class CaseFilters:
    number: str = ""
    name: str = ""
    category: str = ""
    unit_id: int | None = None
    state: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    urgency: str = ""  # overdue | soon | open | ""


def urgency_q(urgency: str, today: dt.date) -> Q:
    open_ = Q(state__in=OPEN_STATES)
    if urgency == "overdue":
        return open_ & Q(due_on__lt=today)
    if urgency == "soon":
        return open_ & Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    if urgency == "open":
        return open_
    return Q()


def cases_search(user, f: CaseFilters) -> QuerySet[Case]:
    """The cases a person may see, filtered, most urgent first (open by due date, then newest)."""
    today = timezone.localdate()
    qs = cases_visible_to(user).select_related("current_unit")
    if f.number:
        qs = qs.filter(number__icontains=f.number.strip())
    if f.name:
        # A name search never reaches cases whose identity this person may not see (Art 30 ¶3).
        withheld_units = Membership.objects.filter(user=user).values("unit_id")
        qs = qs.filter(
            Exists(CaseParty.objects.filter(case=OuterRef("pk"), person__name__icontains=f.name.strip()))
        ).exclude(respondent_units__in=withheld_units)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.unit_id:
        qs = qs.filter(current_unit_id=f.unit_id)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.urgency:
        qs = qs.filter(urgency_q(f.urgency, today))
    return qs.order_by("due_on", "-id")


def cases_for_work(user, *, state: str | None = None, query: str = "") -> QuerySet[Case]:
    return cases_search(user, CaseFilters(state=state or "", number=query))


def work_counts(user) -> dict[str, int]:
    """Overdue / due soon / open counts for the badges on "my work"."""
    today = timezone.localdate()
    qs = cases_visible_to(user)
    return qs.aggregate(
        overdue=Count("pk", filter=urgency_q("overdue", today)),
        soon=Count("pk", filter=urgency_q("soon", today)),
        open=Count("pk", filter=urgency_q("open", today)),
    )


def case_timeline(case: Case) -> QuerySet[Event]:
    return Event.objects.filter(case=case).select_related("actor").order_by("id")


def supervised_cases(user) -> QuerySet[Case]:
    """Cases of the jurisdictions this person supervises (not merely those of their own unit)."""
    scope = StaffScope.of(user)
    if scope is None or not scope.supervised_paths:
        return Case.objects.none()
    q = Q()
    for p in scope.supervised_paths:
        q |= Q(jurisdiction__path__startswith=p)
    return cases_visible_to(user).filter(q)


def supervision_board(user) -> dict:
    """Overdue and due-soon cases by unit, and timeliness and satisfaction by unit."""
    today = timezone.localdate()
    base = supervised_cases(user)
    at_risk = list(
        base.filter(urgency_q("overdue", today) | urgency_q("soon", today))
        .select_related("current_unit").order_by("current_unit__name", "due_on")[:500]
    )
    by_unit: dict[str, list[Case]] = {}
    for c in at_risk:
        by_unit.setdefault(c.current_unit.name, []).append(c)
    stats = list(
        base.exclude(lead_unit=None).values("lead_unit__name").annotate(
            replied=Count("pk", filter=Q(replied_on__isnull=False)),
            on_time=Count("pk", filter=Q(replied_on_time=True)),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("pk", filter=urgency_q("overdue", today)),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basically"])),
        ).order_by("lead_unit__name")
    )
    for s in stats:
        s["timeliness"] = round(100 * s["on_time"] / s["replied"]) if s["replied"] else None
        s["satisfaction"] = round(100 * s["satisfied"] / s["rated"]) if s["rated"] else None
    notices = SupervisionNotice.objects.filter(case__in=base).select_related("case", "to_unit").order_by(
        "answered_on", "due_on"
    )[:200]
    return {"by_unit": by_unit, "stats": stats, "notices": notices, "today": today}


def supervisions_for_unit_staff(user) -> QuerySet[SupervisionNotice]:
    """Open supervision notices addressed to one of this person's units."""
    units = Membership.objects.filter(user=user, role__in=[Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL]).values("unit_id")
    return SupervisionNotice.objects.filter(
        to_unit__in=units, answered_on__isnull=True, case__in=cases_visible_to(user)
    ).select_related("case")


def parties_of(case_ids: list[int]) -> dict[int, list[dict]]:
    """The parties of these cases (name, address, phone, role), in the order they were recorded.

    For cases the reader may see in full (the caller leaves out those withheld, Art 30 ¶3). Plain
    SQL: for a page of the API's case list the ORM spent longer composing it than running it.
    """
    ids = [int(pk) for pk in case_ids]
    if not ids:
        return {}
    qn = connection.ops.quote_name
    party, person = CaseParty._meta, Person._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.{qn('case_id')}, n.{qn('name')}, n.{qn('address')}, n.{qn('phone')}, p.{qn('role')} "
            f"FROM {qn(party.db_table)} p JOIN {qn(person.db_table)} n ON n.{qn('id')} = p.{qn('person_id')} "
            f"WHERE p.{qn('case_id')} IN ({', '.join(['%s'] * len(ids))}) ORDER BY p.{qn('id')}",
            ids,
        )
        rows = cursor.fetchall()
    parties: dict[int, list[dict]] = {}
    for case_id, name, address, phone, role in rows:
        parties.setdefault(case_id, []).append({"name": name, "address": address, "phone": phone, "role": role})
    return parties
