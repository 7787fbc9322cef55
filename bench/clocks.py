"""Benchmark: statutory due dates per second with the real holiday calendar.

Computes due dates for N cases (random start dates over 2024-2026, a random mix
of every rule in ``casework.rules.clocks.RULES``: calendar-day and working-day
rules) with ``HolidayCalendar.from_package()``, then checks a sample against a
naive day-by-day walk over ``chinese_calendar`` (weekends only for years the
package does not cover) and reports how much faster the calendar is.

    .venv/bin/python bench/clocks.py [--cases N] [--sample S] [--seed K]

Exits non-zero if any sampled due date differs from the naive walk. The last
line is machine-readable: ``RESULT due_dates_per_s=<n> naive_ratio=<x>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import chinese_calendar  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bisect import bisect_left, bisect_right  # noqa: E402

from casework.rules.calendar import EARLIEST, LATEST, HolidayCalendar  # noqa: E402
from casework.rules.clocks import RULES, Rule, Unit  # noqa: E402

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
CHUNK = 10_000


def make_cases(n: int, seed: int) -> tuple[list[dt.date], list[Rule]]:
    rng = random.Random(seed)
    lo, hi = FIRST.toordinal(), LAST.toordinal()
    fromordinal = dt.date.fromordinal
    starts = [fromordinal(rng.randint(lo, hi)) for _ in range(n)]
    rules = rng.choices(list(RULES.values()), k=n)
    return starts, rules


# -- the naive reference: one day at a time ---------------------------------------------


def _naive_is_workday(day: dt.date) -> tuple[bool, bool]:
    """(working day?, from the official schedule?)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # a year the package has no schedule for
        return day.weekday() < 5, False


def naive_due(start: dt.date, rule: Rule) -> tuple[dt.date, bool]:
    """Start day not counted (民法典 Art 201); calendar-day periods ending on a day off
    roll to the next working day (Art 203); provisional if any day walked is unofficial."""
    one = dt.timedelta(days=1)
    day, official = start, _naive_is_workday(start)[1]
    if rule.unit is Unit.WORKING_DAYS:
        counted = 0
        while counted < rule.days:
            day += one
            working, known = _naive_is_workday(day)
            official = official and known
            counted += working
        return day, not official
    for _ in range(rule.days):
        day += one
        official = official and _naive_is_workday(day)[1]
    working, known = _naive_is_workday(day)
    while not working:
        day += one
        working, known = _naive_is_workday(day)
        official = official and known
    return day, not official


# -- a fair naive baseline: same walk, set lookups instead of chinese_calendar calls --------

_CC_FIRST = min(chinese_calendar.holidays).year
_CC_LAST = max(chinese_calendar.holidays).year
_CC_HOLIDAYS = frozenset(chinese_calendar.holidays)
_CC_WORKDAYS = frozenset(chinese_calendar.workdays)


def _set_is_workday(day: dt.date) -> tuple[bool, bool]:
    if _CC_FIRST <= day.year <= _CC_LAST:
        return day in _CC_WORKDAYS or (day.weekday() < 5 and day not in _CC_HOLIDAYS), True
    return day.weekday() < 5, False


# -- a prototype of the faster API proposed in the report (not part of casework) ----------


class OrdinalDueDates:
    """Due dates on day ordinals, in bulk: what ``HolidayCalendar`` could offer as
    ``due_ordinals(days, unit, starts)``. Built only from the calendar's public
    ``is_working_day`` and ``known_years`` (contiguous from 2004, as ``from_package``
    makes them), it skips what each ``add_days`` call repeats: validating the date,
    scanning the years for ``spans_unknown`` and building a ``DueDate``."""

    def __init__(self, calendar: HolidayCalendar) -> None:
        first, last = EARLIEST.toordinal(), LATEST.toordinal() + 60
        fromordinal = dt.date.fromordinal
        self.ordinals = [n for n in range(first, last + 1) if calendar.is_working_day(fromordinal(n))]
        years = sorted(calendar.known_years)
        assert years == list(range(years[0], years[-1] + 1)) and years[0] <= EARLIEST.year
        self.last_known = dt.date(years[-1], 12, 31).toordinal()

    def due(self, days: int, unit: Unit, starts: list[int]) -> list[tuple[int, bool]]:
        """Start day excluded, roll on (the default counting); ordinals in and out."""
        ords, last_known = self.ordinals, self.last_known
        if unit is Unit.WORKING_DAYS:
            ends = [ords[bisect_right(ords, s) + days - 1] for s in starts]
        else:
            ends = [ords[bisect_left(ords, s + days)] for s in starts]
        return [(e, e > last_known) for e in ends]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="due dates to compute (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=20_000, help="cases checked against the naive walk")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    n = args.cases
    sample = min(args.sample, n)

    t0 = time.perf_counter()
    calendar = HolidayCalendar.from_package()
    print(f"calendar: years {min(calendar.known_years)}-{max(calendar.known_years)} known, "
          f"built in {(time.perf_counter() - t0) * 1000:.1f} ms")
    starts, rules = make_cases(n, args.seed)
    mix = {name: 0 for name in RULES}
    for r in rules:
        mix[r.name] += 1
    print(f"cases: {n:,} starting {FIRST}..{LAST}; rules: "
          + ", ".join(f"{k}={v:,}" for k, v in mix.items()))

    # -- the real calendar, every case ---------------------------------------------------
    kept = []  # due dates of the first `sample` cases, for the comparison
    with tqdm(total=n, unit="case", unit_scale=True, desc="HolidayCalendar", mininterval=0.5) as bar:
        t0, c0 = time.perf_counter(), time.process_time()
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            dues = [rule.due(start, calendar) for start, rule in zip(starts[lo:hi], rules[lo:hi])]
            if lo < sample:
                kept.extend(dues[: sample - lo])
            bar.update(hi - lo)
        fast_s, fast_cpu = time.perf_counter() - t0, time.process_time() - c0
    fast_rate = n / fast_s
    provisional = sum(d.provisional for d in kept)
    print(f"HolidayCalendar: {n:,} due dates in {fast_s:.2f} s (cpu {fast_cpu:.2f} s) = {fast_rate:,.0f} due dates/s "
          f"({provisional:,} of the first {sample:,} provisional)")
    if fast_s > 1.25 * fast_cpu:
        print(f"NOTE: wall time is {fast_s / fast_cpu:.1f}x cpu time: the machine is busy and the rates understate")

    # -- the naive walk, on a sample -------------------------------------------------------
    t0 = time.perf_counter()
    naive = [naive_due(s, r) for s, r in tqdm(
        zip(starts[:sample], rules[:sample]), total=sample, unit="case", desc="naive walk", mininterval=0.5
    )]
    naive_s = time.perf_counter() - t0
    naive_rate = sample / naive_s if naive_s else float("inf")
    print(f"naive day-by-day walk: {sample:,} due dates in {naive_s:.2f} s = {naive_rate:,.0f} due dates/s "
          f"(extrapolated to {n:,}: {n / naive_rate:.1f} s)")

    mismatches = [
        (starts[i], rules[i].name, kept[i], naive[i])
        for i in range(sample)
        if (kept[i].on, kept[i].provisional) != naive[i]
    ]
    print(f"mismatches on the sample: {len(mismatches)}")
    for start, name, got, want in mismatches[:10]:
        print(f"  {name} from {start}: calendar {got}, naive {want[0]}{' provisional' if want[1] else ''}")

    # -- for context: the same walk without chinese_calendar's per-call overhead ----------
    global _naive_is_workday
    cc_is_workday, _naive_is_workday = _naive_is_workday, _set_is_workday
    t0 = time.perf_counter()
    naive_sets = [naive_due(s, r) for s, r in zip(starts[:sample], rules[:sample])]
    sets_s = time.perf_counter() - t0
    _naive_is_workday = cc_is_workday
    sets_rate = sample / sets_s
    print(f"naive walk with set lookups: {sets_rate:,.0f} due dates/s "
          f"(HolidayCalendar is {fast_rate / sets_rate:.2f}x that; same answers: {naive_sets == naive})")

    # -- for context: a prototype of the proposed bulk ordinal API --------------------------
    t0 = time.perf_counter()
    proto = OrdinalDueDates(calendar)
    build_s = time.perf_counter() - t0
    by_rule: dict[str, list[int]] = {name: [] for name in RULES}
    for i, (start, rule) in enumerate(zip(starts, rules)):
        by_rule[rule.name].append(i)
    ordinals = [s.toordinal() for s in starts]
    proto_out: list[tuple[int, bool] | None] = [None] * n
    t0 = time.perf_counter()
    for name, idx in by_rule.items():
        rule = RULES[name]
        for i, res in zip(idx, proto.due(rule.days, rule.unit, [ordinals[i] for i in idx])):
            proto_out[i] = res
    proto_s = time.perf_counter() - t0
    proto_rate = n / proto_s
    proto_bad = sum(
        1 for i in range(sample) if proto_out[i] != (kept[i].on.toordinal(), kept[i].provisional)
    )
    print(f"prototype bulk ordinal API: {proto_rate:,.0f} due dates/s ({proto_rate / fast_rate:.1f}x "
          f"HolidayCalendar; index built in {build_s * 1000:.0f} ms; mismatches on the sample: {proto_bad})")

    ratio = fast_rate / naive_rate
    print(f"ratio HolidayCalendar / naive: {ratio:.2f}x")
    print(f"RESULT due_dates_per_s={fast_rate:.0f} naive_ratio={ratio:.2f}")
    return 1 if mismatches or proto_bad else 0


if __name__ == "__main__":
    sys.exit(main())
