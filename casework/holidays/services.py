"""The calendar the rest of Casework counts with.

``current_calendar()`` builds a ``HolidayCalendar`` from the database and keeps it per process
until the schedule changes. Every action asks, so the check is one primary-key read of
``ScheduleVersion``, whose token database triggers replace in the same transaction as any change
to the schedule tables (migration 0002): an import or an admin edit in another process is seen
by the next calculation here.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.conf import settings
from django.db import connection, transaction

from casework.rules.calendar import Counting, HolidayCalendar, package_schedule

from .models import ScheduleDay, ScheduleVersion, ScheduleYear

_cache: dict[str, object] = {"key": None, "calendar": None}


def counting() -> Counting:
    return Counting(
        exclude_start_day=settings.CASEWORK_EXCLUDE_START_DAY,
        roll_to_working_day=settings.CASEWORK_ROLL_TO_WORKING_DAY,
    )


def _version() -> str | None:
    """The schedule's current token (None if the row is gone, e.g. after a test's flush)."""
    table = connection.ops.quote_name(ScheduleVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def version_sql() -> str:
    """The schedule's current token as a scalar subquery, for a caller that reads it within a statement
    of its own (one round trip fewer) and then asks ``calendar_at(token)``."""
    return f"(SELECT token FROM {connection.ops.quote_name(ScheduleVersion._meta.db_table)} WHERE id = 1)"


def current_calendar() -> HolidayCalendar:
    return calendar_at(_version())


def calendar_at(key: str | None) -> HolidayCalendar:
    """The calendar of the schedule whose token was just read (``version_sql``): the cached one if the
    token is the one it was built from, else built anew from the rows."""
    if key is None or _cache["key"] != key:
        # The token is read before the rows: a change committed in between makes the next check
        # rebuild again, never keeps a stale calendar.
        rows = ScheduleDay.objects.values_list("day", "is_working_day")
        known = ScheduleYear.objects.values_list("year", flat=True)
        calendar = HolidayCalendar.from_schedule(list(rows), list(known))
        if not calendar.known_years:  # an empty database still counts correctly
            calendar = HolidayCalendar.from_package()
        _cache.update(key=key, calendar=calendar)
    return _cache["calendar"]  # type: ignore[return-value]


@transaction.atomic
def schedule_seed_from_package() -> tuple[int, int]:
    """Load the package's schedules; keeps years an administrator entered. Returns (days, years) added."""
    rows, years = package_schedule()
    entered = set(ScheduleYear.objects.exclude(source="package").values_list("year", flat=True))
    existing = set(ScheduleDay.objects.values_list("day", flat=True))
    new_days = [
        ScheduleDay(day=d, is_working_day=w) for d, w in rows if d.year not in entered and d not in existing
    ]
    ScheduleDay.objects.bulk_create(new_days, batch_size=500)
    have = set(ScheduleYear.objects.values_list("year", flat=True))
    new_years = [ScheduleYear(year=y, source="package") for y in years if y not in have]
    ScheduleYear.objects.bulk_create(new_years)
    return len(new_days), len(new_years)


@transaction.atomic
def schedule_import(rows: Iterable[tuple[dt.date, bool, str]], *, source: str = "file") -> list[int]:
    """Replace the schedule of every year named in ``rows``; mark those years known."""
    rows = list(rows)
    years = sorted({d.year for d, _, _ in rows})
    if not years:
        raise ValueError("文件中没有任何日期")
    seen: set[dt.date] = set()
    for d, _, _ in rows:  # a clear message rather than the database's unique-constraint error
        if d in seen:
            raise ValueError(f"{d.isoformat()} is listed more than once")
        seen.add(d)
    if not ScheduleYear.objects.exists():
        # Never seeded: until now current_calendar() counted with the package's schedules.
        # Store them first, or importing one year would drop every other year's holidays.
        schedule_seed_from_package()
    ScheduleDay.objects.filter(day__year__in=years).delete()
    ScheduleDay.objects.bulk_create([ScheduleDay(day=d, is_working_day=w, name=n) for d, w, n in rows])
    for y in years:
        ScheduleYear.objects.update_or_create(year=y, defaults={"source": source})
    return years
