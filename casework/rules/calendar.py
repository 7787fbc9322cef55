"""Working days and the counting of periods.

The official schedule of public holidays (法定节假日) and make-up working days
(调休上班日) is published by the State Council each year, usually in November
or December for the next year. ``chinesecalendar`` ships the schedules from
2004 onwards but only up to the year it was released for; a clock started
today can end in a year nobody has published yet. A ``HolidayCalendar``
therefore knows which years it has an official schedule for. Outside them it
counts the statutory holidays that the 全国年节及纪念日放假办法 (2024 revision,
Art 2) fixes whatever the yearly notice adds (``statutory_days_off``) and the
weekends; only the notice's bridge days and make-up working days are unknown,
so every result that depends on such a year is marked *provisional*, to be
recomputed when administrators enter the schedule.

Counting periods follows 民法典 Art 201 (「开始的当日不计入」, the start day is
not counted) and Art 203 (a period whose last day is a statutory day off ends
on the next working day). Both are settings (``Counting``), because 信访工作条例
does not itself define how 日 is counted.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

EARLIEST = dt.date(2004, 1, 1)
"""No official schedule exists before 2004; earlier dates are refused."""

LATEST = dt.date(2199, 12, 31)
"""Far enough for any clock; later dates are refused rather than guessed."""


STATUTORY_SINCE = 2025
"""放假办法 as revised in 2024 (in force 1 January 2025): 元旦 1 day; 春节 4 days (除夕, 初一 to 初三); 清明 1 day;
劳动节 2 days (1–2 May); 端午 1 day; 中秋 1 day; 国庆 3 days (1–3 October). 13 days, 12 when 中秋 falls on one
of 国庆's days."""

STATUTORY_NAMES = frozenset({"元旦", "农历除夕", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
"""The holidays of Art 2, as the ``holidays`` package names them in zh_CN (除夕 is 农历除夕 there)."""

STATUTORY_UNTIL = 2099
"""The lunar dates are computed to 2099; later unpublished years count weekends only (and stay provisional)."""


@lru_cache(maxsize=None)
def statutory_days_off(year: int) -> frozenset[dt.date]:
    """The days off of 放假办法 Art 2 in ``year``, without the yearly notice's bridges and make-up days.

    The lunar and solar-term dates (除夕, 春节, 清明, 端午, 中秋) come from the ``holidays`` package, whose China
    calendar carries the 2024 revision; its guesses at bridge days ("observed") and the notices' bridge days it
    knows for past years (休息日（由 … 调休）) are left out: only the days Art 2 names.
    """
    if not STATUTORY_SINCE <= year <= STATUTORY_UNTIL:
        return frozenset()
    import holidays  # imported here: only a year without a schedule needs it

    days = holidays.China(years=year, observed=False, language="zh_CN")
    return frozenset(d for d, names in days.items() if STATUTORY_NAMES & set(names.split("; ")))


class CalendarError(ValueError):
    """A date the calendar cannot count from (before 2004 or absurdly late)."""


@dataclass(frozen=True)
class Counting:
    """How periods are counted.

    ``exclude_start_day``: 民法典 Art 201, the day the period starts on is not
    counted (a 15-day period from 1 March ends on 16 March).
    ``roll_to_working_day``: 民法典 Art 203, a period whose last day falls on a
    statutory day off ends on the next working day.
    """

    exclude_start_day: bool = True
    roll_to_working_day: bool = True


DEFAULT_COUNTING = Counting()


@dataclass(frozen=True)
class DueDate:
    """The last day of a period, and whether it rests on an unpublished year."""

    on: dt.date
    provisional: bool = False

    def __str__(self) -> str:
        return self.on.isoformat() + (" provisional" if self.provisional else "")


@dataclass(frozen=True)
class HolidayCalendar:
    """Official days off and make-up working days for the years it knows.

    ``days_off`` are the dates of official holiday periods (including the
    weekend days inside them); ``makeup_workdays`` are weekend dates declared
    working days (调休). ``known_years`` are the years whose schedule has been
    published and entered; in other years the statutory holidays
    (``statutory_days_off``) and the weekends are days off.
    """

    days_off: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()
    known_years: frozenset[int] = frozenset()
    _index: "_WorkdayIndex" = field(init=False, repr=False, compare=False)
    provisional_days_off: frozenset[dt.date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        statutory = [statutory_days_off(y) for y in range(STATUTORY_SINCE, STATUTORY_UNTIL + 1)
                     if y not in self.known_years]
        object.__setattr__(self, "provisional_days_off", frozenset().union(*statutory))
        object.__setattr__(self, "_index", _WorkdayIndex(self))

    # -- construction ---------------------------------------------------------

    @classmethod
    def from_schedule(
        cls,
        days: Iterable[tuple[dt.date, bool]],
        known_years: Iterable[int],
    ) -> "HolidayCalendar":
        """Build from ``(date, is_working_day)`` rows, as stored in the database."""
        off, work = set(), set()
        for day, is_working in days:
            (work if is_working else off).add(day)
        return cls(frozenset(off), frozenset(work), frozenset(known_years))

    @classmethod
    def from_package(cls) -> "HolidayCalendar":
        """The schedules shipped with the ``chinesecalendar`` package."""
        rows, years = package_schedule()
        return cls.from_schedule(rows, years)

    # -- questions --------------------------------------------------------------

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.days_off or day in self.provisional_days_off:
            return False
        return day.weekday() < 5

    def spans_unknown(self, first: dt.date, last: dt.date) -> bool:
        """True when some day from ``first`` to ``last`` lies in an unpublished year."""
        return any(year not in self.known_years for year in range(first.year, last.year + 1))

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the next one."""
        _check(day)
        return self._index.on_or_after(day)

    # -- periods ----------------------------------------------------------------

    def add_days(
        self, start: dt.date, days: int, counting: Counting = DEFAULT_COUNTING
    ) -> DueDate:
        """The last day of a period of ``days`` calendar days from ``start``."""
        _check(start)
        if days < 1:
            raise ValueError("a period has at least one day")
        try:
            end = start + dt.timedelta(days=days if counting.exclude_start_day else days - 1)
        except OverflowError:  # past year 9999: still just "too late"
            raise CalendarError(f"the period ends after {LATEST.isoformat()}") from None
        _check(end)
        if counting.roll_to_working_day:
            end = self._index.on_or_after(end)
        return DueDate(end, self.spans_unknown(start, end))

    def add_working_days(
        self, start: dt.date, days: int, counting: Counting = DEFAULT_COUNTING
    ) -> DueDate:
        """The last day of a period of ``days`` working days from ``start``.

        With the start day excluded, the first working day after ``start`` is
        day one; otherwise ``start`` itself is day one when it is a working day.
        """
        _check(start)
        if days < 1:
            raise ValueError("a period has at least one day")
        end = self._index.nth_after(start, days, include_start=not counting.exclude_start_day)
        _check(end)  # the index runs past LATEST; later dates are refused, as in add_days
        return DueDate(end, self.spans_unknown(start, end))

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``(first, last]``: how many have passed since ``first``."""
        _check(first)
        _check(last)
        return self._index.count_between(first, last)


def _check(day: dt.date) -> None:
    if not isinstance(day, dt.date):
        raise CalendarError(f"not a date: {day!r}")
    if day < EARLIEST:
        raise CalendarError(
            f"{day.isoformat()} is before {EARLIEST.isoformat()}: "
            "no official holiday schedule exists for it"
        )
    if day > LATEST:
        raise CalendarError(f"{day.isoformat()} is after {LATEST.isoformat()}")


class _WorkdayIndex:
    """Sorted ordinals of every working day from 2004 to 2199, for bisecting.

    Built once per calendar (about 51,000 working days, a few milliseconds);
    every period is then two binary searches instead of a day-by-day walk.
    """

    def __init__(self, calendar: HolidayCalendar) -> None:
        first, last = EARLIEST.toordinal(), LATEST.toordinal() + 60
        off = {d.toordinal() for d in calendar.days_off | calendar.provisional_days_off}
        work = {d.toordinal() for d in calendar.makeup_workdays}
        # 0001-01-01 (ordinal 1) was a Monday, so (n - 1) % 7 is the weekday.
        self.ordinals = [
            n
            for n in range(first, last + 1)
            if n in work or (n not in off and (n - 1) % 7 < 5)
        ]

    def on_or_after(self, day: dt.date) -> dt.date:
        i = bisect_left(self.ordinals, day.toordinal())
        return dt.date.fromordinal(self.ordinals[i])

    def nth_after(self, start: dt.date, n: int, include_start: bool) -> dt.date:
        n0 = start.toordinal()
        i = bisect_left(self.ordinals, n0) if include_start else bisect_right(self.ordinals, n0)
        j = i + n - 1
        if j >= len(self.ordinals):
            raise CalendarError("the period ends after the last supported date")
        return dt.date.fromordinal(self.ordinals[j])

    def count_between(self, first: dt.date, last: dt.date) -> int:
        return bisect_right(self.ordinals, last.toordinal()) - bisect_right(
            self.ordinals, first.toordinal()
        )


def package_schedule() -> tuple[list[tuple[dt.date, bool]], list[int]]:
    """Rows ``(date, is_working_day)`` and the years covered, from ``chinesecalendar``.

    Only days that differ from the plain weekend rule need storing: holiday
    days falling Monday to Friday, and weekend make-up working days. Weekend
    days inside a holiday period are stored too, so that the holiday's name
    can be shown on them.
    """
    import chinese_calendar  # imported here: only seeding needs the package

    rows: list[tuple[dt.date, bool]] = [(d, False) for d in chinese_calendar.holidays]
    rows += [(d, True) for d in chinese_calendar.workdays]
    years = sorted({d.year for d, _ in rows})
    # The package covers every year from its first to its last.
    return rows, list(range(years[0], years[-1] + 1))


def parse_schedule_lines(lines: Iterable[str]) -> list[tuple[dt.date, bool, str]]:
    """Parse an administrator's schedule file: ``YYYY-MM-DD,off|work[,name]`` a line.

    Blank lines and lines starting with ``#`` are ignored. Raises ``ValueError``
    naming the first bad line; returns nothing partial.
    """
    rows: list[tuple[dt.date, bool, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2:
            raise ValueError(f"line {number}: expected 'YYYY-MM-DD,off|work[,name]', got {line!r}")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise ValueError(f"line {number}: {parts[0]!r} is not a date (YYYY-MM-DD)") from None
        try:
            _check(day)
        except CalendarError as e:
            raise CalendarError(f"line {number}: {e}") from None
        kind = parts[1].lower()
        if kind not in {"off", "work"}:
            raise ValueError(f"line {number}: the second field must be 'off' or 'work', not {parts[1]!r}")
        rows.append((day, kind == "work", parts[2] if len(parts) > 2 else ""))
    return rows

