"""The judicial-confirmation window of every agreement (人民调解法 Art 33), computed by the rules core and kept
right when the holiday schedule changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from casework.holidays.services import counting, current_calendar
from casework.rules.calendar import DueDate, HolidayCalendar
from casework.rules.clocks import RULES

from ..models import Agreement, Dispute

CONFIRMATION = RULES["judicial_confirmation"]


def confirmation_window(effective_on: dt.date, calendar: HolidayCalendar | None = None) -> DueDate:
    """The last day the parties may jointly apply for judicial confirmation: ``CONFIRMATION.days`` from the day the
    agreement took effect, written or oral alike; provisional when it rests on a year without a schedule."""
    return CONFIRMATION.due(effective_on, calendar or current_calendar(), counting())


def disputes_recompute_confirmation(*, batch: int = 500) -> int:
    """After a calendar change: recompute the window of every effective agreement. Returns how many changed."""
    calendar = current_calendar()
    rows = list(Agreement.objects.filter(status=Agreement.EFFECTIVE).order_by("dispute_id")
                .values_list("dispute_id", "effective_on"))
    changed = 0
    for start in range(0, len(rows), batch):
        chunk = dict(rows[start:start + batch])
        with transaction.atomic():
            dirty = []
            for d in Dispute.objects.select_for_update().filter(pk__in=list(chunk)).only(
                    "pk", "confirmation_due_on", "confirmation_provisional"):
                due = confirmation_window(chunk[d.pk], calendar)
                if (d.confirmation_due_on, d.confirmation_provisional) != (due.on, due.provisional):
                    d.confirmation_due_on, d.confirmation_provisional = due.on, due.provisional
                    dirty.append(d)
            Dispute.objects.bulk_update(dirty, ["confirmation_due_on", "confirmation_provisional"])
            changed += len(dirty)
    return changed
