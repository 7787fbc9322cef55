"""The people's-mediation table (人民调解法) and ``d_check``: every transition, from every state, with its guards."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.rules.lifecycle import Role, TransitionRefused
from casework.rules.mediation import (
    D_STATE_LABELS, D_TRANSITIONS, NEXT_LEVEL, DisputeFacts, DState, Level, PartyDetails, Performance, d_available,
    d_check, mediation_level,
)

S, R, L = DState, Role, Level
TODAY = dt.date(2026, 12, 7)
PARTIES = {1: "王大", 2: "李二"}

# action -> (the states it may start from, the state it leads to; None: stays where it is). Written out by hand.
EXPECTED = {
    "register": (set(), S.REGISTERED),
    "assign_mediator": ({S.REGISTERED, S.MEDIATING}, None),
    "change_mediator": ({S.REGISTERED, S.MEDIATING, S.DRAFTED}, None),
    "record_party_details": ({S.REGISTERED, S.MEDIATING, S.DRAFTED}, None),
    "record_session": ({S.REGISTERED, S.MEDIATING, S.DRAFTED}, S.MEDIATING),
    "escalate": ({S.REGISTERED, S.MEDIATING, S.FAILED}, S.REGISTERED),
    "end_by_party": ({S.REGISTERED, S.MEDIATING, S.DRAFTED}, S.ENDED),
    "fail": ({S.MEDIATING, S.DRAFTED}, S.FAILED),
    "draft_agreement": ({S.MEDIATING, S.DRAFTED}, S.DRAFTED),
    "sign_agreement": ({S.DRAFTED}, S.AGREED),
    "agree_orally": ({S.MEDIATING}, S.AGREED),
    "record_performance": ({S.AGREED}, None),
}

# params that satisfy every guard of each action
GOOD = {
    "register": {"parties": 2, "facts": "围墙纠纷"},
    "assign_mediator": {},
    "change_mediator": {"party": 2, "mediator": 8},
    "record_party_details": {"listed": [1, 2]},
    "record_session": {"summary": "双方陈述"},
    "escalate": {"reason": "调解不成", "consent": True, "unit": 5, "mediator": 8, "target_on": TODAY + dt.timedelta(9)},
    "end_by_party": {"party": 2, "routes_told": True},
    "fail": {"reason": "分歧大", "routes_told": True},
    "draft_agreement": {"terms": "拆除围墙", "performance_deadline": TODAY},
    "sign_agreement": {"signatures": {1: "signed", 2: "thumbprint"}, "mediator_signed": True, "sealed": True,
                       "performance_deadline": TODAY},
    "agree_orally": {"terms": "赔偿100元", "performance_deadline": TODAY, "writing_waived": True},
    "record_performance": {"result": "in_progress"},
}


def facts(state, level=L.VILLAGE, **over) -> DisputeFacts:
    values = dict(state=state, level=level, parties=2, party_names=PARTIES, mediator=7)
    values.update(over)
    return DisputeFacts(**values)


def refused(action, f, params=None, roles=(R.MEDIATOR,), on=TODAY) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as err:
        d_check(action, f, frozenset(roles), GOOD[action] if params is None else params, on)
    return err.value


def test_the_table_is_the_one_written_out_here_and_every_row_cites_its_article():
    """Every transition of 人民调解法 people's mediation, with its article (issue 12: correct citations)."""
    assert set(D_TRANSITIONS) == set(EXPECTED)
    for action, t in D_TRANSITIONS.items():
        sources, target = EXPECTED[action]
        assert (set(t.sources), t.target) == (sources, target), action
        assert t.article.startswith("人民调解法 第") and "条" in t.article, action
        assert t.roles and t.label and all(callable(g) for g in t.guards), action
    assert "第18条" not in D_TRANSITIONS["escalate"].article  # Art 18 is about courts and police referring disputes
    assert set(D_STATE_LABELS) == set(DState)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("state", [None, *DState], ids=lambda s: s or "none")
def test_every_action_from_every_state(action, state):
    """Allowed exactly from its source states; elsewhere refused as the wrong state, with a reason."""
    sources, target = EXPECTED[action]
    roles = (R.MEDIATOR, R.INTAKE_CLERK)
    f = facts(state) if state else DisputeFacts(state=None)
    allowed = state in sources if sources else state is None
    if action == "escalate" and state is not None:
        f = facts(state, level=L.VILLAGE)
    if allowed:
        assert d_check(action, f, roles, GOOD[action], TODAY) == (target or state)
    else:
        err = refused(action, f, roles=roles)
        assert err.code == "wrong_state" and err.message


def test_a_party_refusal_stops_everything_art_17():
    """Art 17 「当事人一方明确拒绝调解的，不得调解」."""
    for action, (sources, _) in EXPECTED.items():
        if sources:
            assert "不得继续调解" in refused(action, facts(S.ENDED)).message


def test_roles_come_before_guards():
    """A person without the role learns nothing from a guard's message."""
    err = refused("fail", facts(S.MEDIATING), params={}, roles=(R.HANDLER,))
    assert err.code == "forbidden"


def test_escalation_needs_reason_consent_and_a_next_level_art_3_17_26():
    f = facts(S.FAILED)
    assert d_check("escalate", f, {R.MEDIATOR}, GOOD["escalate"], TODAY) == S.REGISTERED
    assert "须经各方当事人同意" in refused("escalate", f, {**GOOD["escalate"], "consent": False}).message
    assert "上交理由" in refused("escalate", f, {**GOOD["escalate"], "reason": " "}).message
    assert "调解员" in refused("escalate", f, {**GOOD["escalate"], "mediator": None}).message
    assert "不能再上交" in refused("escalate", facts(S.FAILED, level=L.DEPARTMENT)).message
    assert d_check("escalate", facts(S.FAILED, level=L.TOWNSHIP), {R.MEDIATOR},
                   {"reason": "乡镇调解不成", "consent": True, "unit": 9}, TODAY) == S.REGISTERED
    assert NEXT_LEVEL == {L.VILLAGE: L.TOWNSHIP, L.TOWNSHIP: L.DEPARTMENT}
    assert [t.action for t in d_available(S.FAILED, {R.MEDIATOR}, L.DEPARTMENT)] == []
    assert [t.action for t in d_available(S.FAILED, {R.MEDIATOR}, L.VILLAGE)] == ["escalate"]


def test_ending_needs_the_routes_told_art_26():
    for action in ("fail", "end_by_party"):
        err = refused(action, facts(S.MEDIATING), {**GOOD[action], "routes_told": False})
        assert "仲裁、行政、司法" in err.message and "第二十六条" in err.message


def test_another_mediator_is_another_person_art_23_1():
    assert "原调解员" in refused("change_mediator", facts(S.MEDIATING), {"party": 2, "mediator": 7}).message
    assert "当事人" in refused("change_mediator", facts(S.MEDIATING), {"party": 3, "mediator": 8}).message


def test_a_draft_needs_the_details_the_terms_and_a_mediator_art_29_1():
    f = facts(S.MEDIATING, incomplete=("李二的性别",))
    assert "李二的性别" in refused("draft_agreement", f).message
    assert "指定调解员" in refused("draft_agreement", facts(S.MEDIATING, mediator=None)).message
    assert "协议内容" in refused("draft_agreement", facts(S.MEDIATING), {**GOOD["draft_agreement"], "terms": ""}).message
    early = {**GOOD["draft_agreement"], "performance_deadline": TODAY - dt.timedelta(1)}
    assert "不能早于" in refused("draft_agreement", facts(S.MEDIATING), early).message


def test_signing_needs_every_party_the_mediator_and_the_seal_art_29_2():
    f = facts(S.DRAFTED)
    good = GOOD["sign_agreement"]
    assert "李二" in refused("sign_agreement", f, {**good, "signatures": {1: "signed"}}).message
    assert "李二" in refused("sign_agreement", f, {**good, "signatures": {1: "signed", 2: "x"}}).message
    assert "人民调解员签名" in refused("sign_agreement", f, {**good, "mediator_signed": False}).message
    assert "印章" in refused("sign_agreement", f, {**good, "sealed": None}).message
    late = {**good, "performance_deadline": TODAY - dt.timedelta(1)}
    assert "修改协议草稿" in refused("sign_agreement", f, late).message


def test_an_oral_agreement_needs_writing_waived_art_28():
    assert "第二十八条" in refused("agree_orally", facts(S.MEDIATING), {**GOOD["agree_orally"],
                                                                       "writing_waived": False}).message


@pytest.mark.parametrize("result, state", [(Performance.IN_PROGRESS, S.AGREED), (Performance.PERFORMED, S.PERFORMED),
                                           (Performance.COURT, S.UNPERFORMED)])
def test_performance_follow_up_repeats_until_performed_or_court_art_31_32(result, state):
    assert d_check("record_performance", facts(S.AGREED), {R.MEDIATOR}, {"result": result}, TODAY) == state


def test_who_mediates_at_which_level_art_7_34():
    """Committees of villages and townships (Art 34), county-level committees and competent departments mediate;
    petition offices, governments and villagers' committees do not."""
    assert mediation_level("mediation", "village") == L.VILLAGE
    assert mediation_level("mediation", "township") == L.TOWNSHIP
    assert mediation_level("mediation", "county") == L.DEPARTMENT
    assert mediation_level("department", "county") == L.DEPARTMENT
    for kind in ("petition_office", "government", "committee"):
        assert mediation_level(kind, "township") is None


def test_the_parties_basic_details_art_29_1_1():
    """The 司法部 model form's details, never ethnicity; an organisation's legal representative."""
    assert PartyDetails("王大").missing() == ["性别", "年龄或出生日期", "职业", "住址", "联系电话"]
    full = PartyDetails("王大", sex="male", age=50, occupation="务农", address="幸福村", phone="138")
    assert full.missing() == []
    assert PartyDetails("王大", sex="male", birth_date=dt.date(1970, 1, 1), occupation="务农", address="幸福村",
                        phone="138").missing() == []
    assert PartyDetails("兴华公司", kind="organisation", address="建设路1号").missing() == ["法定代表人（主要负责人）"]
    assert not any("ethnic" in name or "nation" in name for name in PartyDetails.__dataclass_fields__)
