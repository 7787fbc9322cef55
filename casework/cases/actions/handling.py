"""Handling: accept, assign, record a step, extension, reply (Art 31(6), 32, 34)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Sequence

from casework import limits
from casework.audit.texts import private
from casework.rules.lifecycle import Role

from ..errors import InvalidInput
from ..models import Case, CaseUnitRelation
from .common import acting_on, active_unit, holds_role, link_unit, not_respondent, text
from .transition import action_date, case_transition

STEP_KINDS = {"contact": "联系信访人", "investigation": "调查核实", "hearing_of_views": "听取意见", "coordination": "协调会商", "other": "其他"}


def _official(user_id, unit, case, field="accountable_official_id"):
    if user_id is None:
        return None
    if not holds_role(user_id, unit, Role.ACCOUNTABLE_OFFICIAL):
        raise InvalidInput(f"该人员不是{unit.name}的包案领导", field)
    if case.respondent_officials.filter(pk=user_id).exists():  # they may not even see it (access.cases_visible_to)
        raise InvalidInput("该人员是被投诉人员，不能包案（《信访工作条例》第三十条第三款）", field)
    return int(user_id)


def case_accept(
    who, *, case_id: int, accountable_official_id: int | None = None, note: str = "", on: dt.date | None = None
) -> Case:
    """Accept as a 信访 matter (Art 31(6)); the 60-day handling clock starts (Art 34)."""
    with acting_on(who, case_id) as (actor, case):
        official = _official(accountable_official_id, case.current_unit, case)
        changes = {"lead_unit_id": case.current_unit_id}
        if official:
            changes["accountable_official_id"] = official
        case_transition(
            actor, case, "accept", on=on, changes=changes,
            data={"note": private(text(note, limits.ACCEPT_NOTE, "note", required=False))},
        )
        link_unit(case, case.current_unit, CaseUnitRelation.LEAD)
        return case


def case_assign(
    who, *, case_id: int, lead_unit_id: int | None = None, accountable_official_id: int | None = None,
    co_unit_ids: Iterable[int] = (), on: dt.date | None = None,
) -> Case:
    """Name the lead unit, the accountable official (包案领导) and co-handling units (Art 24)."""
    with acting_on(who, case_id) as (actor, case):
        lead = active_unit(lead_unit_id, "lead_unit_id") if lead_unit_id else case.current_unit
        not_respondent(case, lead, "lead_unit_id")
        co = [active_unit(u, "co_unit_ids") for u in co_unit_ids]
        for u in co:
            not_respondent(case, u, "co_unit_ids")
        if lead in co:
            raise InvalidInput("主办单位不能同时是协办单位", "co_unit_ids")
        official = _official(accountable_official_id, lead, case)
        if official is None and lead.pk != case.lead_unit_id:
            raise InvalidInput("更换主办单位时须同时确定包案领导", "accountable_official_id")
        changes = {"lead_unit_id": lead.pk, "current_unit_id": lead.pk}
        if official:
            changes["accountable_official_id"] = official
        case_transition(actor, case, "assign", on=on, changes=changes, data={"co_units": [u.pk for u in co]})
        link_unit(case, lead, CaseUnitRelation.LEAD)
        case.co_units.set(co)
        for u in co:
            link_unit(case, u, CaseUnitRelation.CO)
        return case


def case_record_step(who, *, case_id: int, note: str, kind: str = "other", on: dt.date | None = None) -> Case:
    """Record what was done: contacts, investigation, coordination (Art 31(6) 调查核实)."""
    if kind not in STEP_KINDS:
        raise InvalidInput(f"未知的办理环节：{kind}", "kind")
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "record_step", on=on, params={"note": note},
            data={"kind": kind, "note": private(text(note, limits.STEP_NOTE, "note"))},
        )
        return case


def case_request_extension(who, *, case_id: int, days: int, reason: str, on: dt.date | None = None) -> Case:
    """Ask the head of the unit for more time: at most 30 days, once (Art 34)."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "request_extension", on=on, params={"extension_days": days, "reason": reason},
            changes={"extension_pending_days": days},
            data={"days": days, "reason": private(text(reason, limits.EXTENSION_REASON, "reason", required=False))},
        )
        return case


def case_approve_extension(who, *, case_id: int, days: int | None = None, on: dt.date | None = None) -> Case:
    """The head of the unit approves; the complainant is told the reasons (Art 34)."""
    with acting_on(who, case_id) as (actor, case):
        days = case.extension_pending_days if days is None else days
        case_transition(
            actor, case, "approve_extension", on=on, params={"extension_days": days},
            changes={
                "extension_pending_days": 0,
                "extension_days_granted": case.extension_days_granted + (days if isinstance(days, int) else 0),
            },
        )
        return case


def case_refuse_extension(who, *, case_id: int, reason: str, on: dt.date | None = None) -> Case:
    """The head of the unit refuses the extension asked for, with reasons: the handling period stays as it was
    (Art 34 「经本机关、单位负责人批准」). The handler may ask again, for reasons that persuade."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "refuse_extension", on=on, params={"reason": reason},
            changes={"extension_pending_days": 0},
            # the table's guard requires the reason (after the role: a person without it learns nothing)
            data={"days": case.extension_pending_days, "reason": private(reason if isinstance(reason, str) else "")},
        )
        return case


def case_reply(
    who, *, case_id: int, reasons: str, opinion: str, legal_basis: str, outcome: str = "",
    outcomes: Sequence[Mapping[str, str]] = (), received_on: dt.date | None = None, on: dt.date | None = None,
) -> Case:
    """Issue the 处理意见书 (Art 32): request, facts and reasons, opinion and its legal basis.

    ``outcome`` is one of the three of Art 32 (支持 / 解释说明 / 不予支持); a matter with several
    requests may instead be answered request by request, ``outcomes`` = [{"request", "outcome"}, ...].
    The review window (Art 35) runs from the day the complainant receives it:
    ``received_on`` when known, else the day it is issued.
    """
    with acting_on(who, case_id) as (actor, case):
        per_request = [
            {"request": text(o.get("request"), limits.REQUEST_ITEM, "outcomes", required=False),
             "outcome": o.get("outcome")}
            for i, o in enumerate(outcomes or (), 1) if isinstance(o, Mapping)
        ]
        if len(per_request) != len(outcomes or ()):
            raise InvalidInput("逐项处理结果的格式不对：每项应有请求内容和处理结果", "outcomes")
        params = {"outcome": outcome or "", "outcomes": per_request, "reasons": reasons, "opinion": opinion,
                  "legal_basis": legal_basis}
        data = {"outcome": outcome or ""}
        for name, limit in (("reasons", limits.REPLY_REASONS), ("opinion", limits.REPLY_OPINION),
                            ("legal_basis", limits.LEGAL_BASIS)):
            data[name] = private(text(params[name], limit, name, required=False))  # the guards say what is missing
        if per_request:
            data["outcomes"] = [{"request": private(o["request"]), "outcome": o["outcome"]} for o in per_request]
        data["unit"] = case.current_unit_id  # the unit that issues it: a review asks the body above it
        if received_on is not None:
            data["received_on"] = _received(received_on, on)
        day = action_date(on, not_before=case.last_event_on)
        delivered = {"reply_received_on": data.get("received_on"), "reply_delivery": ""}  # a new reply, delivered anew
        on_time = case.due_on is None or case.due_rule != "handling" or day <= case.due_on
        common = {o["outcome"] for o in per_request}
        case_transition(
            actor, case, "reply", on=day, params=params, data=data,
            changes={"outcome": (outcome or "") if not per_request else (common.pop() if len(common) == 1 else ""),
                     "request_outcomes": per_request, "replied_on": day, "replied_on_time": on_time, **delivered},
        )
        return case


def case_record_delivery(who, *, case_id: int, received_on: dt.date, manner: str, on: dt.date | None = None) -> Case:
    """Record the day and manner (当面 / 邮寄 / 电子送达) the 处理意见书 reached the complainant: the review window
    (Art 35, 「自收到书面答复之日起30日内」) runs from that day. Until it is recorded no window runs and the
    deadline job closes nothing (docs/decisions/review-window-from-delivery.md)."""
    with acting_on(who, case_id) as (actor, case):
        if received_on is not None and (not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime)):
            raise InvalidInput("送达日期格式应为 YYYY-MM-DD", "received_on")
        params = {"received_on": received_on, "manner": manner, "replied_on": case.replied_on}
        case_transition(
            actor, case, "record_delivery", on=on, params=params,
            changes={"reply_received_on": received_on, "reply_delivery": manner},
            data={"received_on": received_on, "manner": manner},
        )
        return case


def _received(received_on: dt.date, on: dt.date | None) -> dt.date:
    from django.utils import timezone

    issued = on or timezone.localdate()
    if not isinstance(received_on, dt.date) or received_on < issued or received_on > timezone.localdate():
        raise InvalidInput("送达日期应在出具日期之后、今天之前", "received_on")
    return received_on

