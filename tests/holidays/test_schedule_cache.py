"""The per-process calendar is never stale: a schedule change made in the database, by any means and
from any connection, is counted with by the next calculation (DESIGN.md "Deadlines": clocks count
with the official schedule as entered). Counting: 民法典 Art 201 (start day not counted).

``current_calendar()`` keeps its calendar until the ``ScheduleVersion`` token changes; database
triggers replace the token in the same transaction as every change to the schedule tables. These
tests change the tables with plain SQL (no Django signal, no ``save()``), as a shell or another
process would.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from casework.holidays.duedate import compute_due
from casework.holidays.models import ScheduleDay, ScheduleVersion
from casework.holidays.services import current_calendar, schedule_seed_from_package

MAKE_UP_SATURDAY = dt.date(2026, 10, 10)  # worked in the official 2026 schedule


def next_working_day_after_friday() -> dt.date:
    """One working day from Fri 9 Oct 2026 (the start day not counted, Art 201)."""
    return compute_due(dt.date(2026, 10, 9), days=1, working_days=True).due.on


def set_working(day: dt.date, working: bool, *, using=connection) -> None:
    with using.cursor() as cursor:
        cursor.execute("UPDATE holidays_scheduleday SET is_working_day = %s WHERE day = %s", [working, day])


def test_an_edit_in_the_database_is_seen_by_the_next_calculation(db):
    # given: the seeded schedule, counted with once (the calendar is now cached)
    schedule_seed_from_package()
    assert next_working_day_after_friday() == MAKE_UP_SATURDAY
    # when: the make-up Saturday is made a day off with plain SQL
    set_working(MAKE_UP_SATURDAY, False)
    # then: the next calculation skips it to Monday
    assert next_working_day_after_friday() == dt.date(2026, 10, 12)
    # and when: the row is deleted (a Saturday the schedule does not list is a weekend day)
    ScheduleDay.objects.filter(day=MAKE_UP_SATURDAY).delete()
    assert next_working_day_after_friday() == dt.date(2026, 10, 12)
    # and when: it is entered again as worked
    ScheduleDay.objects.create(day=MAKE_UP_SATURDAY, is_working_day=True, name="调休上班")
    assert next_working_day_after_friday() == MAKE_UP_SATURDAY


def test_a_change_rolled_back_and_another_made_never_brings_back_a_cached_calendar(db):
    # given: the seeded schedule, counted with
    schedule_seed_from_package()
    original = ScheduleVersion.objects.get().token
    assert next_working_day_after_friday() == MAKE_UP_SATURDAY
    assert compute_due(dt.date(2026, 10, 6), days=1, working_days=True).due.on == dt.date(2026, 10, 8)
    # when: a change counted with inside a transaction that is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        set_working(MAKE_UP_SATURDAY, False)
        assert next_working_day_after_friday() == dt.date(2026, 10, 12)
        raise RuntimeError("rolled back")
    # then: the next calculation counts with the schedule as it is again
    assert ScheduleVersion.objects.get().token == original
    assert next_working_day_after_friday() == MAKE_UP_SATURDAY
    # and a different change afterwards is seen as well (the token is new, not the rolled-back one)
    set_working(dt.date(2026, 10, 7), True)  # Wed 7 Oct, the last National Day holiday, made worked
    assert current_calendar().is_working_day(dt.date(2026, 10, 7))
    assert compute_due(dt.date(2026, 10, 6), days=1, working_days=True).due.on == dt.date(2026, 10, 7)


@pytest.mark.django_db(transaction=True)
def test_an_edit_committed_by_another_connection_is_seen_by_the_next_calculation():
    # given: the seeded schedule, counted with in this thread's connection
    schedule_seed_from_package()
    assert next_working_day_after_friday() == MAKE_UP_SATURDAY
    # when: another connection (another thread: Django gives it its own) commits an edit
    def edit():
        try:
            with transaction.atomic():
                set_working(MAKE_UP_SATURDAY, False, using=connections["default"])
        finally:
            connections.close_all()

    other = threading.Thread(target=edit)
    other.start()
    other.join()
    # then: the next calculation here counts with it
    assert next_working_day_after_friday() == dt.date(2026, 10, 12)
    assert not current_calendar().is_working_day(MAKE_UP_SATURDAY)


def test_a_registration_counts_with_the_schedule_as_it_is_now(world):
    """The registration reads the schedule's token in its counter statement (not a query of its own):
    an edit made since the last registration is still counted with. 信访工作条例 Art 22 (15 days,
    a last day that is not a working day moves to the next working day)."""
    from tests.conftest import register

    schedule_seed_from_package()
    received = MAKE_UP_SATURDAY - dt.timedelta(days=15)  # day 15 is the worked Saturday
    assert register(world, received_on=received).case.due_on == MAKE_UP_SATURDAY
    set_working(MAKE_UP_SATURDAY, False)
    assert register(world, received_on=received).case.due_on == dt.date(2026, 10, 12)
