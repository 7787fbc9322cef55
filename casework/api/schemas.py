"""Request and response shapes. Requests refuse unknown fields."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from casework.cases.models import Channel
from casework.rules.lifecycle import Outcome, Route, Satisfaction


class NoNul(Schema):
    """Text with a NUL character is refused (422): PostgreSQL cannot store or even compare it."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("不能包含 NUL（\\u0000）字符")
        return value


class In(NoNul):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    code: str = Field(description="machine-readable: invalid, not_found, forbidden, wrong_state, ...")
    message: str = Field(description="for people, in Chinese")
    field: str | None = None


class PersonIn(In):
    name: str = Field(min_length=1, max_length=100, description="姓名（名称）, Art 19")
    address: str = Field(min_length=1, max_length=200, description="住址, Art 19")
    phone: str = Field("", max_length=40)


class RegisterIn(In):
    unit_id: int = Field(description="the receiving unit; the token's user must be its intake clerk")
    complainants: list[PersonIn] = Field(min_length=1, max_length=5, description="one person, or up to five representatives (Art 20)")
    channel: Literal[tuple(Channel.values)] = "api"  # type: ignore[valid-type]
    title: str = Field("", max_length=200)
    request: str = Field(min_length=1, max_length=20000, description="投诉请求")
    facts_reasons: str = Field(min_length=1, max_length=20000, description="事实和理由")
    category: str = Field("", max_length=60)
    group_size: int | None = Field(None, ge=1, le=100000)
    respondent_unit_ids: list[int] = Field(default_factory=list, max_length=20)
    respondent_text: str = Field("", max_length=200)
    received_on: dt.date | None = None


class RequestOutcomeOut(Schema):
    request: str
    outcome: str


class UnitRef(Schema):
    id: int
    name: str


class PartyOut(Schema):
    name: str
    address: str
    phone: str
    role: str


class CaseOut(Schema):
    id: int
    number: str
    jurisdiction_id: int
    state: str
    state_label: str
    outcome: str = Field(description="Art 32: supported / explained / not_supported; blank when the reply "
                                     "answered several requests differently (see request_outcomes)")
    request_outcomes: list[RequestOutcomeOut] | None = Field(
        None, description="one outcome per request, when the reply answered them one by one (Art 32); "
                          "withheld from the unit complained about (Art 30 ¶3)")
    review_decision: str = Field(description="Art 35: uphold / revoke / change / redo, beside the outcome")
    rereview_decision: str = Field(description="Art 36: uphold / revoke / change / redo")
    channel: str
    category: str
    title: str
    received_on: dt.date
    current_unit: UnitRef
    due_on: dt.date | None
    due_rule: str
    due_provisional: bool
    is_group: bool
    request: str | None = Field(None, description="withheld from the unit complained about (Art 30 ¶3)")
    facts_reasons: str | None = None
    complainants: list[PartyOut] | None = None


class RegisteredOut(CaseOut):
    access_code: str = Field(description="give it to the complainant: with the number it opens the case on the portal")


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    verb: str
    effective_on: dt.date
    at: dt.datetime
    actor_kind: str
    actor: str | None
    data: dict


class ClockOut(Schema):
    rule: str
    label: str
    article: str
    started_on: dt.date
    state: str
    due_on: dt.date | None
    provisional: bool


class TimelineOut(Schema):
    events: list[EventOut]
    clocks: list[ClockOut]


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    jurisdiction_id: int
    jurisdiction: str
    categories: list[str]


class CategoryOut(Schema):
    code: str
    name: str


# -- action bodies --------------------------------------------------------------


class OnIn(In):
    on: dt.date | None = Field(None, description="the day it took effect; default today")


class ForwardIn(OnIn):
    to_unit_id: int
    note: str = Field("", max_length=2000)


class ReasonIn(OnIn):
    reason: str = Field(min_length=1, max_length=2000)


class RedirectIn(OnIn):
    route: Route
    reason: str = Field(min_length=1, max_length=2000)


class MergeIn(OnIn):
    into_case_id: int


class AcceptIn(OnIn):
    accountable_official_id: int | None = None
    note: str = Field("", max_length=2000)


class AssignIn(OnIn):
    lead_unit_id: int | None = None
    accountable_official_id: int | None = None
    co_unit_ids: list[int] = Field(default_factory=list, max_length=20)


class StepIn(OnIn):
    note: str = Field(min_length=1, max_length=5000)
    kind: Literal["contact", "investigation", "hearing_of_views", "coordination", "other"] = "other"


class ExtensionRequestIn(OnIn):
    days: int = Field(ge=1, le=30, description="at most 30 days (Art 34)")
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionApproveIn(OnIn):
    days: int | None = Field(None, ge=1, le=30)


class RequestOutcomeIn(In):
    request: str = Field(min_length=1, max_length=2000)
    outcome: Outcome


class ReplyIn(OnIn):
    outcome: Outcome | None = Field(None, description="Art 32: one outcome for the matter; or give outcomes")
    outcomes: list[RequestOutcomeIn] = Field(
        default_factory=list, max_length=20, description="Art 32: one outcome per request (at least two requests)")
    reasons: str = Field(min_length=1, max_length=20000)
    opinion: str = Field(min_length=1, max_length=20000)
    legal_basis: str = Field(min_length=1, max_length=5000)
    received_on: dt.date | None = None


class ReviewRequestIn(OnIn):
    review_unit_id: int
    reason: str = Field(min_length=1, max_length=5000)


class RereviewRequestIn(OnIn):
    rereview_unit_id: int
    reason: str = Field(min_length=1, max_length=5000)


class DecisionIn(OnIn):
    """A 复查 (Art 35) or 复核 (Art 36) opinion: the body's decision, its findings and its legal basis."""

    decision: Literal["uphold", "revoke", "change"] = Field(description="维持 / 撤销 / 变更 (责令重新处理: order-redo)")
    findings: str = Field(min_length=1, max_length=20000)
    opinion: str = Field(min_length=1, max_length=20000)
    legal_basis: str = Field(min_length=1, max_length=5000)


class ReviewDecisionIn(DecisionIn):
    received_on: dt.date | None = None


class OrderRedoIn(OnIn):
    """责令重新处理 (Art 35, 36): back to the unit that replied for a new 处理意见书."""

    findings: str = Field(min_length=1, max_length=20000)
    opinion: str = Field(min_length=1, max_length=20000)
    legal_basis: str = Field(min_length=1, max_length=5000)


class NoteIn(OnIn):
    note: str = Field("", max_length=5000)


class RecuseIn(In):
    reason: str = Field(min_length=1, max_length=200)


class RateIn(In):
    satisfaction: Satisfaction
    comment: str = Field("", max_length=1000)
