"""``manage.py due_date``: staff ask "by when?" for a named statutory rule or a number of days.

Counting follows 民法典 Art 201 (the start day is not counted) and Art 203 (a
period ending on a statutory day off ends on the next working day), with the
official 2026 schedule (chinesecalendar): 1-3 Jan, 15-23 Feb, 4-6 Apr,
1-5 May, 1-7 Oct off; 4 Jan, 14 and 28 Feb, 9 May, 20 Sep, 10 Oct worked.
A test database with no schedule rows counts with the package's schedules
(``holidays.services.current_calendar``), which end with 2026.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.rules.clocks import RULES

ROOT = Path(__file__).resolve().parent.parent.parent


def due_date(*args: str) -> str:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    """The command's CommandError message; it must be one line."""
    with pytest.raises(CommandError) as error:
        due_date(*args)
    message = str(error.value)
    assert message.strip()
    assert "\n" not in message.strip()
    return message


# One start per rule, each chosen so the count meets the calendar in a way the rule is about.
EXPECTED = {
    # Art 22, 23: 15 days from 16 Sep end on 1 Oct, National Day: rolls past 1-7 Oct (Civil Code Art 203).
    "receipt_notice": ("2026-09-16", "2026-10-08"),
    # Art 23 ¶3: 5 working days from Mon 28 Sep: 29, 30 Sep, 8, 9 Oct, then Sat 10 Oct, a make-up working day.
    "forward_objection": ("2026-09-28", "2026-10-10"),
    # Art 34: 60 days from 2 Mar end on 1 May, Labour Day: rolls past 1-5 May.
    "handling": ("2026-03-02", "2026-05-06"),
    # Art 35: 30 days from 1 Jan end on Sat 31 Jan (no make-up day): the next Monday.
    "review_request": ("2026-01-01", "2026-02-02"),
    # Art 35: 30 days from 16 Jan end on 15 Feb, the first day of Spring Festival: rolls past 15-23 Feb.
    "review_decision": ("2026-01-16", "2026-02-24"),
    # Art 36 ¶1: 30 days from 1 Sep end on 1 Oct: rolls past National Day.
    "rereview_request": ("2026-09-01", "2026-10-08"),
    # Art 36 ¶1: 30 days from 1 Jun end on Wed 1 Jul, a working day: no roll.
    "rereview_decision": ("2026-06-01", "2026-07-01"),
    # 人民调解法 Art 33: 30 days from 5 Apr end on 5 May: rolls to 6 May.
    "judicial_confirmation": ("2026-04-05", "2026-05-06"),
}


def test_every_rule_has_an_expectation():
    # given / when / then: a new rule needs a line in EXPECTED
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_prints_its_due_date(db, rule):
    # given
    start, expected = EXPECTED[rule]
    # when
    out = due_date(start, "--rule", rule)
    # then: exactly the date, YYYY-MM-DD, on one line
    assert out == expected + "\n"


def test_start_day_is_not_counted(db):
    # given: Civil Code Art 201: a 1-day period from Mon 30 Nov 2026 ends on Tue 1 Dec
    # when / then
    assert due_date("2026-11-30", "--days", "1") == "2026-12-01\n"


def test_due_date_past_the_published_schedules_is_provisional(db):
    # given: 60 days (Art 34) from 1 Dec 2026 end on Sat 30 Jan 2027; no 2027 schedule is known
    # when
    out = due_date("2026-12-01", "--rule", "handling")
    # then: weekends only, so Mon 1 Feb, marked provisional
    assert out == "2027-02-01 provisional\n"


def test_period_inside_a_published_year_is_not_provisional(db):
    # given / when
    out = due_date("2026-11-30", "--days", "30")
    # then
    assert out == "2026-12-30\n"


def test_calendar_days(db):
    # given: 1 day from 30 Sep 2026 ends on 1 Oct, a holiday (Art 203)
    # when / then
    assert due_date("2026-09-30", "--days", "1") == "2026-10-08\n"


def test_working_days(db):
    # given: 3 working days from 30 Sep 2026: 8 Oct, 9 Oct, Sat 10 Oct (make-up working day)
    # when / then
    assert due_date("2026-09-30", "--days", "3", "--working-days") == "2026-10-10\n"


def test_working_days_into_an_unpublished_year_are_provisional(db):
    # given: 3 working days from Wed 30 Dec 2026: 31 Dec, (Fri 1 Jan 2027 is 元旦, 放假办法 Art 2, whatever 2027's
    # notice adds), Mon 4 Jan, Tue 5 Jan
    # when / then
    assert due_date("2026-12-30", "--days", "3", "--working-days") == "2027-01-05 provisional\n"


def test_answers_follow_an_imported_schedule(db, tmp_path):
    # given: the package schedules and an imported 2027 in which 1 Feb is a day off
    call_command("seed_holidays", stdout=StringIO())
    schedule = tmp_path / "2027.csv"
    schedule.write_text("2027-01-01,off,元旦\n2027-02-01,off,测试假日\n", encoding="utf-8")
    call_command("import_holidays", str(schedule), stdout=StringIO())
    # when
    out = due_date("2026-12-01", "--rule", "handling")
    # then: no longer provisional, and rolled past the new day off
    assert out == "2027-02-02\n"


def test_list_rules_names_every_rule_with_its_article(db):
    # given / when
    out = due_date("--list-rules")
    # then: one line per rule: name, length, unit, article
    lines = out.strip().splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES.values()):
        assert line.startswith(rule.name + " ")
        assert rule.article in line
        assert f" {rule.days} " in line
    assert "working days" in lines[list(RULES).index("forward_objection")]


# -- bad input: a clear one-line CommandError --------------------------------------


def test_unknown_rule_is_refused(db):
    # given / when
    message = refused("2026-03-02", "--rule", "appeal")
    # then: names the bad rule and the ones there are
    assert "appeal" in message
    assert "handling" in message


def test_date_before_2004_is_refused(db):
    # given: no official holiday schedule exists before 2004
    # when
    message = refused("2003-12-31", "--days", "5")
    # then
    assert "2003-12-31" in message
    assert "2004-01-01" in message


@pytest.mark.parametrize("bad", ["2026-02-30", "30/11/2026", "tomorrow", "2026-13-01"])
def test_impossible_date_is_refused(db, bad):
    # given / when
    message = refused(bad, "--rule", "handling")
    # then
    assert "YYYY-MM-DD" in message
    assert bad in message


def test_no_arguments_are_refused(db):
    # given / when
    message = refused()
    # then
    assert "START" in message


def test_start_alone_is_refused(db):
    # given: neither a rule nor a number of days
    # when / then
    refused("2026-03-02")


def test_rule_and_days_together_are_refused(db):
    # given / when / then
    refused("2026-03-02", "--rule", "handling", "--days", "5")


def test_rule_with_working_days_is_refused(db):
    # given: a named rule has its own unit (Art 23 ¶3 working days, the others calendar days)
    # when
    message = refused("2026-03-02", "--rule", "handling", "--working-days")
    # then
    assert "--working-days" in message


@pytest.mark.parametrize("days", ["0", "-3", "3651"])
def test_days_out_of_range_are_refused(db, days):
    # given / when
    message = refused("2026-03-02", "--days", days)
    # then
    assert "3650" in message


def test_period_ending_after_the_supported_range_is_refused(db):
    # given: a start near the end of the supported range (2199)
    # when
    message = refused("2199-12-20", "--days", "60")
    # then
    assert "2199-12-31" in message


# -- as staff run it: a separate process -------------------------------------------


def run_manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["CASEWORK_VAR_DIR"] = str(var_dir)  # its own SQLite database, never var/casework.sqlite3
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_command_line_bad_date_exits_nonzero_with_one_line(tmp_path):
    # given: a fresh, migrated database with no schedule rows (the package calendar is used)
    migrate = run_manage("migrate", "--noinput", "-v", "0", var_dir=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    # when
    bad = run_manage("due_date", "2003-01-01", "--days", "5", var_dir=tmp_path)
    good = run_manage("due_date", "2026-09-16", "--rule", "receipt_notice", var_dir=tmp_path)
    # then: the bad one fails with a single line on stderr and nothing on stdout, no traceback
    assert bad.returncode != 0
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "2003-01-01" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert (good.returncode, good.stdout) == (0, "2026-10-08\n")
