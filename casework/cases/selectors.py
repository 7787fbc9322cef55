"""Read queries for cases. Every one starts from ``cases_visible_to``."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.audit.models import Event

from .access import cases_visible_to
from .models import Case


def cases_for_work(user, *, state: str | None = None, query: str = "") -> QuerySet[Case]:
    """The cases a person may see, most urgent first (open cases by due date, then the newest)."""
    qs = cases_visible_to(user).select_related("current_unit")
    if state:
        qs = qs.filter(state=state)
    if query:
        qs = qs.filter(number__icontains=query) | qs.filter(title__icontains=query)
    return qs.order_by("due_on", "-id")


def case_timeline(case: Case) -> QuerySet[Event]:
    return Event.objects.filter(case=case).select_related("actor").order_by("id")
