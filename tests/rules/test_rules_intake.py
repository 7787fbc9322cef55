"""The rules of a matter as it arrives, and of its withdrawal, in the plain-Python core (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.rules.calendar import HolidayCalendar
from casework.rules.clocks import ClockState, Happening, current_clock, derive_clocks
from casework.rules.intake import MAX_REPRESENTATIVES, representatives_refusal, written_notice_owed
from casework.rules.lifecycle import CaseFacts, Role, State, TransitionRefused, check

D = dt.date
CALENDAR = HolidayCalendar()


def test_at_most_five_representatives_on_a_group_visit_xinfang_art_20_3():
    """Art 20 ¶3 「代表人数不得超过5人」, and the refusal names the article."""
    assert representatives_refusal("visit", MAX_REPRESENTATIVES) is None
    assert representatives_refusal("visit", MAX_REPRESENTATIVES + 1) == "代表人不得超过5人（《信访工作条例》第二十条第三款）"


@pytest.mark.parametrize("channel", ["letter", "fax", "phone", "web", "api"])
def test_a_letter_may_carry_any_number_of_signatures_xinfang_art_20_3(channel):
    """RULES.md §0: the limit binds visits (走访) only."""
    assert representatives_refusal(channel, 300) is None


@pytest.mark.parametrize("people, owed", [
    ([("张三", "甲镇幸福村3组")], True),
    ([("", "甲镇幸福村3组")], False),
    ([("张三", " ")], False),
    ([], False),
    ([("", "甲镇"), ("李四", "")], False),
    ([("", "甲镇"), ("李四", "乙镇")], True),
])
def test_the_written_notice_is_owed_only_to_someone_who_can_be_written_to_xinfang_art_23_2(people, owed):
    """Art 23 ¶2: 「信访人的姓名（名称）、住址不清的除外」."""
    assert written_notice_owed(people) is owed


def test_without_a_name_or_address_the_notice_clock_is_not_applicable_and_the_rest_run_xinfang_art_22_23():
    """Art 22 ¶1 registers the matter and its handling runs; only the written notice lapses (Art 23 ¶2)."""
    # given
    history = [Happening("register", D(2026, 6, 1), {"written_notice": False}),
               Happening("forward", D(2026, 6, 2)), Happening("accept", D(2026, 6, 3))]
    # when
    clocks = derive_clocks(history, CALENDAR)
    # then
    notice = [c for c in clocks if c.name == "receipt_notice"]
    assert {c.state for c in notice} == {ClockState.NOT_APPLICABLE} and all(c.due is None for c in notice)
    handling = next(c for c in clocks if c.name == "handling")
    assert handling.state is ClockState.RUNNING and handling.due.on == D(2026, 8, 3)  # 60 days, Sunday 2 Aug rolls on
    assert current_clock(clocks) is handling


def test_with_a_name_and_address_the_notice_clock_runs_fifteen_days_xinfang_art_23():
    clocks = derive_clocks([Happening("register", D(2026, 6, 1))], CALENDAR)
    assert [(c.name, c.state, c.due.on) for c in clocks] == [("receipt_notice", ClockState.RUNNING, D(2026, 6, 16))]


# -- withdrawal is the complainant's act -----------------------------------------------------------


@pytest.mark.parametrize("role", [Role.INTAKE_CLERK, Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL, Role.SUPERVISOR])
def test_staff_cannot_withdraw_a_case_on_their_own_word_xinfang_art_19(role):
    with pytest.raises(TransitionRefused) as err:
        check("withdraw", CaseFacts(State.ACCEPTED), {role}, {"reason": "电话里说不办了"}, D(2026, 6, 1))
    assert err.value.code == "forbidden"


def test_staff_record_a_withdrawal_only_from_a_signed_letter_xinfang_art_19():
    on = D(2026, 6, 1)
    with pytest.raises(TransitionRefused) as err:
        check("record_withdrawal", CaseFacts(State.ACCEPTED), {Role.INTAKE_CLERK}, {"reason": "来信撤回"}, on)
    assert err.value.code == "invalid" and "撤回书" in err.value.message
    assert check("record_withdrawal", CaseFacts(State.ACCEPTED), {Role.INTAKE_CLERK},
                 {"reason": "来信撤回", "letter": True}, on) is State.CLOSED
    assert check("withdraw", CaseFacts(State.ACCEPTED), {Role.COMPLAINANT}, {"reason": "已解决"}, on) is State.CLOSED
    with pytest.raises(TransitionRefused) as err:  # the complainant acts for themselves, not by "recording"
        check("record_withdrawal", CaseFacts(State.ACCEPTED), {Role.COMPLAINANT}, {"reason": "x", "letter": True}, on)
    assert err.value.code == "forbidden"


def test_a_recorded_withdrawal_stops_every_clock_like_the_complainants_own():
    for verb in ("withdraw", "record_withdrawal"):
        clocks = derive_clocks([Happening("register", D(2026, 6, 1)), Happening("accept", D(2026, 6, 2)),
                                Happening(verb, D(2026, 6, 5))], CALENDAR)
        assert {c.state for c in clocks} == {ClockState.STOPPED}
