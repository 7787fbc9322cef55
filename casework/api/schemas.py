"""Request and response shapes. Requests refuse unknown fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from casework import limits
from casework.cases.models import Channel
from casework.limits import TextLimit
from casework.rules.lifecycle import DeliveryManner, Outcome, Route, Satisfaction


def Text(limit: TextLimit, description: str | None = None, *, required: bool = False):  # noqa: N802 (a type)
    """A text field with its limit from ``casework/limits.py`` (the schema's maxLength).

    Over the limit the answer is a 422 whose message names the field and the limit, the same
    sentence the forms and the actions use; never cut short.
    """

    def within_limit(value: str) -> str:
        if limit.exceeded_by(value):
            raise PydanticCustomError("too_long", limit.message(len(value)))
        return value

    field = Field(description=description, json_schema_extra={"maxLength": limit.max_length},
                  **({"min_length": 1} if required else {}))
    return Annotated[str, AfterValidator(within_limit), field]


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
    name: Text(limits.COMPLAINANT_NAME, "姓名（名称）, Art 19; blank when not known (Art 22 ¶1, 23 ¶2)") = ""
    address: Text(limits.COMPLAINANT_ADDRESS, "住址, Art 19; blank when not known: no written notice is owed (Art 23 ¶2)") = ""
    phone: Text(limits.PHONE) = ""


class RegisterIn(In):
    unit_id: int = Field(description="the receiving unit; the token's user must be its intake clerk")
    complainants: list[PersonIn] = Field(
        description="one person; a group visit's representatives (at most five, Art 20 ¶3); a letter's signatories "
                    "(any number); empty when nobody is named (the matter is still registered, Art 22 ¶1)")
    channel: Literal[tuple(Channel.values)] = "api"  # type: ignore[valid-type]
    title: Text(limits.TITLE) = ""
    request: Text(limits.REQUEST, "投诉请求", required=True)
    facts_reasons: Text(limits.FACTS_REASONS, "事实和理由", required=True)
    category: Text(limits.CATEGORY) = ""
    group_size: int | None = Field(None, ge=1, le=100000)
    respondent_unit_ids: list[int] = Field(default_factory=list, max_length=20,
                                           description="units complained about: they never see identity or materials")
    respondent_official_ids: list[int] = Field(default_factory=list, max_length=20,
                                               description="staff complained about: they never see the case")
    respondent_text: Text(limits.RESPONDENT_TEXT) = ""
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
    reply_received_on: dt.date | None = Field(
        None, description="Art 35: the day the complainant received the reply; the review window runs from it "
                          "(none yet: delivery not recorded, no window runs)")
    reply_delivery: str = Field("", description="in_person / post / electronic; blank when not recorded")
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
    note: Text(limits.FORWARD_NOTE) = ""


class ReasonIn(OnIn):
    reason: Text(limits.OBJECTION_REASON, required=True)


class WithdrawalLetterIn(OnIn):
    """The complainant's signed letter of withdrawal (the scan goes in the ``letter`` file part)."""

    reason: Text(limits.WITHDRAWAL_STATEMENT, "what the letter gives as the reason", required=True)


class RedirectIn(OnIn):
    route: Route
    reason: Text(limits.REDIRECT_REASON, required=True)
    body: Text(limits.ROUTE_BODY, "duty / accusation: the organ whose duty it is, or the 纪检监察机关") = ""


class MergeIn(OnIn):
    into_case_id: int


class ObjectionDecisionIn(OnIn):
    """The sending body's answer to an objection (Art 23 ¶3): agree (the matter comes back) or not."""

    agree: bool
    reason: Text(limits.OBJECTION_DECISION, required=True)


class DeliveryIn(OnIn):
    """The day and manner the 处理意见书 reached the complainant (Art 35)."""

    received_on: dt.date
    manner: DeliveryManner


class RepeatRefusalIn(OnIn):
    """不予受理 after re-review (Art 36 ¶3): the earlier case, finally decided, and why this is the same matter."""

    final_case_id: int
    reason: Text(limits.REPEAT_REASON, required=True)


class AcceptIn(OnIn):
    accountable_official_id: int | None = None
    note: Text(limits.ACCEPT_NOTE) = ""


class AssignIn(OnIn):
    lead_unit_id: int | None = None
    accountable_official_id: int | None = None
    co_unit_ids: list[int] = Field(default_factory=list, max_length=20)


class StepIn(OnIn):
    note: Text(limits.STEP_NOTE, required=True)
    kind: Literal["contact", "investigation", "hearing_of_views", "coordination", "other"] = "other"


class ExtensionRequestIn(OnIn):
    days: int = Field(ge=1, le=30, description="at most 30 days (Art 34)")
    reason: Text(limits.EXTENSION_REASON, required=True)


class ExtensionApproveIn(OnIn):
    days: int | None = Field(None, ge=1, le=30)


class RequestOutcomeIn(In):
    request: Text(limits.REQUEST_ITEM, required=True)
    outcome: Outcome


class ReplyIn(OnIn):
    outcome: Outcome | None = Field(None, description="Art 32: one outcome for the matter; or give outcomes")
    outcomes: list[RequestOutcomeIn] = Field(
        default_factory=list, max_length=20, description="Art 32: one outcome per request (at least two requests)")
    reasons: Text(limits.REPLY_REASONS, required=True)
    opinion: Text(limits.REPLY_OPINION, required=True)
    legal_basis: Text(limits.LEGAL_BASIS, required=True)
    received_on: dt.date | None = None


class ReviewRequestIn(OnIn):
    review_unit_id: int
    reason: Text(limits.REVIEW_REQUEST, required=True)


class RereviewRequestIn(OnIn):
    rereview_unit_id: int
    reason: Text(limits.REREVIEW_REQUEST, required=True)


class DecisionIn(OnIn):
    """A 复查 (Art 35) or 复核 (Art 36) opinion: the body's decision, its findings and its legal basis."""

    decision: Literal["uphold", "revoke", "change"] = Field(description="维持 / 撤销 / 变更 (责令重新处理: order-redo)")
    findings: Text(limits.DECISION_FINDINGS, required=True)
    opinion: Text(limits.REVIEW_OPINION, required=True)
    legal_basis: Text(limits.LEGAL_BASIS, required=True)


class ReviewDecisionIn(DecisionIn):
    received_on: dt.date | None = None


class OrderRedoIn(OnIn):
    """责令重新处理 (Art 35, 36): back to the unit that replied for a new 处理意见书."""

    findings: Text(limits.DECISION_FINDINGS, required=True)
    opinion: Text(limits.REVIEW_OPINION, required=True)
    legal_basis: Text(limits.LEGAL_BASIS, required=True)


class RereviewDecisionIn(DecisionIn):
    opinion: Text(limits.REREVIEW_OPINION, required=True)


class HearingStartIn(OnIn):
    note: Text(limits.HEARING_NOTE) = ""


class HearingEndIn(OnIn):
    note: Text(limits.HEARING_CONCLUSION) = ""


class RespondentsIn(OnIn):
    """Who the complaint is about (Art 30 ¶3): the whole list after the correction, with the reason."""

    unit_ids: list[int] = Field(default_factory=list, max_length=20)
    official_ids: list[int] = Field(default_factory=list, max_length=20)
    respondent_text: Text(limits.RESPONDENT_TEXT) = ""
    reason: Text(limits.RESPONDENT_REASON, required=True)


class AllowRespondentHandlingIn(OnIn):
    """A supervisor lets a unit complained about handle the case (Art 30 ¶3); identity stays withheld from it."""

    unit_id: int
    reason: Text(limits.RESPONDENT_REASON, required=True)


class RecuseIn(In):
    reason: Text(limits.RECUSAL_REASON, required=True)


class RateIn(In):
    satisfaction: Satisfaction
    comment: Text(limits.RATING_COMMENT) = ""
