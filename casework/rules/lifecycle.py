"""The grievance lifecycle (信访工作条例 2022) as a table.

Each ``Transition`` says from which states an action may be taken, the state
it leads to, which roles may take it, what it does to the clocks, which
article it implements, what must hold of the case first (``requires``) and what
its inputs must be (``guards``). ``check`` is the one place that decides whether
an action is allowed; the Django layer calls it inside the one function that
changes a case's state. ``offered`` asks the same table which actions to offer a
person (state, role and the case's preconditions), so that a page never offers
what ``check`` would refuse before any input is given.

A case's *state* (where it is in the procedure) is kept apart from its
*outcome*: the Art 32 outcome of the reply (支持 / 解释说明 / 不予支持, one per
request where a matter has several), which only a reply sets, and the review
body's *decision* beside it (维持 / 撤销 / 变更, or 责令重新处理; Art 35, 36).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, Mapping

from .clocks import MAX_EXTENSION_DAYS


class State(StrEnum):
    REGISTERED = "registered"  # 已登记
    FORWARDED = "forwarded"  # 已转送
    OBJECTED = "objected"  # 接收单位提出异议，待转送机关核实 (Art 23 ¶3)
    REDIRECTED = "redirected"  # 已告知其他法定途径
    ACCEPTED = "accepted"  # 已受理，办理中
    REPLIED = "replied"  # 已出具处理意见
    REVIEW = "review"  # 复查中
    REVIEWED = "reviewed"  # 已出具复查意见
    REREVIEW = "rereview"  # 复核中
    HEARING = "hearing"  # 复核听证中
    FINAL = "final"  # 复核终结
    CLOSED = "closed"  # 已结案


STATE_LABELS: dict[State, str] = {
    State.REGISTERED: "已登记",
    State.FORWARDED: "已转送",
    State.OBJECTED: "转送异议待核实",
    State.REDIRECTED: "已告知其他途径",
    State.ACCEPTED: "办理中",
    State.REPLIED: "已答复",
    State.REVIEW: "复查中",
    State.REVIEWED: "已复查",
    State.REREVIEW: "复核中",
    State.HEARING: "复核听证中",
    State.FINAL: "已终结",
    State.CLOSED: "已结案",
}

TERMINAL: frozenset[State] = frozenset({State.REDIRECTED, State.FINAL, State.CLOSED})
OPEN: frozenset[State] = frozenset(State) - TERMINAL


class Role(StrEnum):
    INTAKE_CLERK = "intake_clerk"  # 登记受理人员
    HANDLER = "handler"  # 承办人员
    ACCOUNTABLE_OFFICIAL = "accountable_official"  # 包案领导 / 本机关负责人
    SUPERVISOR = "supervisor"  # 督办人员
    MEDIATOR = "mediator"  # 调解员
    ADMINISTRATOR = "administrator"  # 系统管理员
    COMPLAINANT = "complainant"  # 信访人 (not a staff role: proven by case number + access code)
    SYSTEM = "system"  # the deadline job


STAFF_ROLES: tuple[Role, ...] = (
    Role.INTAKE_CLERK,
    Role.HANDLER,
    Role.ACCOUNTABLE_OFFICIAL,
    Role.SUPERVISOR,
    Role.MEDIATOR,
    Role.ADMINISTRATOR,
)

ROLE_LABELS: dict[Role, str] = {
    Role.INTAKE_CLERK: "登记受理人员",
    Role.HANDLER: "承办人员",
    Role.ACCOUNTABLE_OFFICIAL: "包案领导",
    Role.SUPERVISOR: "督办人员",
    Role.MEDIATOR: "调解员",
    Role.ADMINISTRATOR: "系统管理员",
    Role.COMPLAINANT: "信访人",
    Role.SYSTEM: "系统",
}


class Outcome(StrEnum):
    """信访工作条例 Art 32: 予以支持 / 解释说明 / 不予支持 (RULES.md §0; 「部分支持」 is not one of them).

    A matter with several requests carries one outcome per request.
    """

    SUPPORTED = "supported"  # the request is well founded and lawful
    EXPLAINED = "explained"  # reasonable but without a legal basis: explained
    NOT_SUPPORTED = "not_supported"  # no factual basis, or contrary to law


OUTCOME_LABELS = {Outcome.SUPPORTED: "支持", Outcome.EXPLAINED: "解释说明", Outcome.NOT_SUPPORTED: "不予支持"}

# Values older events and cases hold, read as today's (docs/decisions/0001-art-32-outcomes.md).
LEGACY_OUTCOMES: dict[str, Outcome] = {"partly": Outcome.EXPLAINED}


def outcome_of(value: str) -> Outcome | None:
    """An outcome as recorded at any time (``partly`` included), as one of the three of Art 32."""
    if value in set(Outcome):
        return Outcome(value)
    return LEGACY_OUTCOMES.get(value)


class ReviewDecision(StrEnum):
    """What a 复查 (Art 35) or 复核 (Art 36) body decides about the opinion before it (RULES.md §0)."""

    UPHOLD = "uphold"  # 维持
    REVOKE = "revoke"  # 撤销
    CHANGE = "change"  # 变更
    REDO = "redo"  # 责令重新处理: back to the unit that replied (the ``order_redo`` transition)


REVIEW_DECISION_LABELS = {
    ReviewDecision.UPHOLD: "维持",
    ReviewDecision.REVOKE: "撤销",
    ReviewDecision.CHANGE: "变更",
    ReviewDecision.REDO: "责令重新处理",
}

# Review events written before review decisions existed carried an Art 32-style outcome about the
# complainant's request: not supported meant the opinion stood, partly that it was changed, supported
# that it was set aside (docs/decisions/0001-art-32-outcomes.md).
LEGACY_REVIEW_DECISIONS: dict[str, ReviewDecision] = {
    "not_supported": ReviewDecision.UPHOLD,
    "partly": ReviewDecision.CHANGE,
    "supported": ReviewDecision.REVOKE,
}


class Route(StrEnum):
    """信访工作条例 Art 31(1)-(4): matters that belong to another legal procedure."""

    LITIGATION = "litigation"  # (1) 诉讼、复查、检察、公安程序
    ARBITRATION = "arbitration"  # (2) 仲裁
    PARTY_APPEAL = "party_appeal"  # (3) 党员申诉
    ADMINISTRATIVE = "administrative"  # (4) 行政复议、裁决、确认、许可、处罚
    DUTY = "duty"  # (5) 请求依法履行职责: the organ performs its duty or answers (Art 31(5))
    ACCUSATION = "accusation"  # 检举控告: to the 纪检监察机关 (Art 22 ¶2)


# Routes whose notice names the body that takes the matter (the 纪检监察机关; the organ whose duty it is).
ROUTES_TO_A_BODY: frozenset[Route] = frozenset({Route.DUTY, Route.ACCUSATION})


ROUTE_LABELS = {
    Route.LITIGATION: "诉讼、复查、检察或公安程序",
    Route.ARBITRATION: "仲裁",
    Route.PARTY_APPEAL: "党员申诉",
    Route.ADMINISTRATIVE: "行政复议、行政裁决、行政确认、行政许可、行政处罚",
    Route.DUTY: "请求依法履行法定职责",
    Route.ACCUSATION: "检举控告（纪检监察机关）",
}


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY: "基本满意",
    Satisfaction.UNSATISFIED: "不满意",
}


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, nothing more."""

    state: State | None
    extension_pending_days: int = 0
    extension_days_granted: int = 0
    replied: bool = False
    rated: bool = False
    window_due: dt.date | None = None  # the running clock's due date, if any
    window_provisional: bool = False  # that date rests on a year whose holiday schedule is not published
    respondent_units: int = 0  # how many units the complaint names as complained about (Art 30 ¶3)
    handling_due: dt.date | None = None  # the running handling period's last day (Art 34), if any
    handling_provisional: bool = False  # that day rests on a year without a published schedule
    delivered: bool = False  # the reply's delivery to the complainant is recorded (Art 35 「收到」)


class TransitionRefused(Exception):
    """An action not allowed now. ``code`` is for machines, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Guard = Callable[[CaseFacts, Mapping[str, object], dt.date], "str | None"]
Precondition = Callable[[CaseFacts, dt.date], "str | None"]


@dataclass(frozen=True)
class ClockEffects:
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[State]  # empty: creates the case
    target: State | None  # None: the state does not change
    roles: frozenset[Role]
    article: str
    label: str
    clocks: ClockEffects = field(default_factory=ClockEffects)
    guards: tuple[Guard, ...] = ()  # on the inputs (checked after ``requires``)
    requires: tuple[Precondition, ...] = ()  # on the case alone: what ``offered`` checks too

    def leads_to(self, state: State) -> State:
        return self.target if self.target is not None else state


# -- guards: each returns the reason for refusing, or None ---------------------


def _text(name: str, label: str) -> Guard:
    def guard(facts, params, on):
        value = params.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"请填写{label}"
        return None

    guard.__name__ = f"requires_{name}"
    return guard


def _within_window(facts, on):
    # A provisional end (a year without a published schedule) never refuses a request: it waits for the schedule.
    if facts.window_due is not None and on > facts.window_due and not facts.window_provisional:
        return f"已超过申请期限（截止 {facts.window_due.isoformat()}）"
    return None


def _window_passed(facts, on):
    if facts.state is State.REPLIED and not facts.delivered:
        return "处理意见书的送达尚未登记：复查申请期限自信访人收到之日起计算（第三十五条），尚未起算"
    if facts.window_due is None or on <= facts.window_due:
        return "申请期限尚未届满"
    if facts.window_provisional:
        return "申请期限的截止日为暂定日期（该年度节假日安排尚未发布），发布后再结案"
    return None


def _valid_outcome(facts, params, on):
    """Art 32: one outcome, or one per request (at least two requests, each named)."""
    per_request = params.get("outcomes") or ()
    if per_request:
        if params.get("outcome"):
            return "请选择一个处理结果，或逐项填写每项请求的处理结果，不能同时填写（第三十二条）"
        if not isinstance(per_request, (list, tuple)) or len(per_request) < 2:
            return "逐项答复时至少填写两项请求及其处理结果（第三十二条）"
        for i, item in enumerate(per_request, 1):
            request = item.get("request") if isinstance(item, Mapping) else None
            if not isinstance(request, str) or not request.strip():
                return f"请填写第{i}项请求的内容（第三十二条）"
            if item.get("outcome") not in set(Outcome):
                return f"请选择第{i}项请求的处理结果：支持、解释说明或不予支持（第三十二条）"
        return None
    if params.get("outcome") not in set(Outcome):
        return "请选择处理结果：支持、解释说明或不予支持（第三十二条）"
    return None


def _valid_decision(article: str, body: str):
    """A review body's decision (Art 35, 36): 维持、撤销 or 变更 (责令重新处理 is its own action)."""

    def guard(facts, params, on):
        if params.get("decision") not in {ReviewDecision.UPHOLD, ReviewDecision.REVOKE, ReviewDecision.CHANGE}:
            return f"请选择{body}结论：维持、撤销或变更（{article}）"
        return None

    guard.__name__ = f"valid_{body}_decision"
    return guard


def _valid_route(facts, params, on):
    if params.get("route") not in set(Route):
        return "请选择应当告知的法定途径"
    return None


def _no_extension_yet(facts, on):
    if facts.extension_pending_days:
        return "已有待批准的延期申请"
    if facts.extension_days_granted:
        return "办理期限只能延长一次（第34条）"
    return None


def _extension_awaiting_decision(facts, on):
    return None if facts.extension_pending_days else "没有待批准的延期申请"


def _extension_days_requestable(facts, params, on):
    days = params.get("extension_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        return f"延长期限应为 1 至 {MAX_EXTENSION_DAYS} 日（第34条）"
    return None


def _extension_days_approvable(facts, params, on):
    days = params.get("extension_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= facts.extension_pending_days:
        return f"批准的延长期限应为 1 至 {facts.extension_pending_days} 日"
    if facts.extension_days_granted + days > MAX_EXTENSION_DAYS:
        return f"延长期限合计不得超过 {MAX_EXTENSION_DAYS} 日（第34条）"
    return None


def _before_handling_ends(facts, on):
    """Art 34: the period is extended before it ends; an approval after the last day extends nothing.
    A provisional last day (a year without a published schedule) never refuses: it may still move."""
    if facts.handling_due is not None and on > facts.handling_due and not facts.handling_provisional:
        return f"办理期限已于 {facts.handling_due.isoformat()} 届满，不能再延期（第三十四条）"
    return None


def _delivery_unrecorded(facts, on):
    return "处理意见书的送达已经登记" if facts.delivered else None


def _valid_delivery(facts, params, on):
    """The reply reached the complainant on a day (not before it was issued, not after today) and in a manner."""
    if params.get("manner") not in set(DeliveryManner):
        return "请选择送达方式：当面送达、邮寄送达或电子送达"
    received, issued = params.get("received_on"), params.get("replied_on")
    if not isinstance(received, dt.date):
        return "请填写送达日期"
    if isinstance(issued, dt.date) and received < issued:
        return f"送达日期不能早于处理意见书的出具日期 {issued.isoformat()}"
    if received > on:
        return f"送达日期不能晚于登记送达的日期 {on.isoformat()}"
    return None


def _target_being_handled(facts, params, on):
    """Art 19 ¶3: only a matter still being handled takes in a resubmission. A letter about a matter already
    answered is a request for review (Art 35) or a new matter, never swallowed by a merge."""
    if params.get("target_state") not in {State.REGISTERED, State.FORWARDED, State.ACCEPTED}:
        number = params.get("target_number") or "原信访事项"
        return (f"{number} 已出具处理意见或已办结，不能并入：对已答复事项再次来信的，是复查申请（第三十五条）"
                f"或新的信访事项，请分别办理（第十九条第三款只适用于正在办理的事项）")
    return None


def _final_case_named(facts, params, on):
    """Art 36 ¶3: the earlier matter must have reached its re-review opinion."""
    if not params.get("final_case"):
        return "请指定已经复核终结的原信访事项"
    if params.get("final_state") != State.FINAL:
        number = params.get("final_number") or "原信访事项"
        return f"{number} 尚未复核终结，不适用第三十六条第三款；请依程序办理或申请复查、复核"
    return None


def _route_body(facts, params, on):
    """A referral to the 纪检监察机关 (Art 22 ¶2) or a request that an organ perform its duty (Art 31(5)) names
    that body in the notice."""
    if params.get("route") in ROUTES_TO_A_BODY:
        body = params.get("body")
        if not isinstance(body, str) or not body.strip():
            return "请填写承办机关（纪检监察机关或负有法定职责的机关）"
    return None


def _replied_before(facts, on):
    return None if facts.replied else "尚未出具处理意见，不能评价"


def _not_rated(facts, on):
    return "已经评价过，评价不能更改" if facts.rated else None


def _valid_satisfaction(facts, params, on):
    if params.get("satisfaction") not in set(Satisfaction):
        return "请选择满意、基本满意或不满意"
    return None


def _signed_letter(facts, params, on):
    if not params.get("letter"):
        return "撤回须由信访人本人提出：请上传信访人签名的撤回书扫描件"
    return None


def _has_target(facts, params, on):
    return None if params.get("target_case") else "请指定正在办理的原信访事项"


def _names_a_unit(facts, on):
    return None if facts.respondent_units else "本案没有被投诉单位"


class DeliveryManner(StrEnum):
    """How the 处理意见书 reached the complainant (its delivery starts the Art 35 window)."""

    IN_PERSON = "in_person"  # 当面送达
    POST = "post"  # 邮寄送达
    ELECTRONIC = "electronic"  # 电子送达


DELIVERY_MANNER_LABELS = {
    DeliveryManner.IN_PERSON: "当面送达",
    DeliveryManner.POST: "邮寄送达",
    DeliveryManner.ELECTRONIC: "电子送达",
}


_GRIEVANCE_CLOCKS = (
    "receipt_notice",
    "forward_objection",
    "handling",
    "review_request",
    "review_decision",
    "rereview_request",
    "rereview_decision",
)

S = State
R = Role
_OPEN_BEFORE_REPLY = frozenset({S.REGISTERED, S.FORWARDED})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "register", frozenset(), S.REGISTERED, frozenset({R.INTAKE_CLERK, R.COMPLAINANT}),
            "第17条、第19条、第22条", "登记",
            ClockEffects(starts=("receipt_notice",)),
        ),
        Transition(
            "forward", _OPEN_BEFORE_REPLY, S.FORWARDED, frozenset({R.INTAKE_CLERK, R.HANDLER}),
            "第22条、第23条第3款", "转送",
            ClockEffects(starts=("receipt_notice", "forward_objection")),
        ),
        # Art 23 ¶3 (RULES.md §0): the receiving unit objects with reasons; the matter goes back only once the
        # sending body 「核实同意」. Until then the sending body holds the case to decide; the receiving unit's
        # receipt clock runs on. Agreed, the sending body's clock of the first receipt runs again (from the
        # day of that receipt, never restarted); refused, the matter stays with the receiving unit.
        Transition(
            "object", frozenset({S.FORWARDED}), S.OBJECTED,
            frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第23条第3款", "提出转送异议",
            ClockEffects(stops=("forward_objection",)),
            (_text("reason", "异议理由"),), (_within_window,),
        ),
        Transition(
            "agree_objection", frozenset({S.OBJECTED}), S.REGISTERED,
            frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第23条第3款", "核实同意退回",
            ClockEffects(starts=("receipt_notice",)),
            (_text("reason", "核实意见"),),
        ),
        Transition(
            "refuse_objection", frozenset({S.OBJECTED}), S.FORWARDED,
            frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第23条第3款", "不同意退回",
            guards=(_text("reason", "不同意退回的理由"),),
        ),
        Transition(
            "redirect", _OPEN_BEFORE_REPLY, S.REDIRECTED,
            frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第22条第2款、第28条第2款、第31条第1至5项", "告知其他法定途径",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            (_valid_route, _route_body, _text("reason", "告知理由")),
        ),
        # Art 36 ¶3: after the re-review opinion the same facts and reasons are not accepted again; a new
        # registration of them is refused (不予受理) with a notice that names the final opinion.
        Transition(
            "refuse_repeat", _OPEN_BEFORE_REPLY, S.CLOSED, frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第36条第3款", "不予受理（已复核终结）",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            (_final_case_named, _text("reason", "不予受理的理由")),
        ),
        Transition(
            "accept", _OPEN_BEFORE_REPLY, S.ACCEPTED, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第31条第6项、第34条", "受理",
            ClockEffects(stops=("receipt_notice", "forward_objection"), starts=("handling",)),
        ),
        Transition(
            "assign", frozenset({S.ACCEPTED}), None, frozenset({R.ACCOUNTABLE_OFFICIAL, R.SUPERVISOR}),
            "第24条", "确定承办单位和包案领导",
        ),
        Transition(
            "record_step", frozenset({S.ACCEPTED, S.REVIEW, S.REREVIEW, S.HEARING}), None,
            frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第31条第6项", "记录办理情况",
            guards=(_text("note", "办理情况"),),
        ),
        Transition(
            "request_extension", frozenset({S.ACCEPTED}), None, frozenset({R.HANDLER}),
            "第34条", "申请延期",
            guards=(_text("reason", "延期理由"), _extension_days_requestable),
            requires=(_no_extension_yet, _before_handling_ends),
        ),
        Transition(
            "approve_extension", frozenset({S.ACCEPTED}), None, frozenset({R.ACCOUNTABLE_OFFICIAL}),
            "第34条", "批准延期",
            ClockEffects(extends=("handling",)),
            (_extension_days_approvable,), (_extension_awaiting_decision, _before_handling_ends),
        ),
        Transition(
            "refuse_extension", frozenset({S.ACCEPTED}), None, frozenset({R.ACCOUNTABLE_OFFICIAL}),
            "第34条", "不予批准延期",
            guards=(_text("reason", "不予批准的理由"),), requires=(_extension_awaiting_decision,),
        ),
        Transition(
            "reply", frozenset({S.ACCEPTED}), S.REPLIED, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第32条", "出具处理意见书",
            ClockEffects(stops=("handling",), starts=("review_request",)),
            (_valid_outcome, _text("reasons", "事实和理由"), _text("opinion", "处理意见"),
             _text("legal_basis", "法律法规依据")),
        ),
        # Art 35: the review window runs from the day the complainant received the reply. Delivery recorded
        # later (date and manner) starts it; until then there is no window to pass (nothing expires).
        Transition(
            "record_delivery", frozenset({S.REPLIED}), None,
            frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第35条", "登记处理意见书送达",
            ClockEffects(starts=("review_request",)),
            (_valid_delivery,), (_delivery_unrecorded,),
        ),
        Transition(
            "request_review", frozenset({S.REPLIED}), S.REVIEW, frozenset({R.COMPLAINANT, R.INTAKE_CLERK}),
            "第35条", "申请复查",
            ClockEffects(stops=("review_request",), starts=("review_decision",)),
            (_text("reason", "复查请求"),), (_within_window,),
        ),
        Transition(
            "decide_review", frozenset({S.REVIEW}), S.REVIEWED, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第35条", "出具复查意见",
            ClockEffects(stops=("review_decision",), starts=("rereview_request",)),
            (_valid_decision("第三十五条", "复查"), _text("findings", "复查认定的事实和理由"),
             _text("opinion", "复查意见"), _text("legal_basis", "法律法规依据")),
        ),
        Transition(
            "request_rereview", frozenset({S.REVIEWED}), S.REREVIEW,
            frozenset({R.COMPLAINANT, R.INTAKE_CLERK}),
            "第36条第1款", "申请复核",
            ClockEffects(stops=("rereview_request",), starts=("rereview_decision",)),
            (_text("reason", "复核请求"),), (_within_window,),
        ),
        Transition(
            "start_hearing", frozenset({S.REREVIEW}), S.HEARING, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第36条第2款", "举行听证",
            ClockEffects(pauses=("rereview_decision",)),
        ),
        Transition(
            "end_hearing", frozenset({S.HEARING}), S.REREVIEW, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第36条第2款", "听证结束",
            ClockEffects(resumes=("rereview_decision",)),
        ),
        Transition(
            "decide_rereview", frozenset({S.REREVIEW}), S.FINAL, frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第36条第1款、第3款", "出具复核意见",
            ClockEffects(stops=("rereview_decision",)),
            (_valid_decision("第三十六条", "复核"), _text("findings", "复核认定的事实和理由"),
             _text("opinion", "复核意见"), _text("legal_basis", "法律法规依据")),
        ),
        # 责令重新处理 (RULES.md §0, Art 35, 36): the review body sends the matter back to the unit that
        # replied, which handles it again and issues a new 处理意见书 (whose reply opens the review window
        # again). The handling clock runs anew from the order.
        Transition(
            "order_redo", frozenset({S.REVIEW, S.REREVIEW}), S.ACCEPTED,
            frozenset({R.HANDLER, R.ACCOUNTABLE_OFFICIAL}),
            "第35条、第36条", "责令重新处理",
            ClockEffects(stops=("review_decision", "rereview_decision"), starts=("handling",)),
            (_text("findings", "认定的事实和理由"), _text("opinion", "重新处理的要求"),
             _text("legal_basis", "法律法规依据")),
        ),
        # Withdrawal is the complainant's act: on the portal, or by a signed letter that staff record
        # with its scan. Staff never close a case as withdrawn on their own word.
        Transition(
            "withdraw", frozenset(OPEN), S.CLOSED, frozenset({R.COMPLAINANT}),
            "第19条", "撤回",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            (_text("reason", "撤回说明"),),
        ),
        Transition(
            "record_withdrawal", frozenset(OPEN), S.CLOSED, frozenset({R.INTAKE_CLERK, R.HANDLER}),
            "第19条", "登记书面撤回",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            (_signed_letter, _text("reason", "撤回说明")),
        ),
        Transition(
            "merge", _OPEN_BEFORE_REPLY, S.CLOSED, frozenset({R.INTAKE_CLERK, R.HANDLER}),
            "第19条第3款", "并入正在办理的信访事项",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            (_has_target, _target_being_handled),
        ),
        Transition(
            "expire_window", frozenset({S.REPLIED, S.REVIEWED}), S.CLOSED, frozenset({R.SYSTEM}),
            "第35条、第36条", "申请期限届满结案",
            ClockEffects(stops=_GRIEVANCE_CLOCKS),
            requires=(_window_passed,),
        ),
        Transition(
            "rate", frozenset({S.REPLIED, S.REVIEW, S.REVIEWED, S.REREVIEW, S.HEARING, S.FINAL, S.CLOSED}),
            None, frozenset({R.COMPLAINANT}),
            "第21条第2款", "满意度评价",
            guards=(_valid_satisfaction,), requires=(_replied_before, _not_rated),
        ),
        # Art 30 ¶3: who is complained about may be named, added to or corrected at any time, by those who have the
        # case (a staff member so named loses sight of it at once); a supervisor may, with a recorded reason, let a
        # unit complained about handle it (the only competent one), the complainant's identity still withheld.
        Transition(
            "set_respondents", frozenset(State), None,
            frozenset({R.INTAKE_CLERK, R.HANDLER, R.ACCOUNTABLE_OFFICIAL, R.SUPERVISOR}),
            "第30条第3款", "更正被投诉对象",
            guards=(_text("reason", "更正理由"),),
        ),
        Transition(
            "allow_respondent_handling", frozenset(OPEN), None, frozenset({R.SUPERVISOR}),
            "第30条第3款", "批准被投诉单位办理",
            guards=(_text("reason", "批准理由"),), requires=(_names_a_unit,),
        ),
    )
}


def check(
    action: str,
    facts: CaseFacts,
    roles: frozenset[Role] | set[Role],
    params: Mapping[str, object],
    on: dt.date,
) -> State:
    """The state the action leads to, or ``TransitionRefused`` saying why not.

    The order of checks is part of the contract: an unknown action, then the
    state, then the role, then what the case must be (``requires``), then the
    inputs (``guards``), so that a person without the right role learns nothing
    from a guard's message.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionRefused("unknown_action", f"没有这个操作：{action}")
    if t.sources and facts.state not in t.sources:
        state = STATE_LABELS.get(facts.state, "未登记") if facts.state else "未登记"
        raise TransitionRefused("wrong_state", f"案件当前状态为「{state}」，不能{t.label}")
    if not t.sources and facts.state is not None:
        raise TransitionRefused("wrong_state", "案件已经登记")
    if not (t.roles & set(roles)):
        raise TransitionRefused("forbidden", f"您没有{t.label}的权限")
    for precondition in t.requires:
        reason = precondition(facts, on)
        if reason:
            raise TransitionRefused("invalid", reason)
    for guard in t.guards:
        reason = guard(facts, params, on)
        if reason:
            raise TransitionRefused("invalid", reason)
    assert facts.state is not None or t.target is not None
    return t.leads_to(facts.state) if facts.state is not None else t.target


def available_actions(state: State | None, roles: frozenset[Role] | set[Role]) -> list[Transition]:
    """Transitions this person could take in this state (guards aside), in table order."""
    return [
        t
        for t in TRANSITIONS.values()
        if (t.sources and state in t.sources or (not t.sources and state is None)) and t.roles & set(roles)
    ]


def offered(facts: CaseFacts, roles: frozenset[Role] | set[Role], on: dt.date) -> list[Transition]:
    """The actions to offer this person on this case now, in table order: those ``check`` would allow
    given good inputs (the state, the role and every precondition hold). A page offers exactly these:
    「批准延期」 is not offered once the extension is decided, nor 「申请复查」 after its window."""
    return [t for t in available_actions(facts.state, roles) if not any(p(facts, on) for p in t.requires)]


def reachable_from(state: State) -> set[State]:
    """Every state reachable from ``state`` by some sequence of transitions."""
    seen, todo = {state}, [state]
    while todo:
        s = todo.pop()
        for t in TRANSITIONS.values():
            if s in t.sources:
                nxt = t.leads_to(s)
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    return seen
