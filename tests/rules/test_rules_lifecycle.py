"""The grievance lifecycle table and ``check`` (信访工作条例 2022, DESIGN.md lifecycle table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError

import pytest

from casework.rules.calendar import HolidayCalendar
from casework.rules.clocks import Happening, current_clock, derive_clocks
from casework.rules.lifecycle import (
    OPEN,
    STATE_LABELS,
    TERMINAL,
    TRANSITIONS,
    CaseFacts,
    Role,
    State,
    TransitionRefused,
    available_actions,
    offered,
    check,
    reachable_from,
)

D = dt.date
S = State
R = Role
CAL = HolidayCalendar.from_package()
TODAY = D(2026, 3, 10)
UPHELD = {"decision": "uphold", "findings": "原处理意见认定事实清楚", "opinion": "维持原处理意见",
          "legal_basis": "《信访工作条例》第三十五条"}
REPLY = {"outcome": "explained", "reasons": "事实和理由", "opinion": "处理意见", "legal_basis": "信访工作条例第32条"}


def refused(action, facts, roles, params=None, on=TODAY) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as err:
        check(action, facts, frozenset(roles), params or {}, on)
    return err.value


# -- the table ------------------------------------------------------------------------


def test_every_transition_names_valid_states_roles_and_article():
    """Every row of the lifecycle table (DESIGN.md; 信访工作条例) uses real states and roles
    and cites the article it implements."""
    # given every row; when it is read; then
    for action, t in TRANSITIONS.items():
        assert t.action == action
        assert t.sources <= set(State), action
        assert t.target is None or t.target in set(State), action
        assert t.roles and t.roles <= set(Role), action
        assert t.article.startswith("第") and "条" in t.article, action
        assert t.label, action
        assert all(callable(g) for g in t.guards), action


def test_only_registration_creates_a_case_xinfang_art_22():
    """信访工作条例 Art 22 「予以登记」: registration is the one way in, and it leads to REGISTERED."""
    # given / when the transitions with no source state
    creating = [t for t in TRANSITIONS.values() if not t.sources]
    # then
    assert [t.action for t in creating] == ["register"]
    assert creating[0].target is S.REGISTERED


def test_every_state_has_a_label_and_is_open_or_terminal():
    """DESIGN lifecycle table (信访工作条例 Art 22-36): each state has a Chinese label and is open or
    terminal, never both."""
    # given / when / then
    assert set(STATE_LABELS) == set(State)
    assert OPEN | TERMINAL == set(State) and not OPEN & TERMINAL


def test_every_state_is_reachable_from_registration():
    """DESIGN lifecycle table (信访工作条例 Art 22-36): every state is reachable from REGISTERED."""
    # given / when an independent walk of the table
    seen, todo = {S.REGISTERED}, [S.REGISTERED]
    while todo:
        s = todo.pop()
        for t in TRANSITIONS.values():
            if s in t.sources and t.leads_to(s) not in seen:
                seen.add(t.leads_to(s))
                todo.append(t.leads_to(s))
    # then
    assert seen == set(State)
    assert reachable_from(S.REGISTERED) == seen


def test_terminal_states_cannot_be_left_xinfang_art_36_3():
    """信访工作条例 Art 36 ¶3 「不再受理」: from FINAL, CLOSED and REDIRECTED no transition changes
    the state (only the complainant's rating, Art 21 ¶2, is still possible)."""
    # given / when the transitions out of terminal states; then none changes the state
    for t in TRANSITIONS.values():
        if t.sources & TERMINAL:
            assert t.target is None, t.action
    for s in TERMINAL:
        assert reachable_from(s) == {s}


def test_every_open_state_can_move_on():
    """信访工作条例 Art 34-36 (every matter ends): each open state has a transition that changes the state."""
    # given / when / then
    for s in OPEN:
        assert any(s in t.sources and t.leads_to(s) != s for t in TRANSITIONS.values()), s


def test_hearing_must_end_before_the_rereview_decision_xinfang_art_36_2():
    """信访工作条例 Art 36 ¶2: the re-review decision is taken after the hearing, not during it."""
    # given a case in a hearing
    facts = CaseFacts(S.HEARING)
    # when
    err = refused("decide_rereview", facts, {R.HANDLER}, UPHELD)
    # then
    assert err.code == "wrong_state"


# -- the full procedure ----------------------------------------------------------------


def test_full_procedure_from_registration_to_final_xinfang_art_22_to_36():
    """信访工作条例 Art 22 (register), 23 (forward), 34 (accept, extend), 32 (reply), 35 (review),
    36 (re-review with hearing, final), 21 ¶2 (rating): each step allowed for the right role."""
    steps = [
        ("register", {R.INTAKE_CLERK}, {}, S.REGISTERED),
        ("forward", {R.INTAKE_CLERK}, {}, S.FORWARDED),
        ("accept", {R.HANDLER}, {}, S.ACCEPTED),
        ("assign", {R.ACCOUNTABLE_OFFICIAL}, {}, S.ACCEPTED),
        ("record_step", {R.HANDLER}, {"note": "实地走访"}, S.ACCEPTED),
        ("request_extension", {R.HANDLER}, {"reason": "需要鉴定", "extension_days": 30}, S.ACCEPTED),
        ("approve_extension", {R.ACCOUNTABLE_OFFICIAL}, {"extension_days": 30}, S.ACCEPTED),
        ("reply", {R.HANDLER}, REPLY, S.REPLIED),
        ("rate", {R.COMPLAINANT}, {"satisfaction": "unsatisfied"}, S.REPLIED),
        ("request_review", {R.COMPLAINANT}, {"reason": "不服"}, S.REVIEW),
        ("decide_review", {R.ACCOUNTABLE_OFFICIAL}, UPHELD, S.REVIEWED),
        ("request_rereview", {R.COMPLAINANT}, {"reason": "不服"}, S.REREVIEW),
        ("start_hearing", {R.HANDLER}, {}, S.HEARING),
        ("end_hearing", {R.HANDLER}, {}, S.REREVIEW),
        ("decide_rereview", {R.ACCOUNTABLE_OFFICIAL}, UPHELD, S.FINAL),
    ]
    facts = CaseFacts(None)
    for action, roles, params, expected in steps:
        # given the facts so far; when
        state = check(action, facts, frozenset(roles), params, TODAY)
        # then
        assert state is expected, action
        facts = CaseFacts(
            state,
            extension_pending_days=params["extension_days"] if action == "request_extension" else 0,
            extension_days_granted=30 if action == "approve_extension" or facts.extension_days_granted else 0,
            replied=facts.replied or action == "reply",
            rated=facts.rated or action == "rate",
        )
    assert facts.state in TERMINAL


# -- refusals: wrong state, forbidden, invalid ------------------------------------------------


@pytest.mark.parametrize(
    "action, state",
    [
        ("accept", S.REPLIED),  # Art 34: accepting is done once
        ("reply", S.REGISTERED),  # Art 32: reply only on an accepted matter
        ("request_review", S.ACCEPTED),  # Art 35: review needs a reply first
        ("request_rereview", S.REPLIED),  # Art 36: re-review needs a review first
        ("object", S.REGISTERED),  # Art 23 ¶3: only a forwarded matter can be objected to
        ("start_hearing", S.REVIEW),  # Art 36 ¶2: hearings belong to re-review
        ("withdraw", S.FINAL),  # Art 36 ¶3: final is final
        ("request_review", S.CLOSED),
        ("merge", S.ACCEPTED),  # Art 19 ¶3: merged on intake, not mid-handling
        ("accept", None),  # nothing before registration
        ("register", S.REGISTERED),  # a case is registered once
    ],
)
def test_check_refuses_an_action_in_the_wrong_state(action, state):
    """信访工作条例 Art 22-36: each action has the states it may be taken in; others are refused
    with code ``wrong_state``."""
    # given a person with every role
    # when
    err = refused(action, CaseFacts(state), set(Role))
    # then
    assert err.code == "wrong_state"
    assert err.message and str(err) == err.message


@pytest.mark.parametrize(
    "action, state, roles",
    [
        ("accept", S.REGISTERED, {R.COMPLAINANT}),
        ("approve_extension", S.ACCEPTED, {R.HANDLER}),  # Art 34: 「本机关、单位负责人批准」
        ("decide_review", S.REVIEW, {R.COMPLAINANT, R.INTAKE_CLERK}),  # Art 35
        ("rate", S.REPLIED, {R.HANDLER, R.ACCOUNTABLE_OFFICIAL, R.ADMINISTRATOR}),  # Art 21 ¶2: the complainant's
        ("expire_window", S.REPLIED, {R.ADMINISTRATOR, R.SUPERVISOR}),  # only the deadline job
        ("register", None, {R.SYSTEM}),
        ("withdraw", S.ACCEPTED, set()),
    ],
)
def test_check_refuses_the_wrong_role(action, state, roles):
    """Who may take each action (信访工作条例 Art 21 ¶2, 34, 35): others get code ``forbidden``."""
    # given a case in the right state and a person without the role
    # when
    err = refused(action, CaseFacts(state), roles)
    # then
    assert err.code == "forbidden"


def test_check_order_state_then_role_then_guards():
    """信访工作条例 Art 30 ¶3 spirit (disclose nothing to the wrong person): ``check`` tests the state
    before the role and the role before the guards, so a guard's message never leaks."""
    # given a complainant asking for an approval they cannot give, with bad parameters
    facts = CaseFacts(S.ACCEPTED, extension_pending_days=0)
    # when / then: the role is refused before the guard's "no pending request"
    err = refused("approve_extension", facts, {R.COMPLAINANT}, {"extension_days": 99})
    assert err.code == "forbidden" and "延" in err.message and "待批准" not in err.message
    # and a wrong state is reported before the role
    assert refused("approve_extension", CaseFacts(S.REPLIED), {R.COMPLAINANT}).code == "wrong_state"
    assert refused("no_such_action", CaseFacts(S.REPLIED), set(Role)).code == "unknown_action"


@pytest.mark.parametrize(
    "action, state, roles, params, fragment",
    [
        ("reply", S.ACCEPTED, {R.HANDLER}, {**REPLY, "legal_basis": " "}, "法律法规依据"),  # Art 32
        ("reply", S.ACCEPTED, {R.HANDLER}, {**REPLY, "outcome": "maybe"}, "处理结果"),  # Art 32
        ("redirect", S.REGISTERED, {R.INTAKE_CLERK}, {"route": "petition", "reason": "x"}, "法定途径"),  # Art 31
        ("redirect", S.REGISTERED, {R.INTAKE_CLERK}, {"route": "arbitration"}, "告知理由"),  # Art 31
        ("object", S.FORWARDED, {R.HANDLER}, {}, "异议理由"),  # Art 23 ¶3 「说明理由」
        ("merge", S.REGISTERED, {R.INTAKE_CLERK}, {}, "原信访事项"),  # Art 19 ¶3
        ("withdraw", S.ACCEPTED, {R.COMPLAINANT}, {"reason": ""}, "撤回说明"),
        ("record_step", S.ACCEPTED, {R.HANDLER}, {"note": None}, "办理情况"),
        ("decide_review", S.REVIEW, {R.HANDLER}, {**UPHELD, "opinion": ""}, "复查意见"),  # Art 35 书面答复
    ],
)
def test_check_refuses_failed_guards_as_invalid(action, state, roles, params, fragment):
    """Required contents (信访工作条例 Art 19, 23 ¶3, 31, 32, 35): missing or bad ones give ``invalid``."""
    # given the right state and role but missing or bad contents
    # when
    err = refused(action, CaseFacts(state), roles, params)
    # then
    assert err.code == "invalid"
    assert fragment in err.message


# -- 信访工作条例 Art 34: extension ------------------------------------------------------------


@pytest.mark.parametrize("days", [31, 60, 0, -1, True, "30", 30.0, None])
def test_extension_over_30_days_or_malformed_is_refused_xinfang_art_34(days):
    """信访工作条例 Art 34 「不得超过30日」: a request for more than 30 days (or not a whole number
    of days) is refused."""
    # given
    facts = CaseFacts(S.ACCEPTED)
    # when
    err = refused("request_extension", facts, {R.HANDLER}, {"reason": "需要鉴定", "extension_days": days})
    # then
    assert err.code == "invalid" and "30" in err.message


@pytest.mark.parametrize("days", [1, 15, 30])
def test_extension_up_to_30_days_may_be_requested_xinfang_art_34(days):
    """信访工作条例 Art 34: 1 to 30 days may be requested."""
    # given
    facts = CaseFacts(S.ACCEPTED)
    # when / then
    assert check("request_extension", facts, {R.HANDLER}, {"reason": "需要鉴定", "extension_days": days}, TODAY) is S.ACCEPTED


def test_second_extension_is_refused_xinfang_art_34():
    """信访工作条例 Art 34: the handling period is extended once; even a 10-day extension after
    a 10-day one is refused."""
    # given an extension of 10 days already granted
    facts = CaseFacts(S.ACCEPTED, extension_days_granted=10)
    # when
    err = refused("request_extension", facts, {R.HANDLER}, {"reason": "还需时间", "extension_days": 10})
    # then
    assert err.code == "invalid" and "一次" in err.message


def test_request_while_one_is_pending_is_refused_xinfang_art_34():
    """信访工作条例 Art 34: one extension request at a time."""
    # given a pending request
    facts = CaseFacts(S.ACCEPTED, extension_pending_days=20)
    # when
    err = refused("request_extension", facts, {R.HANDLER}, {"reason": "x", "extension_days": 5})
    # then
    assert err.code == "invalid" and "待批准" in err.message


@pytest.mark.parametrize(
    "facts, days, ok",
    [
        (CaseFacts(S.ACCEPTED), 10, False),  # nothing pending
        (CaseFacts(S.ACCEPTED, extension_pending_days=20), 21, False),  # more than requested
        (CaseFacts(S.ACCEPTED, extension_pending_days=20), 0, False),
        (CaseFacts(S.ACCEPTED, extension_pending_days=20), 20, True),
        (CaseFacts(S.ACCEPTED, extension_pending_days=20), 5, True),  # the official may approve less
        (CaseFacts(S.ACCEPTED, extension_pending_days=30, extension_days_granted=10), 30, False),  # total > 30
    ],
)
def test_approval_is_at_most_what_was_requested_and_30_in_total_xinfang_art_34(facts, days, ok):
    """信访工作条例 Art 34: the 负责人 approves at most the days requested, never beyond 30 in total."""
    # given the facts; when the official approves `days`
    def call():
        return check("approve_extension", facts, {R.ACCOUNTABLE_OFFICIAL}, {"extension_days": days}, TODAY)

    # then
    if ok:
        assert call() is S.ACCEPTED
    else:
        with pytest.raises(TransitionRefused) as err:
            call()
        assert err.value.code == "invalid"


# -- 信访工作条例 Art 35, 36: request windows ---------------------------------------------------


def _replied_case():
    history = [
        Happening("register", D(2026, 3, 2)),
        Happening("accept", D(2026, 3, 5)),
        Happening("reply", D(2026, 5, 6), {**REPLY, "received_on": D(2026, 5, 8)}),
    ]
    window = current_clock(derive_clocks(history, CAL))
    return CaseFacts(S.REPLIED, replied=True, window_due=window.due.on), window


def test_review_request_on_the_last_day_of_the_window_is_allowed_xinfang_art_35():
    """信访工作条例 Art 35: within 30 days of receiving the reply (received 8 May 2026, the window
    ends Mon 8 Jun because day 30 is a Sunday)."""
    # given
    facts, window = _replied_case()
    assert window.name == "review_request" and window.due.on == D(2026, 6, 8)
    # when
    state = check("request_review", facts, {R.COMPLAINANT}, {"reason": "不服"}, D(2026, 6, 8))
    # then
    assert state is S.REVIEW


def test_review_request_after_the_window_is_refused_xinfang_art_35():
    """信访工作条例 Art 35 「自收到书面答复之日起30日内」: a request on 9 Jun 2026 is too late."""
    # given
    facts, _ = _replied_case()
    # when
    err = refused("request_review", facts, {R.COMPLAINANT}, {"reason": "不服"}, D(2026, 6, 9))
    # then
    assert err.code == "invalid" and "2026-06-08" in err.message


def test_rereview_request_after_the_window_is_refused_xinfang_art_36_1():
    """信访工作条例 Art 36 ¶1: re-review must be requested within 30 days of the review opinion."""
    # given a window ending Mon 3 Aug 2026
    facts = CaseFacts(S.REVIEWED, replied=True, window_due=D(2026, 8, 3))
    # when / then
    assert refused("request_rereview", facts, {R.COMPLAINANT}, {"reason": "不服"}, D(2026, 8, 4)).code == "invalid"
    assert check("request_rereview", facts, {R.COMPLAINANT}, {"reason": "不服"}, D(2026, 8, 3)) is S.REREVIEW


def test_objection_after_five_working_days_is_refused_xinfang_art_23_3():
    """信访工作条例 Art 23 ¶3: the objection is due within 5 working days of receipt."""
    # given a forwarded matter whose objection is due Sat 10 Oct 2026 (调休 working day)
    facts = CaseFacts(S.FORWARDED, window_due=D(2026, 10, 10))
    # when / then
    assert refused("object", facts, {R.HANDLER}, {"reason": "非本单位职责"}, D(2026, 10, 12)).code == "invalid"
    assert check("object", facts, {R.HANDLER}, {"reason": "非本单位职责"}, D(2026, 10, 10)) is S.OBJECTED


def test_case_closes_only_once_the_window_has_passed_xinfang_art_35_36():
    """信访工作条例 Art 35/36: the deadline job closes a case only after the request window."""
    # given a review window ending Mon 8 Jun 2026
    facts = CaseFacts(S.REPLIED, replied=True, window_due=D(2026, 6, 8), delivered=True)
    # when / then
    assert refused("expire_window", facts, {R.SYSTEM}, on=D(2026, 6, 8)).code == "invalid"
    assert refused("expire_window", CaseFacts(S.REPLIED), {R.SYSTEM}, on=D(2026, 6, 9)).code == "invalid"
    assert check("expire_window", facts, {R.SYSTEM}, {}, D(2026, 6, 9)) is S.CLOSED


# -- 信访工作条例 Art 21 ¶2: rating -----------------------------------------------------------


def test_double_rating_is_refused_xinfang_art_21_2():
    """信访工作条例 Art 21 ¶2 「方便信访人…评价」: the complainant rates once; it cannot be changed."""
    # given a rated case
    facts = CaseFacts(S.REPLIED, replied=True, rated=True)
    # when
    err = refused("rate", facts, {R.COMPLAINANT}, {"satisfaction": "satisfied"})
    # then
    assert err.code == "invalid" and "不能更改" in err.message


def test_rating_needs_a_reply_and_a_valid_choice_xinfang_art_21_2():
    """信访工作条例 Art 21 ¶2: there is something to rate only after a reply (Art 32)."""
    # given a case closed without reply, and a replied one; when / then
    assert refused("rate", CaseFacts(S.CLOSED), {R.COMPLAINANT}, {"satisfaction": "satisfied"}).code == "invalid"
    assert refused("rate", CaseFacts(S.FINAL, replied=True), {R.COMPLAINANT}, {"satisfaction": "great"}).code == "invalid"
    assert check("rate", CaseFacts(S.FINAL, replied=True), {R.COMPLAINANT}, {"satisfaction": "basically"}, TODAY) is S.FINAL


# -- what check returns, and what it leaves alone ------------------------------------------


def test_case_facts_are_frozen():
    """DESIGN (wrong state transitions change nothing): ``check`` cannot change the facts it is given."""
    # given
    facts = CaseFacts(S.ACCEPTED)
    # when / then
    with pytest.raises(FrozenInstanceError):
        facts.state = S.CLOSED  # type: ignore[misc]


def test_available_actions_for_the_complainant_after_a_reply_xinfang_art_35():
    """After the reply the complainant may ask for review (Art 35), withdraw (Art 19) or rate (Art 21 ¶2)."""
    # given / when
    actions = [t.action for t in available_actions(S.REPLIED, {R.COMPLAINANT})]
    # then
    assert actions == ["request_review", "withdraw", "rate"]
    assert [t.action for t in available_actions(None, {R.COMPLAINANT})] == ["register"]
    # once redirected only who is complained about can still be corrected (Art 30 ¶3: the protection outlives the case)
    assert [t.action for t in available_actions(S.REDIRECTED, set(Role))] == ["set_respondents"]


# -- 信访工作条例 Art 34: refusing an extension; what is offered ------------------------------------


def test_refusing_an_extension_is_the_officials_with_a_reason_xinfang_art_34():
    """信访工作条例 Art 34 「经本机关、单位负责人批准」: the head who may approve may also refuse, with reasons;
    the case stays in handling and its handling clock is untouched."""
    # given an extension request awaiting the head's decision
    facts = CaseFacts(S.ACCEPTED, extension_pending_days=20)
    t = TRANSITIONS["refuse_extension"]
    # when / then
    assert t.article == "第34条" and t.roles == frozenset({R.ACCOUNTABLE_OFFICIAL}) and t.sources == {S.ACCEPTED}
    assert t.clocks.extends == () and t.clocks.starts == () and t.clocks.stops == ()
    assert check("refuse_extension", facts, {R.ACCOUNTABLE_OFFICIAL}, {"reason": "现有期限足够"}, TODAY) is S.ACCEPTED
    assert refused("refuse_extension", facts, {R.ACCOUNTABLE_OFFICIAL}, {"reason": " "}).code == "invalid"
    assert refused("refuse_extension", facts, {R.HANDLER}, {"reason": "x"}).code == "forbidden"
    nothing = refused("refuse_extension", CaseFacts(S.ACCEPTED), {R.ACCOUNTABLE_OFFICIAL}, {"reason": "x"})
    assert nothing.code == "invalid" and "没有待批准" in nothing.message


def test_offered_leaves_out_an_extension_decision_once_decided_xinfang_art_34():
    """信访工作条例 Art 34: 「批准延期」 and 「不予批准延期」 are offered to the head while a request waits,
    and not once it is decided; 「申请延期」 is not offered again after an extension (「只能延长一次」)."""
    # given the head of the unit and the handler
    head, handler = {R.ACCOUNTABLE_OFFICIAL}, {R.HANDLER}
    waiting = CaseFacts(S.ACCEPTED, extension_pending_days=15)
    decided = CaseFacts(S.ACCEPTED, extension_days_granted=15)
    # when
    head_waiting = [t.action for t in offered(waiting, head, TODAY)]
    head_decided = [t.action for t in offered(decided, head, TODAY)]
    # then
    assert {"approve_extension", "refuse_extension"} <= set(head_waiting)
    assert not {"approve_extension", "refuse_extension"} & set(head_decided)
    assert "request_extension" in [t.action for t in offered(CaseFacts(S.ACCEPTED), handler, TODAY)]
    assert "request_extension" not in [t.action for t in offered(decided, handler, TODAY)]
    assert "request_extension" not in [t.action for t in offered(waiting, handler, TODAY)]


def test_offered_agrees_with_check_on_every_precondition_xinfang_art_21_34_35_36():
    """``offered`` and ``check`` read the same table: an action is offered exactly when ``check`` refuses it
    for its inputs only, never for the state, the role or a precondition of the case (Art 21 ¶2 rating,
    Art 34 extensions, Art 35/36 windows)."""
    # given facts that switch each precondition on and off
    window = D(2026, 3, 9)
    cases = [
        CaseFacts(S.ACCEPTED), CaseFacts(S.ACCEPTED, extension_pending_days=10),
        CaseFacts(S.ACCEPTED, extension_days_granted=10), CaseFacts(S.REPLIED, replied=True, window_due=window),
        CaseFacts(S.REPLIED, replied=True, window_due=D(2026, 4, 1)), CaseFacts(S.REVIEWED, replied=True, rated=True,
                                                                              window_due=window),
        CaseFacts(S.FORWARDED, window_due=window), CaseFacts(S.CLOSED), CaseFacts(S.CLOSED, replied=True),
    ]
    for facts in cases:
        for roles in ({r} for r in Role):
            # when
            shown = {t.action for t in offered(facts, roles, TODAY)}
            for action in TRANSITIONS:
                try:
                    check(action, facts, roles, {}, TODAY)
                    allowed_without_inputs = True
                except TransitionRefused as err:
                    # then an action is refused for its inputs alone exactly when it is offered
                    precondition = any(p(facts, TODAY) for p in TRANSITIONS[action].requires)
                    allowed_without_inputs = err.code == "invalid" and not precondition
                assert (action in shown) == allowed_without_inputs, (facts, roles, action)
# -- Art 32 outcomes, review decisions (RULES.md §0) ---------------------------------------------


def test_the_art_32_outcomes_are_the_three_of_the_regulation_xinfang_art_32():
    """信访工作条例 Art 32 (RULES.md §0): 予以支持, 解释说明, 不予支持; 「部分支持」 is not an outcome."""
    from casework.rules.lifecycle import OUTCOME_LABELS, Outcome

    assert set(OUTCOME_LABELS.values()) == {"支持", "解释说明", "不予支持"}
    assert {o.value for o in Outcome} == {"supported", "explained", "not_supported"}
    for outcome in Outcome:
        assert check("reply", CaseFacts(S.ACCEPTED), {R.HANDLER}, {**REPLY, "outcome": outcome}, TODAY) is S.REPLIED
    err = refused("reply", CaseFacts(S.ACCEPTED), {R.HANDLER}, {**REPLY, "outcome": "partly"})
    assert err.code == "invalid" and "解释说明" in err.message and "第三十二条" in err.message


def test_a_reply_may_carry_one_outcome_per_request_xinfang_art_32():
    """RULES.md §0: a matter with several requests can carry one outcome per request."""
    per_request = [{"request": "退还多收的电梯费", "outcome": "supported"},
                   {"request": "赔偿误工损失", "outcome": "not_supported"}]
    params = {**REPLY, "outcome": "", "outcomes": per_request}
    assert check("reply", CaseFacts(S.ACCEPTED), {R.HANDLER}, params, TODAY) is S.REPLIED
    for bad, fragment in (
        ([per_request[0]], "至少填写两项"),
        ([per_request[0], {"request": " ", "outcome": "supported"}], "第2项请求的内容"),
        ([per_request[0], {"request": "赔偿", "outcome": "partly"}], "第2项请求的处理结果"),
    ):
        err = refused("reply", CaseFacts(S.ACCEPTED), {R.HANDLER}, {**params, "outcomes": bad})
        assert err.code == "invalid" and fragment in err.message, bad
    both = refused("reply", CaseFacts(S.ACCEPTED), {R.HANDLER}, {**params, "outcome": "supported"})
    assert "不能同时" in both.message


@pytest.mark.parametrize("action, state, body", [("decide_review", S.REVIEW, "复查"),
                                                 ("decide_rereview", S.REREVIEW, "复核")])
def test_a_review_body_upholds_revokes_or_changes_with_findings_and_legal_basis_xinfang_art_35_36(
        action, state, body):
    """RULES.md §0, Art 35, 36: a 复查/复核 body upholds (维持), revokes or changes (撤销/变更) the opinion, with
    its reasons and legal basis, in writing. An Art 32 outcome is not a review decision."""
    for decision in ("uphold", "revoke", "change"):
        assert check(action, CaseFacts(state), {R.HANDLER}, {**UPHELD, "decision": decision}, TODAY)
    for params, fragment in (
        ({**UPHELD, "decision": "not_supported"}, f"{body}结论：维持、撤销或变更"),
        ({**UPHELD, "decision": "redo"}, f"{body}结论"),  # ordering a redo is its own transition
        ({**UPHELD, "legal_basis": ""}, "法律法规依据"),
        ({**UPHELD, "findings": " "}, "事实和理由"),
        ({"outcome": "not_supported", "opinion": "维持"}, f"{body}结论"),  # what the old form sent
    ):
        err = refused(action, CaseFacts(state), {R.HANDLER}, params)
        assert err.code == "invalid" and fragment in err.message, params


def test_ordering_a_redo_sends_the_matter_back_to_handling_xinfang_art_35_36():
    """RULES.md §0: 责令重新处理 is its own row: from review or re-review back to handling (a new reply follows
    and opens the review window again); it needs findings, the order and its legal basis."""
    t = TRANSITIONS["order_redo"]
    assert t.sources == {S.REVIEW, S.REREVIEW} and t.target is S.ACCEPTED
    assert "第35条" in t.article and "第36条" in t.article
    assert t.roles == {R.HANDLER, R.ACCOUNTABLE_OFFICIAL}
    for state in (S.REVIEW, S.REREVIEW):
        assert check("order_redo", CaseFacts(state), {R.ACCOUNTABLE_OFFICIAL}, UPHELD, TODAY) is S.ACCEPTED
    assert refused("order_redo", CaseFacts(S.REVIEW), {R.HANDLER}, {**UPHELD, "legal_basis": ""}).code == "invalid"
    assert refused("order_redo", CaseFacts(S.REVIEWED), {R.HANDLER}, UPHELD).code == "wrong_state"
    assert refused("order_redo", CaseFacts(S.REVIEW), {R.COMPLAINANT}, UPHELD).code == "forbidden"
    # the new reply is taken from ACCEPTED and opens the review window again
    assert TRANSITIONS["reply"].sources == {S.ACCEPTED} and "review_request" in TRANSITIONS["reply"].clocks.starts


def test_old_outcomes_are_read_as_todays_xinfang_art_32():
    """Events are immutable: a stored ``partly`` reads as 解释说明, an old review outcome as a decision."""
    from casework.rules.lifecycle import LEGACY_REVIEW_DECISIONS, Outcome, ReviewDecision, outcome_of

    assert outcome_of("partly") is Outcome.EXPLAINED and outcome_of("supported") is Outcome.SUPPORTED
    assert outcome_of("maybe") is None
    assert LEGACY_REVIEW_DECISIONS["not_supported"] is ReviewDecision.UPHOLD
