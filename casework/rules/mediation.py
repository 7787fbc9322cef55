"""People's mediation (人民调解法, 2010) as a table, like the grievance lifecycle.

Disputes are mediated at the lowest level first: the village or community
committee, then the township (street) office, then the competent department.
A party may refuse or end mediation at any time (Art 17, 23(2)); a failed or
ended mediation tells the parties their other routes (Art 26). An agreement
states the parties, facts and responsibility, terms, and the manner and
deadline of performance (Art 29); a written agreement takes effect when the
parties and the mediator have signed (Art 29 ¶2), an oral one on the day it is
reached (Art 30). The parties may jointly apply for judicial confirmation
within 30 days of the agreement taking effect (Art 33).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Callable, Mapping

from .lifecycle import Role, TransitionRefused


class Level(StrEnum):
    VILLAGE = "village"  # 村（居）民委员会人民调解委员会
    TOWNSHIP = "township"  # 乡镇（街道）
    DEPARTMENT = "department"  # 主管部门


LEVEL_LABELS = {Level.VILLAGE: "村（社区）", Level.TOWNSHIP: "乡镇（街道）", Level.DEPARTMENT: "主管部门"}
NEXT_LEVEL = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.DEPARTMENT}


class DState(StrEnum):
    REGISTERED = "registered"  # 已登记，待调解
    MEDIATING = "mediating"  # 调解中
    AGREED = "agreed"  # 已达成调解协议，履行中
    PERFORMED = "performed"  # 已履行
    UNPERFORMED = "unperformed"  # 未履行（可向法院起诉，第32条）
    FAILED = "failed"  # 调解不成（第26条）
    ENDED = "ended"  # 当事人拒绝或要求终止（第17条、第23条）


D_STATE_LABELS = {
    DState.REGISTERED: "待调解",
    DState.MEDIATING: "调解中",
    DState.AGREED: "已达成协议",
    DState.PERFORMED: "已履行",
    DState.UNPERFORMED: "未履行",
    DState.FAILED: "调解不成",
    DState.ENDED: "当事人拒绝调解",
}

D_TERMINAL = frozenset({DState.PERFORMED, DState.UNPERFORMED, DState.FAILED, DState.ENDED})
D_OPEN = frozenset(DState) - D_TERMINAL


class DisputeType(StrEnum):
    NEIGHBOUR = "neighbour"
    FAMILY = "family"
    LAND = "land"
    LABOUR = "labour"
    TENANCY = "tenancy"
    CONSUMER = "consumer"
    OTHER = "other"


DISPUTE_TYPE_LABELS = {
    DisputeType.NEIGHBOUR: "邻里纠纷",
    DisputeType.FAMILY: "婚姻家庭纠纷",
    DisputeType.LAND: "土地、宅基地边界纠纷",
    DisputeType.LABOUR: "劳动、劳务报酬纠纷",
    DisputeType.TENANCY: "房屋租赁纠纷",
    DisputeType.CONSUMER: "消费纠纷",
    DisputeType.OTHER: "其他纠纷",
}

OTHER_ROUTES = "可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）"


@dataclass(frozen=True)
class DisputeFacts:
    state: DState | None
    level: Level = Level.VILLAGE
    parties: int = 0


DGuard = Callable[[DisputeFacts, Mapping[str, object], dt.date], "str | None"]


@dataclass(frozen=True)
class DTransition:
    action: str
    sources: frozenset[DState]
    target: DState | None
    roles: frozenset[Role]
    article: str
    label: str
    guards: tuple[DGuard, ...] = ()


def _required(name: str, label: str) -> DGuard:
    def guard(facts, params, on):
        value = params.get(name)
        return None if isinstance(value, str) and value.strip() else f"请填写{label}"

    return guard


def _two_parties(facts, params, on):
    n = params.get("parties", facts.parties)
    return None if isinstance(n, int) and n >= 2 else "纠纷至少有两方当事人"


def _can_escalate(facts, params, on):
    return None if facts.level in NEXT_LEVEL else "已在主管部门调解，不能再上交"


def _escalation_target(facts, params, on):
    if NEXT_LEVEL.get(facts.level) == Level.TOWNSHIP:
        missing = [label for key, label in (("unit", "牵头单位"), ("mediator", "调解员"), ("target_on", "调解目标日期"))
                   if not params.get(key)]
        if missing:
            return "上交乡镇（街道）时须确定" + "、".join(missing)
    target = params.get("target_on")
    if isinstance(target, dt.date) and target <= on:
        return "调解目标日期应晚于今天"
    return None


def _agreement(facts, params, on):
    """Art 29: the terms, and the manner and deadline of performance; Art 28: an oral agreement is recorded."""
    if params.get("form") not in {"written", "oral"}:
        return "请选择书面协议或口头协议"
    if not (isinstance(params.get("terms"), str) and params["terms"].strip()):
        return "调解协议须载明协议内容（第二十九条）"
    deadline = params.get("performance_deadline")
    if not isinstance(deadline, dt.date):
        return "请填写履行期限（第二十九条）"
    effective = params.get("effective_on") or on
    if deadline < effective:
        return "履行期限不能早于协议生效日期"
    if params["form"] == "written" and not params.get("signed"):
        return "书面协议须经各方当事人签名、盖章或按指印，调解员签名并加盖调解委员会印章后生效（第二十九条第二款）"
    return None


def _performed_flag(facts, params, on):
    return None if isinstance(params.get("performed"), bool) else "请选择是否已履行"


S = DState
R = Role
STAFF = frozenset({R.MEDIATOR})

D_TRANSITIONS: dict[str, DTransition] = {
    t.action: t
    for t in (
        DTransition("register", frozenset(), S.REGISTERED, frozenset({R.MEDIATOR, R.INTAKE_CLERK}),
                    "人民调解法 第17条", "登记纠纷",
                    (_two_parties, _required("facts", "纠纷事实"))),
        DTransition("assign_mediator", frozenset({S.REGISTERED, S.MEDIATING}), None, STAFF,
                    "人民调解法 第19条", "选定或指定调解员"),
        DTransition("record_session", frozenset({S.REGISTERED, S.MEDIATING}), S.MEDIATING, STAFF,
                    "人民调解法 第22条、第23条、第27条", "记录调解",
                    (_required("summary", "调解情况"),)),
        DTransition("escalate", frozenset({S.REGISTERED, S.MEDIATING}), S.REGISTERED,
                    frozenset({R.MEDIATOR}), "人民调解法 第18条", "上交上一级调解",
                    (_can_escalate, _required("reason", "上交理由"), _escalation_target)),
        DTransition("end_by_party", frozenset({S.REGISTERED, S.MEDIATING}), S.ENDED, STAFF,
                    "人民调解法 第17条、第23条第2项、第26条", "当事人拒绝或要求终止调解",
                    (_required("party", "提出拒绝的当事人"),)),
        DTransition("fail", frozenset({S.MEDIATING}), S.FAILED, STAFF,
                    "人民调解法 第26条", "调解不成，终止调解",
                    (_required("reason", "终止理由"),)),
        DTransition("agree", frozenset({S.MEDIATING}), S.AGREED, STAFF,
                    "人民调解法 第28条、第29条、第30条", "达成调解协议",
                    (_agreement,)),
        DTransition("record_performance", frozenset({S.AGREED}), None, STAFF,
                    "人民调解法 第31条", "回访履行情况",
                    (_performed_flag,)),
    )
}


def d_check(action: str, facts: DisputeFacts, roles, params: Mapping[str, object], on: dt.date) -> DState:
    """The state the action leads to, or ``TransitionRefused`` saying why not (same order as ``lifecycle.check``)."""
    t = D_TRANSITIONS.get(action)
    if t is None:
        raise TransitionRefused("unknown_action", f"没有这个操作：{action}")
    if t.sources and facts.state not in t.sources:
        if facts.state == DState.ENDED:
            raise TransitionRefused("wrong_state", "当事人已拒绝或终止调解，不得继续调解（人民调解法第十七条）")
        label = D_STATE_LABELS.get(facts.state, "未登记") if facts.state else "未登记"
        raise TransitionRefused("wrong_state", f"纠纷当前状态为「{label}」，不能{t.label}")
    if not t.sources and facts.state is not None:
        raise TransitionRefused("wrong_state", "纠纷已经登记")
    if not (t.roles & set(roles)):
        raise TransitionRefused("forbidden", f"您没有{t.label}的权限")
    for guard in t.guards:
        reason = guard(facts, params, on)
        if reason:
            raise TransitionRefused("invalid", reason)
    if action == "record_performance":
        return DState.PERFORMED if params["performed"] else DState.UNPERFORMED
    if t.target is None:
        assert facts.state is not None
        return facts.state
    return t.target


def d_available(state: DState | None, roles) -> list[DTransition]:
    return [t for t in D_TRANSITIONS.values()
            if ((t.sources and state in t.sources) or (not t.sources and state is None)) and t.roles & set(roles)]
