"""The statutory clocks: each named rule, replayed from a case's history.

信访工作条例 Art 22/23 (15 days), Art 23 ¶3 (5 working days), Art 34 (60 days,
one extension ≤ 30 days), Art 35 (review: request 30 days, decision 30 days),
Art 36 (re-review: request 30 days, decision 30 days, hearing time not counted),
人民调解法 Art 33 (judicial confirmation within 30 days).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from casework.rules.calendar import Counting, DueDate, HolidayCalendar
from casework.rules.clocks import (
    MAX_EXTENSION_DAYS,
    RULES,
    ClockState,
    Happening,
    Unit,
    current_clock,
    derive_clocks,
)
from casework.rules.lifecycle import TRANSITIONS

D = dt.date
CAL = HolidayCalendar.from_package()
REPLY = {"outcome": "supported", "reasons": "事实和理由", "opinion": "处理意见", "legal_basis": "依据"}


def H(action: str, on: dt.date, **params) -> Happening:
    return Happening(action, on, params)


def clocks_named(clocks, name):
    return [c for c in clocks if c.name == name]


def only(clocks, name):
    found = clocks_named(clocks, name)
    assert len(found) == 1, found
    return found[0]


# -- the table of rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, days, unit, article",
    [
        ("receipt_notice", 15, Unit.CALENDAR_DAYS, "第22条"),
        ("forward_objection", 5, Unit.WORKING_DAYS, "第23条第3款"),
        ("handling", 60, Unit.CALENDAR_DAYS, "第34条"),
        ("review_request", 30, Unit.CALENDAR_DAYS, "第35条"),
        ("review_decision", 30, Unit.CALENDAR_DAYS, "第35条"),
        ("rereview_request", 30, Unit.CALENDAR_DAYS, "第36条第1款"),
        ("rereview_decision", 30, Unit.CALENDAR_DAYS, "第36条第1款"),
        ("judicial_confirmation", 30, Unit.CALENDAR_DAYS, "人民调解法 第33条"),
    ],
)
def test_each_rule_has_the_statutory_period_and_cites_its_article(name, days, unit, article):
    """Every statutory limit (信访工作条例 Art 22-36, 人民调解法 Art 33) is a named rule."""
    # given / when
    rule = RULES[name]
    # then
    assert (rule.days, rule.unit) == (days, unit)
    assert article in rule.article
    assert rule.label and rule.description


def test_extension_limit_is_30_days_xinfang_art_34():
    """信访工作条例 Art 34: an extension 「不得超过30日」."""
    # given / when the constant the guards use; then
    assert MAX_EXTENSION_DAYS == 30


def test_every_clock_named_in_the_lifecycle_is_a_rule():
    """信访工作条例 Art 22-36: each clock a transition starts, stops, pauses, resumes or extends is a rule."""
    # given every transition; when its clock effects are listed; then each names a rule
    for t in TRANSITIONS.values():
        e = t.clocks
        for name in e.starts + e.stops + e.pauses + e.resumes + e.extends:
            assert name in RULES, (t.action, name)


# -- 信访工作条例 Art 22, 23: 15 days to tell the complainant where the matter goes ------


def test_registration_starts_the_15_day_notice_clock_xinfang_art_22():
    """信访工作条例 Art 22 ¶1 / Art 23 ¶2: 15 days from receipt; registered Mon 2 Mar 2026, due 17 Mar."""
    # given
    history = [H("register", D(2026, 3, 2))]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    c = only(clocks, "receipt_notice")
    assert c.state is ClockState.RUNNING and c.started_on == D(2026, 3, 2)
    assert c.due == DueDate(D(2026, 3, 17))
    assert current_clock(clocks) == c


def test_notice_clock_ending_in_national_day_rolls_xinfang_art_22_civil_code_art_203():
    """信访工作条例 Art 22 with 民法典 Art 203: registered 16 Sep 2026, day 15 is 1 Oct, due Thu 8 Oct."""
    # given
    history = [H("register", D(2026, 9, 16))]
    # when
    c = only(derive_clocks(history, CAL), "receipt_notice")
    # then
    assert c.due.on == D(2026, 10, 8)


def test_received_on_sets_the_start_of_the_notice_clock_xinfang_art_23_2():
    """信访工作条例 Art 23 ¶2 「自收到信访事项之日起15日内」: the period runs from receipt."""
    # given a letter received on 2 Mar 2026 but registered on 4 Mar
    history = [H("register", D(2026, 3, 4), received_on=D(2026, 3, 2))]
    # when
    c = only(derive_clocks(history, CAL), "receipt_notice")
    # then
    assert c.started_on == D(2026, 3, 2) and c.due.on == D(2026, 3, 17)


# -- 信访工作条例 Art 23 ¶3: 5 working days to object to a forwarded matter --------------------


def test_forwarding_starts_the_5_working_day_objection_clock_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3 「5个工作日内」: forwarded Mon 28 Sep 2026, the objection is due
    Sat 10 Oct (Sep 29, 30, Oct 8, 9 and the 调休 Saturday); the receiving unit's own 15-day
    notice clock starts again from receipt."""
    # given
    history = [H("register", D(2026, 9, 25)), H("forward", D(2026, 9, 28))]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    objection = only(clocks, "forward_objection")
    assert objection.state is ClockState.RUNNING
    assert objection.due == DueDate(D(2026, 10, 10))
    assert chinese_calendar.is_workday(D(2026, 10, 10))
    notices = clocks_named(clocks, "receipt_notice")
    assert [n.state for n in notices] == [ClockState.STOPPED, ClockState.RUNNING]
    assert notices[0].stopped_on == D(2026, 9, 28)
    assert notices[1].started_on == D(2026, 9, 28) and notices[1].due.on == D(2026, 10, 13)
    assert current_clock(clocks) == objection


def test_objection_stops_the_objection_clock_and_the_receipt_clock_runs_on_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3 (RULES.md §0): an objection with reasons ends the 5-working-day clock; it takes
    effect only when the sending body agrees, so until then the receiving unit's 15-day clock runs on."""
    # given
    history = [
        H("register", D(2026, 9, 25)),
        H("forward", D(2026, 9, 28)),
        H("object", D(2026, 10, 9), reason="不属于本单位职责"),
    ]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    objection = only(clocks, "forward_objection")
    assert objection.state is ClockState.STOPPED and objection.stopped_on == D(2026, 10, 9)
    running = [c for c in clocks if c.state is ClockState.RUNNING]
    assert [(c.name, c.started_on) for c in running] == [("receipt_notice", D(2026, 9, 28))]


def test_an_agreed_objection_does_not_restart_the_clock_of_the_first_receipt_xinfang_art_23_3():
    """Art 22, 23 ¶3: the sending body agrees and has the matter again; its 15 days still run from the day it
    first received the matter (25 Sep → 10 Oct), not from the return; forwarding again gives the new receiving
    unit its own 15 days from its receipt."""
    # given
    history = [
        H("register", D(2026, 9, 25)),
        H("forward", D(2026, 9, 28)),
        H("object", D(2026, 10, 9), reason="不属于本单位职责"),
        H("agree_objection", D(2026, 10, 12), received_on=D(2026, 9, 25)),
    ]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    running = [c for c in clocks if c.state is ClockState.RUNNING]
    assert [(c.name, c.started_on, c.due.on) for c in running] == [("receipt_notice", D(2026, 9, 25), D(2026, 10, 10))]
    # when it forwards again
    again = derive_clocks([*history, H("forward", D(2026, 10, 13))], CAL)
    # then the first receipt's clock is over and the receiving unit's runs from its receipt
    running = [c for c in again if c.state is ClockState.RUNNING and c.name == "receipt_notice"]
    assert [(c.started_on) for c in running] == [D(2026, 10, 13)]


# -- 信访工作条例 Art 34: 60 days from acceptance, one extension of at most 30 --------------


ACCEPTED = [H("register", D(2026, 3, 2)), H("accept", D(2026, 3, 5))]


def test_acceptance_stops_the_notice_clock_and_starts_60_day_handling_xinfang_art_34():
    """信访工作条例 Art 34 「自受理之日起60日内办结」: accepted Thu 5 Mar 2026, day 60 is
    Mon 4 May (劳动节), so due Wed 6 May (民法典 Art 203)."""
    # given / when
    clocks = derive_clocks(ACCEPTED, CAL)
    # then
    notice = only(clocks, "receipt_notice")
    assert notice.state is ClockState.STOPPED and notice.stopped_on == D(2026, 3, 5)
    handling = only(clocks, "handling")
    assert handling.state is ClockState.RUNNING and handling.started_on == D(2026, 3, 5)
    assert handling.due == DueDate(D(2026, 5, 6))
    assert chinese_calendar.is_holiday(D(2026, 5, 4)) and chinese_calendar.is_holiday(D(2026, 5, 5))


@pytest.mark.parametrize(
    "extension, due",
    [
        (30, D(2026, 6, 3)),  # day 90 is Wed 3 Jun
        (20, D(2026, 5, 25)),  # day 80 is Sun 24 May: Mon 25 May
        (1, D(2026, 5, 6)),  # day 61 is Tue 5 May (劳动节): still Wed 6 May
    ],
)
def test_approved_extension_moves_the_handling_due_date_xinfang_art_34(extension, due):
    """信访工作条例 Art 34: 「经本机关、单位负责人批准…不得超过30日」 moves the handling due date."""
    # given a request and its approval
    history = ACCEPTED + [
        H("request_extension", D(2026, 4, 20), reason="需要现场调查", extension_days=extension),
        H("approve_extension", D(2026, 4, 22), extension_days=extension),
    ]
    # when
    handling = only(derive_clocks(history, CAL), "handling")
    # then
    assert handling.extension_days == extension
    assert handling.due == DueDate(due)
    assert handling.due == CAL.add_days(D(2026, 3, 5), 60 + extension)


def test_extension_requested_but_not_approved_does_not_move_the_due_date_xinfang_art_34():
    """信访工作条例 Art 34: only an approved extension counts."""
    # given
    history = ACCEPTED + [H("request_extension", D(2026, 4, 20), reason="需要现场调查", extension_days=30)]
    # when
    handling = only(derive_clocks(history, CAL), "handling")
    # then
    assert handling.extension_days == 0 and handling.due.on == D(2026, 5, 6)


def test_handling_past_2026_is_provisional_xinfang_art_34():
    """信访工作条例 Art 34 with an unpublished 2027 schedule: the due date is provisional."""
    # given a matter accepted on 20 Nov 2026
    history = [H("register", D(2026, 11, 18)), H("accept", D(2026, 11, 20))]
    # when
    handling = only(derive_clocks(history, CAL), "handling")
    # then
    assert handling.due == DueDate(D(2027, 1, 19), provisional=True)


def test_counting_setting_reaches_every_clock_civil_code_art_201():
    """民法典 Art 201 is a setting: counting the start day shortens each period by one day."""
    # given
    history = [H("register", D(2026, 3, 2))]
    # when
    c = only(derive_clocks(history, CAL, Counting(exclude_start_day=False)), "receipt_notice")
    # then
    assert c.due.on == D(2026, 3, 16)


# -- 信访工作条例 Art 35: review ---------------------------------------------------------------


REPLIED = ACCEPTED + [H("reply", D(2026, 5, 6), received_on=D(2026, 5, 8), **REPLY)]


def test_reply_stops_handling_and_starts_review_request_window_from_receipt_xinfang_art_35():
    """信访工作条例 Art 35 「自收到书面答复之日起30日内」: reply issued 6 May 2026, received
    Fri 8 May; day 30 is Sun 7 Jun, so the window ends Mon 8 Jun."""
    # given / when
    clocks = derive_clocks(REPLIED, CAL)
    # then
    handling = only(clocks, "handling")
    assert handling.state is ClockState.STOPPED and handling.stopped_on == D(2026, 5, 6)
    window = only(clocks, "review_request")
    assert window.started_on == D(2026, 5, 8)
    assert window.due == DueDate(D(2026, 6, 8))
    assert current_clock(clocks) == window


def test_review_request_starts_30_day_review_decision_xinfang_art_35():
    """信访工作条例 Art 35 「自收到复查请求之日起30日内」: request received Mon 1 Jun 2026, due Wed 1 Jul."""
    # given
    history = REPLIED + [H("request_review", D(2026, 6, 1), reason="不服处理意见")]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    assert only(clocks, "review_request").state is ClockState.STOPPED
    decision = only(clocks, "review_decision")
    assert decision.started_on == D(2026, 6, 1) and decision.due == DueDate(D(2026, 7, 1))


# -- 信访工作条例 Art 36: re-review ------------------------------------------------------------


REVIEWED = REPLIED + [
    H("request_review", D(2026, 6, 1), reason="不服处理意见"),
    H("decide_review", D(2026, 6, 30), received_on=D(2026, 7, 2), outcome="not_supported", opinion="维持"),
]


def test_review_opinion_starts_the_30_day_rereview_request_window_xinfang_art_36_1():
    """信访工作条例 Art 36 ¶1: request re-review within 30 days of receiving the review opinion:
    received Thu 2 Jul 2026, day 30 is Sat 1 Aug, so the window ends Mon 3 Aug."""
    # given / when
    clocks = derive_clocks(REVIEWED, CAL)
    # then
    decision = only(clocks, "review_decision")
    assert decision.state is ClockState.STOPPED and decision.stopped_on == D(2026, 6, 30)
    window = only(clocks, "rereview_request")
    assert window.started_on == D(2026, 7, 2) and window.due == DueDate(D(2026, 8, 3))


REREVIEW = REVIEWED + [H("request_rereview", D(2026, 7, 20), reason="不服复查意见")]


def test_rereview_request_starts_the_30_day_decision_clock_xinfang_art_36_1():
    """信访工作条例 Art 36 ¶1: decide within 30 days of receipt: received Mon 20 Jul 2026, due Wed 19 Aug."""
    # given / when
    clocks = derive_clocks(REREVIEW, CAL)
    # then
    assert only(clocks, "rereview_request").state is ClockState.STOPPED
    decision = only(clocks, "rereview_decision")
    assert decision.state is ClockState.RUNNING and decision.due == DueDate(D(2026, 8, 19))


def test_hearing_pauses_the_rereview_decision_clock_xinfang_art_36_2():
    """信访工作条例 Art 36 ¶2 「听证所需时间不计算在前款规定的期限内」: while the hearing runs
    the clock is paused and has no due date."""
    # given
    history = REREVIEW + [H("start_hearing", D(2026, 8, 3))]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    decision = only(clocks, "rereview_decision")
    assert decision.state is ClockState.PAUSED and decision.paused_since == D(2026, 8, 3)
    assert decision.due is None
    assert current_clock(clocks) is None


def test_hearing_time_moves_the_rereview_decision_due_date_by_the_paused_days_xinfang_art_36_2():
    """信访工作条例 Art 36 ¶2: a hearing from 3 to 12 Aug 2026 lasts 10 days, the first and the last included;
    it moves the due date from Wed 19 Aug to Sat 29 Aug, which rolls to Mon 31 Aug (民法典 Art 203)."""
    # given
    history = REREVIEW + [H("start_hearing", D(2026, 8, 3)), H("end_hearing", D(2026, 8, 12))]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    decision = only(clocks, "rereview_decision")
    assert decision.state is ClockState.RUNNING and decision.paused_days == 10
    assert decision.due == DueDate(D(2026, 8, 31))


def test_a_one_day_hearing_pauses_the_clock_for_that_day_xinfang_art_36_2():
    """信访工作条例 Art 36 ¶2: a hearing that starts and ends on the same day still took that day."""
    history = REREVIEW + [H("start_hearing", D(2026, 8, 3)), H("end_hearing", D(2026, 8, 3))]
    decision = only(derive_clocks(history, CAL), "rereview_decision")
    assert decision.paused_days == 1
    assert decision.due == DueDate(D(2026, 8, 20))


def test_two_hearings_add_up_xinfang_art_36_2():
    """信访工作条例 Art 36 ¶2: every hearing's time is left out; 10 + 6 days (both ends counted) move the due
    date 16 days."""
    # given
    history = REREVIEW + [
        H("start_hearing", D(2026, 8, 3)),
        H("end_hearing", D(2026, 8, 12)),
        H("start_hearing", D(2026, 8, 20)),
        H("end_hearing", D(2026, 8, 25)),
    ]
    # when
    decision = only(derive_clocks(history, CAL), "rereview_decision")
    # then
    assert decision.paused_days == 16
    assert decision.due == CAL.add_days(D(2026, 7, 20), 46)
    assert decision.due.on == D(2026, 9, 4)


def test_rereview_opinion_stops_the_last_clock_xinfang_art_36_3():
    """信访工作条例 Art 36 ¶3: after the re-review opinion nothing runs any more."""
    # given
    history = REREVIEW + [H("decide_rereview", D(2026, 8, 18), outcome="not_supported", opinion="维持")]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    assert all(c.state is ClockState.STOPPED for c in clocks)
    assert current_clock(clocks) is None
    assert [c.name for c in clocks] == [
        "receipt_notice",
        "handling",
        "review_request",
        "review_decision",
        "rereview_request",
        "rereview_decision",
    ]


def test_an_order_to_redo_restarts_handling_and_the_new_reply_opens_the_review_window_again_xinfang_art_35():
    """RULES.md §0 (责令重新处理, Art 35): the review decision clock stops on the order, the handling clock
    runs again from it, and the new 处理意见书 opens a new review window from its receipt."""
    # given a review ordered redone on Fri 26 Jun 2026, and a new reply on Mon 3 Aug received that day
    history = REVIEWED[:-1] + [H("order_redo", D(2026, 6, 26))]
    redone = history + [H("reply", D(2026, 8, 3), received_on=D(2026, 8, 3), **REPLY)]
    # when
    clocks = derive_clocks(history, CAL)
    after_reply = derive_clocks(redone, CAL)
    # then
    assert only(clocks, "review_decision").state is ClockState.STOPPED
    handling = [c for c in clocks if c.name == "handling"]
    assert handling[-1].started_on == D(2026, 6, 26) and handling[-1].state is ClockState.RUNNING
    assert current_clock(clocks) == handling[-1]
    windows = [c for c in after_reply if c.name == "review_request"]
    assert len(windows) == 2 and windows[-1].started_on == D(2026, 8, 3)
    assert current_clock(after_reply) == windows[-1]


# -- closing early ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "closing",
    [
        H("withdraw", D(2026, 4, 1), reason="已协商解决"),  # 信访工作条例 Art 19
        H("merge", D(2026, 3, 4), target_case="XF-2026-0001"),  # Art 19 ¶3
        H("redirect", D(2026, 3, 4), route="arbitration", reason="劳动争议应申请仲裁"),  # Art 31(2)
    ],
)
def test_closing_stops_every_running_clock_xinfang_art_19_31(closing):
    """信访工作条例 Art 19 (withdrawn / merged) and Art 31(1)-(4) (redirected): no clock keeps running."""
    # given
    history = [H("register", D(2026, 3, 2)), closing]
    # when
    clocks = derive_clocks(history, CAL)
    # then
    assert clocks and all(c.state is ClockState.STOPPED for c in clocks)
    assert current_clock(clocks) is None


def test_actions_that_touch_no_clock_are_ignored():
    """Not every event touches a clock: assignment (信访工作条例 Art 24), notes (Art 31(6)), unknown events."""
    # given
    base = derive_clocks(ACCEPTED, CAL)
    history = ACCEPTED + [
        H("assign", D(2026, 3, 6)),
        H("record_step", D(2026, 3, 10), note="走访"),
        H("some_event_the_rules_do_not_know", D(2026, 3, 11)),
    ]
    # when / then
    assert derive_clocks(history, CAL) == base


# -- 人民调解法 Art 33: judicial confirmation ---------------------------------------------------


def test_judicial_confirmation_window_people_mediation_law_art_33():
    """人民调解法 Art 33 「自调解协议生效之日起三十日内」: agreement effective Thu 10 Sep 2026,
    day 30 is Sat 10 Oct, a 调休 working day, so the window ends that Saturday."""
    # given
    rule = RULES["judicial_confirmation"]
    # when
    due = rule.due(D(2026, 9, 10), CAL)
    # then
    assert due == DueDate(D(2026, 10, 10))
    assert chinese_calendar.is_workday(D(2026, 10, 10))
    # and an agreement effective 1 Sep 2026: day 30 is 1 Oct (国庆), so Thu 8 Oct
    assert rule.due(D(2026, 9, 1), CAL).on == D(2026, 10, 8)
