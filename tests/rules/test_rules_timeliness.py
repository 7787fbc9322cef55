"""How late a unit is and how often it answered on time (信访工作条例 Art 34, 35, 36, 45(1)).

Every expected number below is counted by hand on a calendar.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casework.rules.calendar import HolidayCalendar
from casework.rules.clocks import RULES, ClockState, Happening, derive_clocks, duty_clock
from casework.rules.timeliness import days_overdue, on_time_rate

D = dt.date
CAL = HolidayCalendar.from_package()


def test_only_the_units_own_limits_are_duties_xinfang_art_45_1():
    """Art 45(1) 「未在规定期限内办结」 holds a unit to its own limits: the receipt notice (Art 22, 23), handling
    (Art 34) and the review and re-review decisions (Art 35, 36). The complainant's request windows (Art 35,
    36), a receiving unit's objection window (Art 23 ¶3) and judicial confirmation are not the unit's duty."""
    # given / when
    duties = {name for name, rule in RULES.items() if rule.unit_duty}
    # then
    assert duties == {"receipt_notice", "handling", "review_decision", "rereview_decision"}


def test_handling_overdue_in_calendar_days_xinfang_art_34_45_1():
    """Art 34: handling is counted in calendar days, so its lateness is too. Due Mon 2 Mar 2026:
    on Tue 10 Mar the unit is 8 days late (3..10 March), on the due day itself not at all."""
    # given
    rule = RULES["handling"]
    # when / then
    assert days_overdue(rule, D(2026, 3, 2), D(2026, 3, 10), CAL) == 8
    assert days_overdue(rule, D(2026, 3, 2), D(2026, 3, 2), CAL) == 0
    assert days_overdue(rule, D(2026, 3, 2), D(2026, 2, 20), CAL) == 0
    assert days_overdue(rule, None, D(2026, 3, 10), CAL) == 0  # a paused clock (Art 36 ¶2) has no due date


def test_a_working_day_duty_is_late_in_working_days_xinfang_art_23_3():
    """A limit in working days (Art 23 ¶3 「5个工作日」) is late in working days: due Wed 30 Sep 2026, on Fri 9 Oct
    it is 2 working days late (8 and 9 Oct: 1-7 Oct is the National Day holiday), 3 on Sat 10 Oct (a make-up
    working day) and still 3 on Sun 11 Oct; in calendar days it would have been 9, 10 and 11."""
    # given a duty counted in working days (no such statutory duty today: the objection window is an option)
    from dataclasses import replace

    rule = replace(RULES["forward_objection"], unit_duty=True)
    # when / then
    assert days_overdue(rule, D(2026, 9, 30), D(2026, 10, 9), CAL) == 2
    assert days_overdue(rule, D(2026, 9, 30), D(2026, 10, 10), CAL) == 3
    assert days_overdue(rule, D(2026, 9, 30), D(2026, 10, 11), CAL) == 3


@pytest.mark.parametrize("name", ["review_request", "rereview_request", "forward_objection", "judicial_confirmation"])
def test_a_window_that_is_not_the_units_duty_is_never_overdue_xinfang_art_35_36(name):
    """Art 35, 36: the complainant has 30 days to ask for review or re-review. A case waiting in that window is
    waiting on the complainant; however long ago it ended, no unit is late because of it."""
    # given / when / then
    assert days_overdue(RULES[name], D(2026, 1, 5), D(2026, 6, 30), CAL) == 0


def test_a_forwarded_matter_is_late_on_its_receipt_notice_not_its_objection_window_xinfang_art_23_3():
    """Art 23 ¶3: a forwarded matter runs the objection window (5 working days) and the receipt notice (15 days).
    The duty clock is the notice: once the window passes the unit is still on time until day 15."""
    # given a matter forwarded on Mon 2 Mar 2026
    clocks = derive_clocks([Happening("register", D(2026, 3, 2)), Happening("forward", D(2026, 3, 2))], CAL)
    # when
    duty = duty_clock(clocks)
    # then: the window ends Mon 9 Mar, the notice Tue 17 Mar
    assert duty.name == "receipt_notice" and duty.due.on == D(2026, 3, 17)
    assert days_overdue(duty.rule, duty.due.on, D(2026, 3, 12), CAL) == 0
    assert days_overdue(duty.rule, duty.due.on, D(2026, 3, 20), CAL) == 3


def test_a_replied_matter_has_no_duty_clock_xinfang_art_35():
    """Art 35: after the reply only the complainant's review window runs; the unit owes nothing now."""
    # given
    history = [Happening("register", D(2026, 3, 2)), Happening("accept", D(2026, 3, 3)),
               Happening("reply", D(2026, 4, 1), {"received_on": D(2026, 4, 2)})]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    assert duty_clock(clocks) is None
    assert [c.name for c in clocks if c.state is ClockState.RUNNING] == ["review_request"]


def test_on_time_rate_counts_overdue_unanswered_cases_as_late_xinfang_art_34_45_1():
    """按期答复率 (Art 34, 45(1)), on a hand-counted unit: 10 replies of which 8 on time, and 2 cases past their
    limit still unanswered. 12 answers were owed and 8 came on time: 8/12, not 8/10. With no late reply but
    nine overdue cases the rate is 0, never 100%."""
    # given / when / then
    assert on_time_rate(on_time=8, replied=10, overdue_unanswered=2) == pytest.approx(8 / 12)
    assert on_time_rate(on_time=0, replied=0, overdue_unanswered=9) == 0
    assert on_time_rate(on_time=3, replied=3, overdue_unanswered=0) == 1
    assert on_time_rate(on_time=0, replied=0, overdue_unanswered=0) is None


@pytest.mark.parametrize("counts", [dict(on_time=3, replied=2, overdue_unanswered=0),
                                    dict(on_time=1, replied=2, overdue_unanswered=-1)])
def test_on_time_rate_refuses_impossible_counts(counts):
    """More on-time answers than answers, or a negative count, is a bug upstream: refused, not a rate above 100%."""
    with pytest.raises(ValueError):
        on_time_rate(**counts)
