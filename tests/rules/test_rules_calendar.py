"""The calendar: how periods are counted (民法典 Art 201, 203; 信访工作条例 Art 23 ¶3).

Facts about real 2026 dates are checked against ``chinese_calendar`` in the
test itself, so a wrong hard-coded expectation fails loudly rather than
silently agreeing with a wrong implementation.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from casework.rules.calendar import (
    EARLIEST,
    LATEST,
    CalendarError,
    Counting,
    DueDate,
    HolidayCalendar,
    package_schedule,
    parse_schedule_lines,
    statutory_days_off,
)

D = dt.date
CAL = HolidayCalendar.from_package()
START_COUNTED = Counting(exclude_start_day=False)
NO_ROLL = Counting(roll_to_working_day=False)


# -- the package schedule is the official truth ------------------------------------


def test_calendar_agrees_with_chinese_calendar_every_day_2004_to_2026():
    """民法典 Art 203 needs the official 法定节假日 / 调休 schedule: the calendar built
    from the package must say exactly what ``chinese_calendar`` says, every day."""
    # given every day the package covers
    day, last = D(2004, 1, 1), D(2026, 12, 31)
    # when / then
    mismatches = []
    while day <= last:
        if CAL.is_working_day(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []


def test_package_schedule_covers_2004_to_2026_without_gaps():
    """民法典 Art 203 needs the official schedule: the published years (2004-2026) are known, 2027 not yet."""
    # given / when
    rows, years = package_schedule()
    # then
    assert years == list(range(2004, 2027))
    assert CAL.is_known(D(2026, 10, 1))
    assert not CAL.is_known(D(2027, 1, 1))
    assert (D(2026, 10, 10), True) in rows and (D(2026, 10, 1), False) in rows


def test_national_day_2026_schedule_as_the_package_publishes_it():
    """民法典 Art 203 (法定节假日): 2026 National Day, Oct 1-7 off; Sun Sep 20 and Sat Oct 10 are 调休 working days."""
    # given the package's word on it
    assert all(chinese_calendar.is_holiday(D(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6
    assert chinese_calendar.is_workday(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    # when / then the calendar says the same
    assert not any(CAL.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_working_day(D(2026, 9, 20))
    assert CAL.is_working_day(D(2026, 10, 10))
    assert CAL.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert CAL.next_working_day(D(2026, 10, 10)) == D(2026, 10, 10)


# -- 民法典 Art 201: the start day is not counted -----------------------------------------


def test_start_day_not_counted_civil_code_art_201():
    """民法典 Art 201 「开始的当日不计入」: 15 days from Mon 2 Mar 2026 end Tue 17 Mar."""
    # given a 15-day period (信访工作条例 Art 22) starting on a plain Monday
    start = D(2026, 3, 2)
    # when
    due = CAL.add_days(start, 15)
    # then
    assert due == DueDate(D(2026, 3, 17), provisional=False)


def test_setting_counts_the_start_day_civil_code_art_201_off():
    """With the 民法典 Art 201 setting turned off the start day is day one: ends Mon 16 Mar."""
    # given
    start = D(2026, 3, 2)
    # when
    due = CAL.add_days(start, 15, START_COUNTED)
    # then
    assert due.on == D(2026, 3, 16)
    assert CAL.add_days(start, 1, START_COUNTED).on == start


# -- 民法典 Art 203: a period ending on a day off ends on the next working day ---------------


def test_period_ending_on_weekend_rolls_to_monday_civil_code_art_203():
    """民法典 Art 203: 15 days from Fri 6 Mar 2026 land on Sat 21 Mar, so end Mon 23 Mar."""
    # given
    start = D(2026, 3, 6)
    assert D(2026, 3, 21).weekday() == 5
    # when
    due = CAL.add_days(start, 15)
    # then
    assert due.on == D(2026, 3, 23)


def test_roll_setting_off_keeps_the_weekend_day_civil_code_art_203_off():
    """With the 民法典 Art 203 setting off, the period ends on the Saturday itself."""
    # given
    start = D(2026, 3, 6)
    # when
    due = CAL.add_days(start, 15, NO_ROLL)
    # then
    assert due.on == D(2026, 3, 21)


def test_period_ending_in_national_day_2026_rolls_past_the_holiday_civil_code_art_203():
    """民法典 Art 203: 15 days from 16 Sep 2026 land on 1 Oct (holiday), so end Thu 8 Oct."""
    # given
    start = D(2026, 9, 16)
    assert chinese_calendar.is_holiday(D(2026, 10, 1))
    # when
    due = CAL.add_days(start, 15)
    # then
    assert due.on == D(2026, 10, 8)
    assert chinese_calendar.is_workday(due.on)
    assert all(chinese_calendar.is_holiday(D(2026, 10, d)) for d in range(1, 8))
    assert CAL.add_days(start, 15, NO_ROLL).on == D(2026, 10, 1)


def test_period_ending_on_makeup_workday_does_not_roll_civil_code_art_203():
    """民法典 Art 203 only moves days off: Sat 10 Oct and Sun 20 Sep 2026 are 调休 working days."""
    # given periods landing on the two make-up working days
    # when
    on_saturday = CAL.add_days(D(2026, 9, 25), 15)
    on_sunday = CAL.add_days(D(2026, 9, 5), 15)
    # then they stay there
    assert on_saturday.on == D(2026, 10, 10)
    assert on_sunday.on == D(2026, 9, 20)


def test_handling_period_ending_in_labour_day_2026_rolls_civil_code_art_203():
    """信访工作条例 Art 34 60 days from Thu 5 Mar 2026 land on Mon 4 May (劳动节), so end Wed 6 May."""
    # given
    start = D(2026, 3, 5)
    assert chinese_calendar.is_holiday(D(2026, 5, 4))
    # when
    due = CAL.add_days(start, 60)
    # then
    assert due.on == D(2026, 5, 6)
    assert chinese_calendar.is_workday(D(2026, 5, 6))
    assert not chinese_calendar.is_workday(D(2026, 5, 5))


# -- 信访工作条例 Art 23 ¶3: working days -------------------------------------------------


def test_five_working_days_across_national_day_2026_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3 「5个工作日」 from Mon 28 Sep 2026: Sep 29, 30, Oct 8, 9 and
    the make-up Saturday Oct 10."""
    # given a forwarded matter received on Mon 28 Sep 2026
    start = D(2026, 9, 28)
    # when
    due = CAL.add_working_days(start, 5)
    # then
    assert due == DueDate(D(2026, 10, 10), provisional=False)
    counted = [d for d in (start + dt.timedelta(days=i) for i in range(1, 13)) if chinese_calendar.is_workday(d)]
    assert counted[:5] == [D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)]
    assert CAL.working_days_between(start, due.on) == 5


def test_five_working_days_counting_start_day_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3 with the 民法典 Art 201 setting off: the Monday itself is day one."""
    # given
    start = D(2026, 9, 28)
    # when
    due = CAL.add_working_days(start, 5, START_COUNTED)
    # then
    assert due.on == D(2026, 10, 9)


def test_five_working_days_from_a_holiday_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3: received on 2 Oct 2026 (holiday), day one is Thu 8 Oct."""
    # given
    start = D(2026, 10, 2)
    # when
    excluded = CAL.add_working_days(start, 5)
    included = CAL.add_working_days(start, 5, START_COUNTED)
    # then a day off is never day one, whichever setting
    assert excluded.on == included.on == D(2026, 10, 13)  # Oct 8, 9, Sat 10 (调休), 12, 13


# -- years with no published schedule -----------------------------------------------------


def test_a_year_without_a_schedule_counts_the_statutory_holidays_and_is_provisional():
    """放假办法 Art 2 fixes 元旦 (1 Jan) whatever the yearly notice adds; 民法典 Art 203 then rolls a period that
    ends on it to the next working day. 2027's notice is not published: the result is provisional, never raising."""
    # given 15 days (Art 22) from 17 Dec 2026, landing on Fri 1 Jan 2027 (元旦), then a weekend
    start = D(2026, 12, 17)
    # when
    due = CAL.add_days(start, 15)
    wd = CAL.add_working_days(D(2027, 3, 1), 5)
    # then
    assert due == DueDate(D(2027, 1, 4), provisional=True)
    assert str(due) == "2027-01-04 provisional"
    assert wd == DueDate(D(2027, 3, 8), provisional=True)
    assert CAL.add_days(D(2026, 3, 2), 15).provisional is False


STATUTORY_2027 = {  # 放假办法 (2024) Art 2 in 2027; lunar dates: 除夕 5 Feb, 端午 9 Jun, 中秋 15 Sep; 清明 5 Apr
    D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 4, 5),
    D(2027, 5, 1), D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3),
}


def test_the_statutory_holidays_of_2027_are_the_thirteen_days_of_art_2():
    """放假办法 (2024 revision) Art 2: 元旦 1, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3."""
    assert statutory_days_off(2027) == STATUTORY_2027
    assert not any(CAL.is_working_day(d) for d in STATUTORY_2027)
    assert CAL.is_working_day(D(2027, 2, 9))  # 初四: only the yearly notice may add a bridge day
    assert statutory_days_off(2024) == frozenset()  # before the revision took effect: the schedule is known anyway


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_agree_with_the_published_schedules(year):
    """放假办法 Art 2 for the years whose notice is out (2025, 2026): every statutory day the calendar would count
    for an unpublished year is a day off in the published schedule (chinese_calendar), none missing."""
    days = statutory_days_off(year)
    assert len(days) in (12, 13)  # 12 when 中秋 falls on one of 国庆's days
    assert [d for d in days if chinese_calendar.is_workday(d)] == []
    assert all(d.year == year for d in days)


def test_entering_a_2027_schedule_adds_its_bridge_days_and_clears_provisional():
    """民法典 Art 203 once the 2027 schedule is entered (made up here: 1-3 Jan off, Sun 10 Jan a make-up
    working day, 4 Jan a bridge day): the due date moves and is no longer provisional."""
    # given the package schedule plus a made-up 2027 New Year schedule
    rows, years = package_schedule()
    made_up_2027 = [(D(2027, 1, 1), False), (D(2027, 1, 2), False), (D(2027, 1, 3), False), (D(2027, 1, 4), False),
                    (D(2027, 1, 10), True)]
    cal_2027 = HolidayCalendar.from_schedule(rows + made_up_2027, years + [2027])
    # when
    before = CAL.add_days(D(2026, 12, 17), 15)
    after = cal_2027.add_days(D(2026, 12, 17), 15)
    # then
    assert before == DueDate(D(2027, 1, 4), provisional=True)
    assert after == DueDate(D(2027, 1, 5), provisional=False)
    # and 信访工作条例 Art 23 ¶3 working days count the made-up Sunday: one working day after
    # Fri 8 Jan is Sun 10 Jan with the schedule, Mon 11 Jan without it
    assert cal_2027.add_working_days(D(2027, 1, 8), 1) == DueDate(D(2027, 1, 10), provisional=False)
    assert CAL.add_working_days(D(2027, 1, 8), 1) == DueDate(D(2027, 1, 11), provisional=True)
    # the entered year replaces the statutory guess: a year entered without 中秋 (say) has it as a working day
    cal_2027_partial = HolidayCalendar.from_schedule(rows + made_up_2027, years + [2027])
    assert cal_2027_partial.is_working_day(D(2027, 9, 15))


def test_schedule_entered_without_marking_the_year_known_stays_provisional():
    """民法典 Art 203 applies a year's schedule as official only once the year is listed in
    ``known_years``; its days alone do not clear the provisional mark."""
    # given 2027 days entered but the year not marked known
    rows, years = package_schedule()
    cal = HolidayCalendar.from_schedule(rows + [(D(2027, 1, 1), False)], years)
    # when
    due = cal.add_days(D(2026, 12, 17), 15)
    # then
    assert due == DueDate(D(2027, 1, 4), provisional=True)


# -- dates out of range -------------------------------------------------------------------


@pytest.mark.parametrize("when", [D(2003, 12, 31), D(1999, 5, 1), D(1, 1, 1)])
def test_dates_before_2004_raise_calendar_error_with_a_clear_message(when):
    """No official holiday schedule exists before 2004 (民法典 Art 203 cannot be applied)."""
    # given a date before 2004
    # when / then every entry point refuses it, naming the date and the limit
    for call in (
        lambda: CAL.add_days(when, 15),
        lambda: CAL.add_working_days(when, 5),
        lambda: CAL.next_working_day(when),
        lambda: CAL.working_days_between(when, D(2026, 1, 5)),
    ):
        with pytest.raises(CalendarError) as err:
            call()
        assert when.isoformat() in str(err.value)
        assert "2004-01-01" in str(err.value)
        assert "no official holiday schedule" in str(err.value)


def test_first_supported_day_is_accepted():
    """民法典 Art 201: 2004-01-01 itself, the first day with an official schedule, can start a period."""
    # given / when
    due = CAL.add_days(EARLIEST, 15)
    # then
    assert due.on >= D(2004, 1, 16) and not due.provisional


def test_periods_ending_after_the_last_supported_date_raise_calendar_error():
    """民法典 Art 201/203 and 信访工作条例 Art 23 ¶3 counting: dates after ``LATEST`` are refused
    with ``CalendarError`` rather than guessed, for calendar and working days alike."""
    # given a start a few days before the last supported date
    start = LATEST - dt.timedelta(days=2)
    # when / then
    with pytest.raises(CalendarError):
        CAL.add_days(start, 15)
    with pytest.raises(CalendarError):
        CAL.add_working_days(start, 5)
    with pytest.raises(CalendarError):
        CAL.add_days(D(2150, 1, 1), 10**7)  # beyond year 9999: still a CalendarError
    with pytest.raises(CalendarError):
        CAL.add_days(D(2150, 1, 1), 10**9)


def test_not_a_date_raises_calendar_error():
    """Bad input gets a clear error (DESIGN: impossible dates are refused)."""
    # given a string where a date belongs
    # when / then
    with pytest.raises(CalendarError, match="not a date"):
        CAL.add_days("2026-03-02", 15)  # type: ignore[arg-type]


@pytest.mark.parametrize("days", [0, -1])
def test_a_period_has_at_least_one_day(days):
    """民法典 Art 201 counts a period of at least one day: 0 or fewer is a programming error."""
    # given a period of `days` days; when / then
    with pytest.raises(ValueError, match="at least one day"):
        CAL.add_days(D(2026, 3, 2), days)
    with pytest.raises(ValueError, match="at least one day"):
        CAL.add_working_days(D(2026, 3, 2), days)


# -- the administrator's schedule file ------------------------------------------------------


def test_parse_schedule_lines_accepts_good_lines():
    """民法典 Art 203 (法定节假日): the schedule an administrator enters each year parses to rows."""
    # given
    lines = [
        "# 2027 schedule (made up)",
        "",
        "2027-01-01,off,元旦",
        "  2027-01-02 , OFF ",
        "2027-01-10,work,元旦调休",
    ]
    # when
    rows = parse_schedule_lines(lines)
    # then
    assert rows == [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 1, 2), False, ""),
        (D(2027, 1, 10), True, "元旦调休"),
    ]
    cal = HolidayCalendar.from_schedule([(d, w) for d, w, _ in rows], [2027])
    assert not cal.is_working_day(D(2027, 1, 1)) and cal.is_working_day(D(2027, 1, 10))


@pytest.mark.parametrize(
    "bad, number, fragment",
    [
        ("2027-01-01", 3, "expected"),
        ("2027-13-01,off", 3, "not a date"),
        ("01/01/2027,off", 3, "not a date"),
        ("2027-01-01,holiday", 3, "'off' or 'work'"),
        ("2003-10-01,off", 3, "before 2004-01-01"),
    ],
)
def test_parse_schedule_lines_names_the_bad_line_number(bad, number, fragment):
    """民法典 Art 203 schedule file (DESIGN: bad input gets a clear error): a bad line is refused
    with its line number, and nothing partial is returned."""
    # given a bad third line after a good one and a comment
    lines = ["2027-01-01,off", "# comment", bad, "2027-01-02,off"]
    # when / then
    with pytest.raises(ValueError) as err:
        parse_schedule_lines(lines)
    assert f"line {number}:" in str(err.value)
    assert fragment in str(err.value)
