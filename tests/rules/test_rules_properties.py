"""Property-based tests of the rules core (hypothesis).

民法典 Art 201/203 and 信访工作条例 Art 23 ¶3 (calendar), Art 34 (extension ≤ 30
days), and the lifecycle table (信访工作条例 Art 22-36) under random use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import chinese_calendar
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casework.rules.calendar import LATEST, CalendarError, Counting, HolidayCalendar, statutory_days_off
from casework.rules.clocks import MAX_EXTENSION_DAYS, RULES, Happening, current_clock, derive_clocks
from casework.rules.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    CaseFacts,
    Outcome,
    ReviewDecision,
    Role,
    Route,
    Satisfaction,
    State,
    TransitionRefused,
    available_actions,
    check,
    reachable_from,
)

D = dt.date
CAL = HolidayCalendar.from_package()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COUNTINGS = st.sampled_from(
    [Counting(), Counting(exclude_start_day=False), Counting(roll_to_working_day=False), Counting(False, False)]
)
DATES = st.dates(min_value=D(2004, 1, 1), max_value=D(2150, 12, 31))
RECENT = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))  # around the published edge


def _published_truth(day: dt.date) -> bool:
    """Working day per ``chinese_calendar``; where it has no data, not a weekend and not a statutory holiday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_days_off(day.year)


# -- calendar -----------------------------------------------------------------------------


@SETTINGS
@given(start=st.dates(min_value=D(2026, 1, 1), max_value=D(2090, 12, 31)), days=st.integers(1, 400),
       counting=COUNTINGS)
def test_a_period_into_an_unpublished_year_is_provisional_and_never_ends_on_a_statutory_holiday(start, days,
                                                                                                 counting):
    """放假办法 Art 2 and 民法典 Art 203: in a year without a published schedule the statutory holidays are days
    off; a period touching such a year is provisional, and when it rolls it never ends on one of them."""
    due = CAL.add_days(start, days, counting)
    assert due.provisional == (due.on.year > 2026)
    if counting.roll_to_working_day:
        assert due.on not in statutory_days_off(due.on.year)
    wd = CAL.add_working_days(start, min(days, 60), counting)
    assert wd.on not in statutory_days_off(wd.on.year) and wd.on.weekday() < 5 or CAL.is_known(wd.on)


@SETTINGS
@given(start=st.one_of(RECENT, DATES), days=st.integers(1, 120), counting=COUNTINGS)
def test_working_day_due_date_is_never_a_day_off_xinfang_art_23_3(start, days, counting):
    """信访工作条例 Art 23 ¶3 「工作日」: counting working days never ends on a day off, and
    exactly ``days`` working days have passed (民法典 Art 201: the start day not counted)."""
    # given any start, length and counting; when
    due = CAL.add_working_days(start, days, counting)
    # then
    assert CAL.is_working_day(due.on)
    assert _published_truth(due.on)
    assert due.on > start or (not counting.exclude_start_day and days == 1 and due.on == start)
    counted = CAL.working_days_between(start, due.on)
    if not counting.exclude_start_day and CAL.is_working_day(start):
        counted += 1
    assert counted == days
    assert due.provisional == any(y > 2026 for y in range(start.year, due.on.year + 1))


@SETTINGS
@given(start=st.one_of(RECENT, DATES), days=st.integers(1, 120), exclude=st.booleans())
def test_calendar_day_due_date_with_roll_is_the_first_working_day_on_or_after_the_nominal_end_civil_code_art_203(
    start, days, exclude
):
    """民法典 Art 201 + 203: the due date is a working day, not before start + days (start day
    excluded; start + days - 1 when counted), and every day skipped by the roll is a day off."""
    # given
    counting = Counting(exclude_start_day=exclude, roll_to_working_day=True)
    nominal = start + dt.timedelta(days=days if exclude else days - 1)
    # when
    due = CAL.add_days(start, days, counting)
    # then
    assert CAL.is_working_day(due.on) and _published_truth(due.on)
    assert due.on >= nominal >= start
    if exclude:
        assert due.on >= start + dt.timedelta(days=days)
    skipped = [nominal + dt.timedelta(days=i) for i in range((due.on - nominal).days)]
    assert not any(CAL.is_working_day(d) for d in skipped)
    # and without the roll the period ends on the nominal day itself
    assert CAL.add_days(start, days, replace(counting, roll_to_working_day=False)).on == nominal


@SETTINGS
@given(start=st.one_of(RECENT, DATES), a=st.integers(1, 200), b=st.integers(1, 200), counting=COUNTINGS)
def test_due_dates_are_monotonic_in_the_number_of_days_civil_code_art_201_203(start, a, b, counting):
    """A longer period never ends earlier (calendar days, 民法典 Art 201/203) and working-day
    periods strictly later (信访工作条例 Art 23 ¶3)."""
    # given
    a, b = min(a, b), max(a, b)
    # when / then
    assert CAL.add_days(start, a, counting).on <= CAL.add_days(start, b, counting).on
    wa, wb = CAL.add_working_days(start, a, counting).on, CAL.add_working_days(start, b, counting).on
    assert wa < wb if a < b else wa == wb


@SETTINGS
@given(start=st.one_of(RECENT, DATES), name=st.sampled_from(sorted(RULES)), extra=st.integers(0, 30))
def test_every_rule_is_monotonic_in_its_extra_days(start, name, extra):
    """Each named rule (信访工作条例 Art 22-36, 人民调解法 Art 33): extra days never make it end earlier."""
    # given
    rule = RULES[name]
    # when / then
    assert rule.due(start, CAL).on <= rule.due(start, CAL, extra_days=extra).on


@SETTINGS
@given(
    start=DATES,
    days=st.one_of(st.integers(1, 400), st.integers(1, 10**10)),
    counting=COUNTINGS,
    other=st.dates(min_value=D(1900, 1, 1), max_value=D(2300, 1, 1)),
)
def test_no_date_from_2004_to_2150_crashes_the_calendar(start, days, counting, other):
    """民法典 Art 201/203, 信访工作条例 Art 23 ¶3 counting: any date from 2004 to 2150 and any period
    length is counted or refused with ``CalendarError``, never another exception."""
    # given any date from 2004 to 2150; when each entry point is called
    for call in (
        lambda: CAL.add_days(start, days, counting),
        lambda: CAL.add_working_days(start, days, counting),
        lambda: CAL.next_working_day(start),
        lambda: CAL.working_days_between(start, other),
        lambda: CAL.working_days_between(other, start),
    ):
        try:
            result = call()
        except CalendarError:
            continue
        # then it was refused cleanly (above), or it answers with a supported date
        if hasattr(result, "on"):
            assert D(2004, 1, 1) <= result.on <= LATEST


# -- 信访工作条例 Art 34: extensions ------------------------------------------------------------

EXTENSION_DAYS = st.one_of(st.integers(-5, 45), st.booleans(), st.just("30"), st.none())


@SETTINGS
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["request_extension", "approve_extension"]),
            EXTENSION_DAYS,
            st.sampled_from([frozenset({Role.HANDLER}), frozenset({Role.ACCOUNTABLE_OFFICIAL}), frozenset(Role)]),
        ),
        max_size=12,
    )
)
def test_extension_never_exceeds_30_days_in_total_xinfang_art_34(ops):
    """信访工作条例 Art 34 「不得超过30日」: whatever sequence of requests and approvals is tried,
    the granted extension stays within 30 days and the handling clock within 60 + 30 days."""
    # given an accepted case
    accepted_on = D(2026, 3, 5)
    history = [Happening("register", D(2026, 3, 2)), Happening("accept", accepted_on)]
    facts = CaseFacts(State.ACCEPTED)
    # when every operation is checked and only successes are applied
    for i, (action, days, roles) in enumerate(ops):
        on = accepted_on + dt.timedelta(days=i + 1)
        params = {"reason": "需要调查", "extension_days": days}
        try:
            check(action, facts, roles, params, on)
        except TransitionRefused as err:
            assert err.code in {"forbidden", "invalid"}
            continue
        history.append(Happening(action, on, params))
        if action == "request_extension":
            facts = replace(facts, extension_pending_days=days)
        else:
            facts = replace(
                facts, extension_pending_days=0, extension_days_granted=facts.extension_days_granted + days
            )
        # then
        assert 0 <= facts.extension_days_granted <= MAX_EXTENSION_DAYS
    handling = [c for c in derive_clocks(history, CAL) if c.name == "handling"][0]
    assert handling.extension_days == facts.extension_days_granted <= MAX_EXTENSION_DAYS
    assert handling.due.on <= CAL.add_days(accepted_on, 60 + MAX_EXTENSION_DAYS).on
    assert sum(1 for h in history if h.action == "approve_extension") <= 1


# -- the lifecycle under random use ----------------------------------------------------------

GOOD_PARAMS = {
    "reason": "理由",
    "note": "办理情况",
    "outcome": Outcome.EXPLAINED.value,
    "decision": ReviewDecision.UPHOLD.value,
    "findings": "认定的事实和理由",
    "route": Route.ARBITRATION.value,
    "reasons": "事实和理由",
    "opinion": "意见",
    "legal_basis": "信访工作条例",
    "satisfaction": Satisfaction.BASICALLY.value,
    "target_case": "XF-2026-000001",
    "extension_days": 30,
}
BAD_VALUES = st.sampled_from(["", "  ", None, 0, 31, -1, True, "bogus", "30"])
GOOD_DAYS = st.integers(1, 30)

# Strategies are built once: building them inside the loop costs more than the test itself.
MIXED_PARAMS = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(GOOD_DAYS if key == "extension_days" else st.just(good), BAD_VALUES)
        for key, good in GOOD_PARAMS.items()
    },
)
"""Any subset of the parameters, each good or bad."""
ALL_GOOD_PARAMS = GOOD_DAYS.map(lambda days: {**GOOD_PARAMS, "extension_days": days})
MODES = st.sampled_from(["progress", "progress", "open", "any"])
ANY_ROLES = st.frozensets(st.sampled_from(list(Role)), max_size=3)
BOOLS = st.booleans()
DAYS_LATER = st.integers(0, 12)
_PICK: dict[int, st.SearchStrategy[int]] = {}


def pick(data, items: list):
    """One of ``items``, with a cached strategy per length."""
    n = len(items)
    if n not in _PICK:
        _PICK[n] = st.integers(0, n - 1)
    return items[data.draw(_PICK[n])]


def _apply(facts: CaseFacts, action: str, params: dict, new_state: State, history: list[Happening]) -> CaseFacts:
    """What the application records after a successful transition (the guards' facts)."""
    clock = current_clock(derive_clocks(history, CAL))
    facts = replace(facts, state=new_state, window_due=clock.due.on if clock and clock.due else None)
    if action == "request_extension":
        facts = replace(facts, extension_pending_days=params["extension_days"])
    elif action == "approve_extension":
        facts = replace(
            facts,
            extension_pending_days=0,
            extension_days_granted=facts.extension_days_granted + params["extension_days"],
        )
    elif action == "reply":
        facts = replace(facts, replied=True)
    elif action == "rate":
        facts = replace(facts, rated=True)
    return facts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_action_sequences_never_reach_an_undefined_state(data):
    """The lifecycle table (信访工作条例 Art 22-36) under random actions, roles and parameters:
    every state is defined, refusals say why with a known code and change nothing, a terminal
    state is never left (Art 36 ¶3), and the extension never passes 30 days (Art 34)."""
    facts = CaseFacts(None)
    state: State | None = None  # tracked here, changed only when check allows the action
    history: list[Happening] = []
    on = data.draw(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), label="first day")
    all_actions = sorted(TRANSITIONS) + ["no_such_action"]
    for _ in range(data.draw(st.integers(1, 40), label="steps")):
        # given a random action, roles and parameters: in "progress" mode one that moves the
        # case on, taken by the right role with good parameters; otherwise anything at all
        mode = data.draw(MODES)
        open_now = [t.action for t in available_actions(facts.state, set(Role))]
        onward = [a for a in open_now if TRANSITIONS[a].target not in TERMINAL - {State.FINAL}]
        action = pick(data, {"progress": onward, "open": open_now}.get(mode) or all_actions)
        t = TRANSITIONS.get(action)
        if t is not None and (mode == "progress" or data.draw(BOOLS)):
            roles = frozenset({pick(data, sorted(t.roles))})
        else:
            roles = data.draw(ANY_ROLES)
        params = data.draw(ALL_GOOD_PARAMS if mode == "progress" or data.draw(BOOLS) else MIXED_PARAMS)
        on = on + dt.timedelta(days=data.draw(DAYS_LATER))
        before, params_before = dict(vars(facts)), dict(params)
        # when
        try:
            new_state = check(action, facts, roles, params, on)
        except TransitionRefused as err:
            # then a refusal has a known code, the right one, and changes nothing
            assert vars(facts) == before and params == params_before
            assert state == facts.state
            if t is None:
                assert err.code == "unknown_action"
            elif (t.sources and facts.state not in t.sources) or (not t.sources and facts.state is not None):
                assert err.code == "wrong_state"
            elif not t.roles & roles:
                assert err.code == "forbidden"
            else:
                assert err.code == "invalid"
            continue
        # then a success is what the table says, and only now does the tracked state change
        assert vars(facts) == before and params == params_before
        assert t is not None and t.roles & roles
        assert new_state in set(State)
        assert new_state == (t.leads_to(facts.state) if facts.state is not None else t.target)
        if facts.state in TERMINAL:
            assert new_state == facts.state
        if action == "rate":
            assert facts.replied and not facts.rated
        history.append(Happening(action, on, params))
        facts = _apply(facts, action, params, new_state, history)
        state = new_state
        assert facts.extension_days_granted <= MAX_EXTENSION_DAYS
        # and a terminal state stays reachable
        assert reachable_from(facts.state) & TERMINAL
        event(f"visited {facts.state}")


def test_from_every_reachable_state_a_terminal_state_can_be_reached_with_check():
    """No case is stuck (信访工作条例 Art 34-36: every matter ends): from every state reachable
    from REGISTERED, ``check`` itself allows a path to a terminal state."""
    # given facts under which the window guards pass one way or the other
    on = D(2026, 6, 1)
    variants = [dict(replied=True), dict(replied=True, window_due=on - dt.timedelta(days=1))]

    def next_states(state: State) -> set[State]:
        found = set()
        for t in TRANSITIONS.values():
            for extra in variants:
                try:
                    found.add(check(t.action, CaseFacts(state, **extra), set(Role), GOOD_PARAMS, on))
                except TransitionRefused:
                    pass
        return found

    # when walking from each state reachable from REGISTERED, using check() with every role
    for start in reachable_from(State.REGISTERED):
        seen, todo = {start}, [start]
        while todo:
            for nxt in next_states(todo.pop()) - seen:
                seen.add(nxt)
                todo.append(nxt)
        # then a terminal state is among those reached
        assert seen & TERMINAL, start
