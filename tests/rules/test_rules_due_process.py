"""Due process in the rules core: the review window from delivery (Art 35), extensions only before the period ends
(Art 34), merging only into a matter still being handled (Art 19 ¶3), no second acceptance after re-review
(Art 36 ¶3), the routes that name a body (Art 22 ¶2, 31(5)), an objection that waits for the sender (Art 23 ¶3)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from casework.rules.calendar import HolidayCalendar
from casework.rules.clocks import ClockState, Happening, current_clock, derive_clocks
from casework.rules.lifecycle import CaseFacts, Role as R, State as S, TransitionRefused, check, offered

D = dt.date
CAL = HolidayCalendar.from_package()


def H(action: str, on: dt.date, **params) -> Happening:
    return Happening(action, on, params)


def refused(action, facts, roles, params=None, on=D(2026, 3, 10)) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as e:
        check(action, facts, roles, params or {}, on)
    return e.value


REPLIED_1_APRIL = [H("register", D(2026, 3, 2)), H("accept", D(2026, 3, 3)), H("reply", D(2026, 4, 1))]


# -- Art 35: the review window runs from the day the complainant received the reply ---------------------------


def test_without_a_recorded_delivery_no_review_window_runs_xinfang_art_35():
    """Art 35 「自收到书面答复之日起30日内」: a reply whose delivery is not recorded has no window, so no end."""
    # when
    clocks = derive_clocks(REPLIED_1_APRIL, CAL)
    # then
    review = [c for c in clocks if c.name == "review_request"]
    assert [(c.state, c.due) for c in review] == [(ClockState.AWAITING_RECEIPT, None)]
    assert current_clock(clocks) is None


def test_recorded_delivery_starts_the_window_from_the_day_received_xinfang_art_35():
    """Art 35: delivered by post on 10 April (recorded on 15 April): the 30 days run from 10 April to 10 May."""
    # when
    clocks = derive_clocks([*REPLIED_1_APRIL, H("record_delivery", D(2026, 4, 15), received_on=D(2026, 4, 10))], CAL)
    # then
    now = current_clock(clocks)
    assert (now.name, now.started_on, now.due.on) == ("review_request", D(2026, 4, 10), D(2026, 5, 11))


@settings(max_examples=60, deadline=None)
@given(delay=st.integers(min_value=0, max_value=120), recorded_after=st.integers(min_value=0, max_value=60))
def test_the_window_never_ends_before_thirty_days_after_delivery_xinfang_art_35(delay, recorded_after):
    """Art 35, property: whenever delivery is recorded, the window ends at least 30 days after the receipt day
    and never depends on the day it was recorded."""
    received = D(2026, 4, 1) + dt.timedelta(days=delay)
    recorded = received + dt.timedelta(days=recorded_after)
    clocks = derive_clocks([*REPLIED_1_APRIL, H("record_delivery", recorded, received_on=received)], CAL)
    now = current_clock(clocks)
    assert now.started_on == received and now.due.on >= received + dt.timedelta(days=30)
    same = derive_clocks([*REPLIED_1_APRIL, H("record_delivery", recorded + dt.timedelta(days=3), received_on=received)],
                         CAL)
    assert current_clock(same).due == now.due


def test_nothing_expires_before_delivery_is_recorded_xinfang_art_35():
    """Art 35: the deadline job's transition is refused while delivery is unrecorded, whatever the date."""
    # given a replied case, delivery unrecorded
    facts = CaseFacts(S.REPLIED, replied=True, window_due=None, delivered=False)
    # when
    err = refused("expire_window", facts, {R.SYSTEM}, on=D(2027, 1, 1))
    # then
    assert "送达尚未登记" in err.message
    assert "expire_window" not in [t.action for t in offered(facts, {R.SYSTEM}, D(2027, 1, 1))]


def test_delivery_is_recorded_once_with_day_and_manner_xinfang_art_35():
    """Art 35: a delivery day not before the reply and not after the recording day, a manner of the three."""
    facts = CaseFacts(S.REPLIED, replied=True)
    ok = {"received_on": D(2026, 4, 3), "manner": "post", "replied_on": D(2026, 4, 1)}
    assert check("record_delivery", facts, {R.HANDLER}, ok, D(2026, 4, 5)) is S.REPLIED
    assert "不能早于" in refused("record_delivery", facts, {R.HANDLER}, {**ok, "received_on": D(2026, 3, 30)},
                               D(2026, 4, 5)).message
    assert "不能晚于" in refused("record_delivery", facts, {R.HANDLER}, ok, D(2026, 4, 2)).message
    assert "送达方式" in refused("record_delivery", facts, {R.HANDLER}, {**ok, "manner": "pigeon"}, D(2026, 4, 5)).message
    assert refused("record_delivery", CaseFacts(S.REPLIED, replied=True, delivered=True), {R.HANDLER}, ok,
                   D(2026, 4, 5)).message == "处理意见书的送达已经登记"
    assert refused("record_delivery", facts, {R.COMPLAINANT}, ok, D(2026, 4, 5)).code == "forbidden"


# -- Art 34: an extension only before the handling period ends ------------------------------------------------


def test_an_extension_cannot_be_approved_after_the_handling_period_xinfang_art_34():
    """Art 34: the period may be extended, not revived: after its last day neither request nor approval."""
    due = D(2026, 5, 4)
    late = CaseFacts(S.ACCEPTED, extension_pending_days=10, handling_due=due)
    assert "届满" in refused("approve_extension", late, {R.ACCOUNTABLE_OFFICIAL}, {"extension_days": 10},
                           D(2026, 5, 5)).message
    assert check("approve_extension", late, {R.ACCOUNTABLE_OFFICIAL}, {"extension_days": 10}, due) is S.ACCEPTED
    fresh = CaseFacts(S.ACCEPTED, handling_due=due)
    assert "届满" in refused("request_extension", fresh, {R.HANDLER}, {"extension_days": 10, "reason": "勘查"},
                           D(2026, 5, 5)).message
    # a provisional last day may still move: it refuses nothing
    provisional = CaseFacts(S.ACCEPTED, extension_pending_days=10, handling_due=due, handling_provisional=True)
    assert check("approve_extension", provisional, {R.ACCOUNTABLE_OFFICIAL}, {"extension_days": 10},
                 D(2026, 5, 5)) is S.ACCEPTED


def test_an_approval_after_the_period_extends_nothing_on_replay_xinfang_art_34():
    """Art 34: a reply after the period is late whatever is approved afterwards (a record made before this rule
    included): replaying the events ignores an approval dated after the last day."""
    base = [H("register", D(2026, 3, 2)), H("accept", D(2026, 3, 3)), H("request_extension", D(2026, 4, 20))]
    last_day = current_clock(derive_clocks(base, CAL)).due.on
    assert last_day == D(2026, 5, 6)  # 60 days from 3 March end on 2 May, in the 劳动节 holiday: the next working day
    in_time = derive_clocks([*base, H("approve_extension", last_day, extension_days=20)], CAL)
    too_late = derive_clocks([*base, H("approve_extension", last_day + dt.timedelta(days=1), extension_days=20)], CAL)
    assert current_clock(in_time).due.on == D(2026, 5, 22)
    assert current_clock(too_late).due.on == last_day


# -- Art 19 ¶3: merging only into a matter still being handled --------------------------------------------------


@pytest.mark.parametrize("target", [S.REPLIED, S.REVIEW, S.REVIEWED, S.FINAL, S.CLOSED, S.REDIRECTED])
def test_a_letter_about_an_answered_matter_is_not_merged_xinfang_art_19_3(target):
    """Art 19 ¶3 covers a matter accepted or in progress; one already answered gets a review request (Art 35) or a
    new matter, and the refusal says so."""
    err = refused("merge", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK},
                  {"target_case": 7, "target_state": target, "target_number": "A-2026-00007"})
    assert "复查申请" in err.message and "新的信访事项" in err.message and "A-2026-00007" in err.message


@pytest.mark.parametrize("target", [S.REGISTERED, S.FORWARDED, S.ACCEPTED])
def test_a_resubmission_joins_the_matter_in_progress_xinfang_art_19_3(target):
    assert check("merge", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK}, {"target_case": 7, "target_state": target},
                 D(2026, 3, 10)) is S.CLOSED


# -- Art 36 ¶3: not accepted again after re-review ----------------------------------------------------------


def test_a_repeat_is_refused_only_against_a_final_matter_xinfang_art_36_3():
    """Art 36 ¶3: 不予受理 needs an earlier matter that reached its re-review opinion."""
    params = {"final_case": 3, "final_state": S.FINAL, "reason": "同一事实和理由"}
    assert check("refuse_repeat", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK}, params, D(2026, 3, 10)) is S.CLOSED
    err = refused("refuse_repeat", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK},
                  {**params, "final_state": S.REVIEWED, "final_number": "A-2026-00003"})
    assert "尚未复核终结" in err.message and "A-2026-00003" in err.message
    assert refused("refuse_repeat", CaseFacts(S.ACCEPTED), {R.INTAKE_CLERK}, params).code == "wrong_state"


# -- Art 22 ¶2, 31(5): routes that name the body -----------------------------------------------------------


@pytest.mark.parametrize("route", ["duty", "accusation"])
def test_the_routes_to_a_body_name_it_xinfang_art_22_2_art_31_5(route):
    """A 检举控告 goes to the 纪检监察机关 (Art 22 ¶2); a request that an organ do its duty is for that organ
    (Art 31(5)): the body is named."""
    params = {"route": route, "reason": "属检举控告"}
    assert "承办机关" in refused("redirect", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK}, params).message
    assert check("redirect", CaseFacts(S.REGISTERED), {R.INTAKE_CLERK}, {**params, "body": "东县纪委监委"},
                 D(2026, 3, 10)) is S.REDIRECTED


# -- Art 23 ¶3: the objection takes effect when the sending body agrees -------------------------------------


def test_an_objection_waits_for_the_sending_body_xinfang_art_23_3():
    facts = CaseFacts(S.FORWARDED, window_due=D(2026, 10, 10))
    assert check("object", facts, {R.HANDLER}, {"reason": "非本单位职责"}, D(2026, 10, 9)) is S.OBJECTED
    objected = CaseFacts(S.OBJECTED)
    assert check("agree_objection", objected, {R.INTAKE_CLERK}, {"reason": "核实属实"}, D(2026, 10, 9)) is S.REGISTERED
    assert check("refuse_objection", objected, {R.HANDLER}, {"reason": "属其职责"}, D(2026, 10, 9)) is S.FORWARDED
    assert refused("forward", objected, {R.INTAKE_CLERK}, {}).code == "wrong_state"
    assert refused("accept", objected, {R.HANDLER}, {}).code == "wrong_state"
