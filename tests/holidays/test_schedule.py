"""The official holiday schedule: seeding, importing a newly published year, recomputing open cases.

DESIGN.md "Deadlines": clocks count with the official holiday and make-up
working day calendar; a due date in a year whose schedule is not yet entered
is provisional (weekends only) and is recomputed when an administrator enters
it. Periods: 民法典 Art 201 (start day not counted), Art 203 (a period ending
on a statutory day off ends on the next working day). Handling period:
信访工作条例 Art 34 (60 days from acceptance).

The cases here are accepted a few days before today, so that their 60-day
handling clock ends in the first year the package does not know (2027 while
these tests were written); the made-up schedule for that year is built around
the provisional due date so that the import moves it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from casework.cases.actions import case_accept
from casework.cases.models import Case
from casework.holidays.models import ScheduleDay, ScheduleYear
from casework.holidays.services import current_calendar

from tests.conftest import register



def seed() -> str:
    out = StringIO()
    call_command("seed_holidays", stdout=out)
    return out.getvalue()


def import_file(path: Path) -> str:
    out = StringIO()
    call_command("import_holidays", str(path), stdout=out)
    return out.getvalue()


def snapshot(year: int | None = None) -> list[tuple]:
    days = ScheduleDay.objects.filter(day__year=year) if year else ScheduleDay.objects.all()
    return sorted(days.values_list("day", "is_working_day", "name"))


def years() -> dict[int, str]:
    return dict(ScheduleYear.objects.values_list("year", "source"))


def is_working(day: dt.date, off: set[dt.date], work: set[dt.date]) -> bool:
    return day in work or (day not in off and day.weekday() < 5)


def accepted_case(world, *, accepted_on: dt.date) -> Case:
    """A case registered two days before ``accepted_on`` and accepted then (Art 34 clock starts)."""
    case = register(world, received_on=accepted_on - dt.timedelta(days=2)).case
    case_accept(world.users["handler_a"], case_id=case.pk, on=accepted_on)
    case.refresh_from_db()
    return case


@pytest.fixture
def open_case(world):
    """Seeded package schedules; one open case whose handling period ends in an unpublished year."""
    seed()
    case = accepted_case(world, accepted_on=timezone.localdate() - dt.timedelta(days=10))
    return case


def schedule_around(due: dt.date) -> tuple[str, set[dt.date], set[dt.date]]:
    """A made-up schedule for ``due.year``: New Year, a two-day holiday on ``due``, a make-up Saturday."""
    off = {dt.date(due.year, 1, 1), due, due + dt.timedelta(days=1)}
    saturday = due + dt.timedelta(days=2)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    work = {saturday}
    lines = [f"# {due.year} (made up for the test)", ""]
    lines += [f"{d.isoformat()},off,{'元旦' if d.month == 1 and d.day == 1 else '测试假日'}" for d in sorted(off)]
    lines += [f"{d.isoformat()},WORK,调休上班" for d in sorted(work)]
    return "\n".join(lines) + "\n", off, work


# -- seeding ---------------------------------------------------------------------------


def test_seed_holidays_is_idempotent(db):
    # given: an empty schedule
    assert ScheduleDay.objects.count() == 0
    # when: seeded twice
    first = seed()
    after_first = snapshot()
    second = seed()
    # then: the package years 2004..2026 are known, the second run adds nothing
    assert years() == {y: "package" for y in range(2004, 2027)}
    assert f"{len(after_first)} days and 23 years added" in first
    assert "0 days and 0 years added" in second
    assert snapshot() == after_first
    # and the seeded days are the official ones, e.g. National Day 2026 off, Sat 10 Oct 2026 worked
    assert ScheduleDay.objects.get(day=dt.date(2026, 10, 1)).is_working_day is False
    assert ScheduleDay.objects.get(day=dt.date(2026, 10, 10)).is_working_day is True


def test_seed_keeps_a_year_an_administrator_entered(db, tmp_path):
    # given: 2026 replaced by a file (say, a correction) with a single day off
    seed()
    path = tmp_path / "2026.csv"
    path.write_text("2026-10-01,off,国庆节\n", encoding="utf-8")
    import_file(path)
    # when: seeded again
    out = seed()
    # then: the administrator's 2026 stands
    assert "0 days and 0 years added" in out
    assert years()[2026] == "file"
    assert list(ScheduleDay.objects.filter(day__year=2026).values_list("day", flat=True)) == [dt.date(2026, 10, 1)]


# -- importing a newly published year ----------------------------------------------------


def test_import_marks_the_year_known_and_recomputes_open_cases(world, open_case, tmp_path):
    # given: an open case whose Art 34 handling period ends in a year with no published schedule
    case = open_case
    due_before = case.due_on
    assert case.due_rule == "handling"
    assert due_before.year not in years()
    assert case.due_provisional is True
    assert is_working(due_before, set(), set())  # counted with weekends only
    # and another open case whose clock lies wholly in a published year (2026)
    settled = register(world, received_on=dt.date(2026, 3, 2)).case  # receipt notice due 17 Mar 2026
    assert (settled.due_on, settled.due_provisional) == (dt.date(2026, 3, 17), False)
    # when: the year is published with a holiday on exactly that due date, and imported
    text, off, work = schedule_around(due_before)
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    out = import_file(path)
    # then: the year is known, the days are stored with their names
    assert years()[due_before.year] == "file"
    stored = {d: (w, n) for d, w, n in ScheduleDay.objects.filter(day__year=due_before.year).values_list(
        "day", "is_working_day", "name")}
    assert stored == {**{d: (False, "元旦" if d.month == 1 and d.day == 1 else "测试假日") for d in off},
                      **{d: (True, "调休上班") for d in work}}
    assert current_calendar().is_known(due_before)
    # and the case's due date moved to the next working day after the holiday (Civil Code Art 203),
    # no longer provisional
    case.refresh_from_db()
    expected = due_before + dt.timedelta(days=1)
    while not is_working(expected, off, work):
        expected += dt.timedelta(days=1)
    assert expected > due_before
    assert (case.due_on, case.due_rule, case.due_provisional) == (expected, "handling", False)
    assert f"imported {len(off) + len(work)} days for {due_before.year}; 1 open cases changed due date" in out
    # and the other case did not change
    settled.refresh_from_db()
    assert (settled.due_on, settled.due_provisional) == (dt.date(2026, 3, 17), False)


def test_import_replaces_the_whole_year(db, tmp_path):
    # given: a year imported once
    first = tmp_path / "first.csv"
    first.write_text("2027-01-01,off,元旦\n2027-02-08,off,春节\n2027-02-06,work\n", encoding="utf-8")
    import_file(first)
    # when: a corrected file for that year
    second = tmp_path / "second.csv"
    second.write_text("2027-01-01,off,元旦\n2027-02-10,off,春节\n", encoding="utf-8")
    import_file(second)
    # then: only the corrected days remain
    assert snapshot(2027) == [(dt.date(2027, 1, 1), False, "元旦"), (dt.date(2027, 2, 10), False, "春节")]


def test_import_into_an_unseeded_database_keeps_the_package_years(world, tmp_path):
    # given: a fresh installation that never ran seed_holidays, and a case accepted on 2 Mar 2026:
    # Art 34, 60 days end on 1 May 2026, Labour Day (1-5 May off), so the due date is 6 May
    case = accepted_case(world, accepted_on=dt.date(2026, 3, 2))
    assert (case.due_on, case.due_provisional) == (dt.date(2026, 5, 6), False)
    # when: the administrator imports next year's schedule only
    path = tmp_path / "2027.csv"
    path.write_text("2027-01-01,off,元旦\n", encoding="utf-8")
    import_file(path)
    # then: 2026 still counts with its official holidays (the package's schedules were stored first)
    assert years()[2026] == "package"
    assert years()[2027] == "file"
    case.refresh_from_db()
    assert (case.due_on, case.due_provisional) == (dt.date(2026, 5, 6), False)
    assert current_calendar().is_known(dt.date(2026, 5, 1))
    assert not current_calendar().is_working_day(dt.date(2026, 5, 1))


# -- a bad file changes nothing --------------------------------------------------------


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("2027-01-01,off,元旦\n# comment\n2027-02-30,off,春节\n", "line 3", "2027-02-30"),
        ("2027-01-01,off\n2027-02-06,holiday\n", "line 2", "holiday"),
        ("2027-01-01,off\n\n2027-02-06\n", "line 3", "off|work"),
        ("2027-01-01,off\n2003-10-01,off,国庆节\n", "line 2", "2004-01-01"),
    ],
    ids=["bad-date", "bad-kind", "missing-kind", "before-2004"],
)
def test_bad_file_is_refused_naming_the_line_and_changes_nothing(open_case, tmp_path, content, line, words):
    # given: the seeded schedule and an open case with a provisional due date
    before_days, before_years = snapshot(), years()
    before_case = (open_case.due_on, open_case.due_provisional)
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    # when
    with pytest.raises(CommandError) as error:
        import_file(path)
    # then: a one-line message naming the line and what is wrong; nothing stored, nothing recomputed
    message = str(error.value)
    assert line in message
    assert words in message
    assert "\n" not in message
    assert snapshot() == before_days
    assert years() == before_years
    open_case.refresh_from_db()
    assert (open_case.due_on, open_case.due_provisional) == before_case


def test_bad_file_does_not_disturb_an_imported_year(db, tmp_path):
    # given: 2027 imported
    good = tmp_path / "good.csv"
    good.write_text("2027-01-01,off,元旦\n", encoding="utf-8")
    import_file(good)
    before, before_years = snapshot(), years()
    assert before_years[2027] == "file"
    # when: a broken replacement for 2027
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,off,元旦\n2027-01-02,of\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        import_file(bad)
    # then
    assert snapshot() == before
    assert years() == before_years


def test_duplicate_day_is_refused_and_changes_nothing(db, tmp_path):
    # given: the same day twice
    path = tmp_path / "dup.csv"
    path.write_text("2027-01-01,off,元旦\n2027-02-06,work\n2027-01-01,work\n", encoding="utf-8")
    # when
    with pytest.raises(CommandError) as error:
        import_file(path)
    # then: a clear message naming the day, not a database error
    assert "2027-01-01" in str(error.value)
    assert ScheduleDay.objects.count() == 0
    assert years() == {}


def test_empty_file_is_refused(db, tmp_path):
    # given: comments only
    path = tmp_path / "empty.csv"
    path.write_text("# nothing published yet\n\n", encoding="utf-8")
    # when / then
    with pytest.raises(CommandError):
        import_file(path)
    assert years() == {}


def test_missing_file_is_refused(db, tmp_path):
    # given / when / then
    with pytest.raises(CommandError, match="no such file"):
        import_file(tmp_path / "absent.csv")


# -- the administrator's way: enter the year in the admin, then recompute ------------------


def test_admin_entry_and_recompute_action(open_case, admin_client):
    # given: the case's provisional due date; the administrator enters that day as a holiday and
    # marks the year published, through the admin forms
    due = open_case.due_on
    assert open_case.due_provisional is True
    response = admin_client.post(
        "/admin/holidays/scheduleday/add/", {"day": due.isoformat(), "name": "测试假日", "_save": "保存"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = admin_client.post(
        "/admin/holidays/scheduleyear/add/", {"year": due.year, "source": "admin", "_save": "保存"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    open_case.refresh_from_db()
    assert open_case.due_on == due  # not yet recomputed
    # when: the "recompute" action on the year
    response = admin_client.post(
        "/admin/holidays/scheduleyear/",
        {"action": "recompute", "_selected_action": [due.year], "index": 0},
        follow=True,
    )
    # then: the case moved past the holiday to the next working day (Art 203) and is no longer provisional
    assert response.status_code == 200
    assert "1 件案件的期限有变化" in response.content.decode()
    open_case.refresh_from_db()
    expected = due + dt.timedelta(days=1)
    while expected.weekday() >= 5:
        expected += dt.timedelta(days=1)
    assert (open_case.due_on, open_case.due_provisional) == (expected, False)
