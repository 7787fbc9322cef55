"""Clocks are derived from events; these functions keep the stored copy right."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from casework.audit.models import Event
from casework.holidays.services import counting, current_calendar
from casework.progress import progress_bar
from casework.rules.calendar import HolidayCalendar
from casework.rules.clocks import Clock, Happening, current_clock, derive_clocks, duty_clock
from casework.rules.lifecycle import OPEN

from ..models import Case


def happenings(events) -> list[Happening]:
    out = []
    for e in events:
        params = {}
        if "extension_days" in e.data:
            params["extension_days"] = e.data["extension_days"]
        if e.data.get("received_on"):
            params["received_on"] = dt.date.fromisoformat(e.data["received_on"])
        if e.data.get("written_notice") is False:
            params["written_notice"] = False
        out.append(Happening(e.verb, e.effective_on, params))
    return out


def clocks_for_case(case: Case, calendar: HolidayCalendar | None = None, events=None) -> list[Clock]:
    """Every clock of the case, replayed from its events (``events``: all of them, in order, if the caller has them)."""
    if events is None:
        events = Event.objects.filter(case=case).only("verb", "effective_on", "data").order_by("id")
    return derive_clocks(happenings(events), calendar or current_calendar(), counting())


STORED = ["due_on", "due_rule", "due_provisional", "duty_due_on", "duty_rule"]


def _store(case: Case, clocks: list[Clock]) -> bool:
    """Set the stored clock fields (``STORED``): the clock that matters now, and the unit's duty clock."""
    now, duty = current_clock(clocks), duty_clock(clocks)
    values = ((now.due.on, now.name, now.due.provisional) if now else (None, "", False)) + (
        (duty.due.on, duty.name) if duty else (None, ""))
    changed = values != tuple(getattr(case, f) for f in STORED)
    for f, v in zip(STORED, values):
        setattr(case, f, v)
    return changed


def case_refresh_clocks(case: Case, calendar: HolidayCalendar | None = None, events=None) -> bool:
    """Recompute the stored due date from the events; the caller saves. True if it changed."""
    return _store(case, clocks_for_case(case, calendar, events))


def cases_recompute_clocks(*, progress: bool = False) -> int:
    """After a calendar change: recompute every open case. Returns how many changed."""
    calendar = current_calendar()
    ids = list(Case.objects.filter(state__in=[s.value for s in OPEN]).values_list("pk", flat=True))
    changed = 0
    for start in progress_bar(range(0, len(ids), 500), enabled=progress, unit="batch"):
        with transaction.atomic():
            batch = list(Case.objects.select_for_update().filter(pk__in=ids[start : start + 500]))
            events: dict[int, list] = {}
            for e in Event.objects.filter(case_id__in=[c.pk for c in batch]).only(
                "case_id", "verb", "effective_on", "data"
            ).order_by("id"):
                events.setdefault(e.case_id, []).append(e)
            dirty = []
            for case in batch:
                if _store(case, derive_clocks(happenings(events.get(case.pk, [])), calendar, counting())):
                    dirty.append(case)
            Case.objects.bulk_update(dirty, STORED)
            changed += len(dirty)
    return changed
