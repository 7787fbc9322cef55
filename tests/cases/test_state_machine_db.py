"""Random walks through the real action functions: whatever is tried, the case stays consistent.

Property (DESIGN.md: every change is one event; bad input 「changes nothing」; events are
append-only and hash-chained): for any sequence of actions by any actors, with good or
bad parameters, on any dates,
- an action that is refused raises a ``CaseworkError`` and changes nothing: not the case
  row, not its events, not any other table;
- an action that goes through writes exactly one event, named after the action, and leads
  to the state the lifecycle table (信访工作条例 Art 19-36) gives for it;
- the stored due date is always the one replayed from the events;
- at the end, every event chain verifies.

Each example registers a fresh case; the dates advance from 150 days ago towards today,
so that review windows can expire and the deadline job has something to close.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casekit import REPLY, UPHELD, case_row, counts, events_of, last_event, register
from casework.audit.chain import verify_chains
from casework.cases.actions import (
    case_accept,
    case_allow_respondent_handling,
    case_approve_extension,
    case_assign,
    case_decide_objection,
    case_decide_rereview,
    case_decide_review,
    case_end_hearing,
    case_expire_window,
    case_forward,
    case_order_redo,
    case_merge,
    case_object,
    case_rate,
    case_record_delivery,
    case_record_step,
    case_record_withdrawal,
    case_recuse,
    case_redirect,
    case_refuse_extension,
    case_refuse_repeat,
    case_reply,
    case_set_respondents,
    case_request_extension,
    case_request_rereview,
    case_request_review,
    case_start_hearing,
    case_withdraw,
    case_allow_respondent_handling,
    case_set_respondents,
)
from casework.cases.actions.clocks import case_refresh_clocks
from casework.cases.actions.common import acting_on
from casework.cases.actions.transition import case_transition
from casework.cases.actors import Actor
from casework.cases.errors import CaseworkError
from casework.cases.models import Case
from casework.organisation.models import Membership
from casework.rules.lifecycle import TRANSITIONS, State

ACTIONS = sorted([a for a in TRANSITIONS if a != "register"] + ["recuse"])  # the case is registered first
PSEUDO_ACTORS = ["complainant", "complainant_other", "system", "anonymous"]
OFFICIAL_OF = {"town_a_office": "official_a", "county_housing": "housing_official",
               "county_bureau": "county_official", "city_bureau": "city_official", "county_gov": "gov_official"}
# 「上一级」 (Art 35, RULES.md §0), written out by hand for tests/conftest.py's world
HIGHER = {"town_a_office": "county_gov", "town_b_office": "county_gov", "county_housing": "county_gov",
          "county_bureau": "county_gov", "county_police": "county_gov", "county_gov": "city_gov"}


def _unit_key(world, unit_id: int) -> str:
    return next(k for k, u in world.units.items() if u.pk == unit_id)


def _params(world, case: Case, action: str, good: bool, days: int, target: Case) -> dict:
    """Parameters for ``action`` on ``case``: valid ones when ``good``, else a typical mistake."""
    u, users = world.units, world.users
    here = _unit_key(world, case.current_unit_id)
    if action == "forward":
        to = ("town_b_office" if here == "county_housing" else "county_housing") if good else here
        return {"to_unit_id": u[to].pk, "note": "转送"}
    if action == "object":
        return {"reason": "不属本单位职责" if good else ""}
    if action == "redirect":
        return {"route": "litigation" if good else "court", "reason": "应诉讼"}
    if action == "accept":
        return {} if good else {"accountable_official_id": users["county_official"].pk if here != "county_bureau"
                                else users["official_a"].pk}
    if action == "assign":
        official = users[OFFICIAL_OF.get(here, "official_a")].pk
        return {"accountable_official_id": official} if good else {"co_unit_ids": [case.current_unit_id]}
    if action == "record_step":
        return {"note": "电话联系" if good else "", "kind": "contact"}
    if action == "request_extension":
        return {"days": days if good else days + 31, "reason": "需勘查"}
    if action == "approve_extension":
        return {} if good else {"days": days + 31}
    if action == "refuse_extension":
        return {"reason": "现有期限足够" if good else ""}
    if action == "reply":
        return dict(REPLY) if good else {**REPLY, "legal_basis": ""}
    if action in ("request_review", "request_rereview"):
        unit = u[HIGHER[here]] if good and here in HIGHER else u["town_b_office"]
        field = "review_unit_id" if action == "request_review" else "rereview_unit_id"
        return {field: unit.pk, "reason": "不服"}
    if action in ("decide_review", "decide_rereview"):
        return dict(UPHELD) if good else {**UPHELD, "legal_basis": ""}
    if action == "order_redo":
        return {k: v for k, v in UPHELD.items() if k != "decision"} | ({} if good else {"findings": ""})
    if action in ("start_hearing", "end_hearing"):
        return {"note": "听证"}
    if action == "withdraw":
        return {"reason": "撤回" if good else " "}
    if action == "record_withdrawal":  # a signed letter, its scan attached; without the scan it is refused
        letter = SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed") if good else None
        return {"reason": "信访人来信撤回", "letter": letter}
    if action == "merge":
        return {"into_case_id": target.pk if good else case.pk}
    if action == "set_respondents":
        return {"unit_ids": [u["county_police"].pk], "reason": "核实后更正" if good else ""}
    if action == "allow_respondent_handling":
        return {"unit_id": u["county_police"].pk, "reason": "唯一有权处理的机关" if good else ""}
    if action in ("agree_objection", "refuse_objection"):
        return {"reason": "核实" if good else ""}
    if action == "record_delivery":  # the day is the step's own (``_act``); a bad one is before the reply
        return {"manner": "post" if good else "pigeon"}
    if action == "refuse_repeat":  # the target is still open: refused, as a repeat of a matter not final is
        return {"final_case_id": target.pk if good else case.pk, "reason": "同一事实和理由"}
    if action == "rate":
        return {"satisfaction": "satisfied" if good else "great"}
    if action == "recuse":
        return {"reason": "亲属" if good else ""}
    if action == "set_respondents":
        return {"unit_ids": [u["county_police"].pk], "reason": "信访人补充" if good else ""}
    if action == "allow_respondent_handling":
        return {"unit_id": u["county_police"].pk if good else u["town_b_office"].pk, "reason": "只有公安机关有权处理"}
    return {}


CALLS = {
    "forward": case_forward, "object": case_object, "redirect": case_redirect, "accept": case_accept,
    "assign": case_assign, "record_step": case_record_step, "request_extension": case_request_extension,
    "approve_extension": case_approve_extension, "refuse_extension": case_refuse_extension, "reply": case_reply, "request_review": case_request_review,
    "decide_review": case_decide_review, "request_rereview": case_request_rereview,
    "start_hearing": case_start_hearing, "end_hearing": case_end_hearing, "decide_rereview": case_decide_rereview,
    "order_redo": case_order_redo,
    "withdraw": case_withdraw, "record_withdrawal": case_record_withdrawal, "merge": case_merge,
    "agree_objection": lambda who, **kw: case_decide_objection(who, agree=True, **kw),
    "refuse_objection": lambda who, **kw: case_decide_objection(who, agree=False, **kw),
    "record_delivery": lambda who, *, on, **kw: case_record_delivery(who, received_on=on, on=on, **kw),
    "refuse_repeat": case_refuse_repeat,
    "set_respondents": case_set_respondents, "allow_respondent_handling": case_allow_respondent_handling,
}
USUAL = {  # the next step of the usual procedure (DESIGN.md lifecycle table)
    "registered": ["accept", "forward"], "forwarded": ["accept", "object"],
    "objected": ["agree_objection", "refuse_objection"],
    "accepted": ["reply", "reply", "assign", "request_extension", "approve_extension", "refuse_extension"],
    "replied": ["record_delivery", "record_delivery", "request_review", "expire_window"], "review": ["decide_review", "order_redo"],
    "reviewed": ["request_rereview", "request_rereview", "expire_window"],
    "rereview": ["start_hearing", "decide_rereview", "order_redo"], "hearing": ["end_hearing"], "final": ["rate"], "closed": ["rate"],
}
UNDATED = {"rate", "recuse"}  # these take no date: they happen today


def _holders(world, case: Case, action: str) -> list[str]:
    """Who holds a role the action needs, at the unit that has the case (or above it, for 督办)."""
    if action == "recuse":
        return sorted(set(Membership.objects.filter(unit_id=case.current_unit_id).values_list("user__username",
                                                                                            flat=True)))
    roles = {str(r) for r in TRANSITIONS[action].roles}
    unit_id = case.current_unit_id
    if action in ("request_review", "request_rereview"):  # a request on paper is registered by the body asked
        higher = HIGHER.get(_unit_key(world, unit_id))
        unit_id = world.units[higher].pk if higher else None
    members = Membership.objects.filter(role__in=roles, unit_id=unit_id)
    names = set(members.values_list("user__username", flat=True))
    if "supervisor" in roles:
        names |= set(Membership.objects.filter(role="supervisor").values_list("user__username", flat=True))
    names |= roles & {"complainant", "system"}  # the pseudo-actors are named after their roles
    return sorted(names)


def _act(who, case: Case, action: str, params: dict, on: dt.date) -> None:
    if action == "expire_window":
        if isinstance(who, Actor) and who.kind == "system":
            case_expire_window(case_id=case.pk, on=on)
        else:  # no one else can call the deadline job: put them through the same choke point
            with acting_on(who, case.pk) as (actor, locked):
                case_transition(actor, locked, "expire_window", on=on)
    elif action == "rate":
        case_rate(who, case_id=case.pk, **params)
    elif action == "recuse":
        case_recuse(who, case_id=case.pk, **params)
    else:
        CALLS[action](who, case_id=case.pk, on=on, **params)


def _who(world, name: str, case: Case, target: Case):
    return {"complainant": lambda: Actor.complainant(case.pk),
            "complainant_other": lambda: Actor.complainant(target.pk),
            "system": Actor.system, "anonymous": AnonymousUser}.get(name, lambda: world.users[name])()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          database=None)
@given(data=st.data())
def test_random_walks_change_a_case_only_by_legal_steps_each_one_event(world, data):
    """Any sequence, by anyone, with good or bad parameters: refusals change nothing, each allowed step
    writes one event and leads where the lifecycle table says; the chains verify at the end."""
    # given: a fresh case, and an open case to merge into, registered 150 days ago
    today = timezone.localdate()
    on = today - dt.timedelta(days=150)
    case = register(world, received_on=on).case
    target = register(world, received_on=on).case
    everyone = sorted(world.users) + PSEUDO_ACTORS
    steps = data.draw(st.integers(min_value=1, max_value=24), label="steps")
    for _ in range(steps):
        case.refresh_from_db()
        # mostly the next step of the usual procedure or another step the table offers in this state,
        # by someone holding a role it needs; else anything, by anyone
        offered = [a for a, t in TRANSITIONS.items() if case.state in t.sources] + ["recuse"]
        mode = data.draw(st.sampled_from(["usual", "usual", "offered", "anything"]), label="mode")
        choices = {"usual": USUAL.get(case.state), "offered": offered}.get(mode)
        action = data.draw(st.sampled_from(choices or ACTIONS), label="action")
        able = _holders(world, case, action) if choices else []
        name = data.draw(st.sampled_from(able or everyone), label="actor")
        good = data.draw(st.sampled_from([True, True, True, False]), label="good params")
        days = data.draw(st.integers(min_value=1, max_value=30), label="days")
        on = min(today, on + dt.timedelta(days=data.draw(st.integers(min_value=0, max_value=20), label="wait")))
        params = _params(world, case, action, good, days, target)
        before_row, before_counts, before_events = case_row(case), counts(), events_of(case)
        # when
        try:
            _act(_who(world, name, case, target), case, action, params, on)
        except CaseworkError as refused:
            event(f"refused: {refused.code}")
            # then: refused, nothing changed
            assert case_row(case) == before_row, (action, name, params)
            assert counts() == before_counts, (action, name, params)
            continue
        # then: one event, the state the table gives
        after = Case.objects.get(pk=case.pk)
        event(f"reached: {after.state}")
        event(f"done: {action}")
        assert events_of(case) == before_events + 1, (action, name)
        assert counts()["event"] == before_counts["event"] + 1
        assert last_event(case).verb == action
        if action in UNDATED:
            on = today  # it happened today: later steps cannot be dated before it
        if action == "recuse":
            assert after.state == before_row["state"]
            continue
        transition = TRANSITIONS[action]
        assert State(before_row["state"]) in transition.sources, (action, before_row["state"])
        assert after.state == transition.leads_to(State(before_row["state"])), (action, before_row["state"])
        # the stored due date is the one replayed from the events
        stored = (after.due_on, after.due_rule, after.due_provisional, after.duty_due_on, after.duty_rule)
        assert case_refresh_clocks(after) is False
        assert (after.due_on, after.due_rule, after.due_provisional, after.duty_due_on, after.duty_rule) == stored
    # finally
    assert list(verify_chains()) == []
