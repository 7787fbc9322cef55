"""JSON API v1 for routing suggestions and related cases: what the intake panel and the workspace show.

Thin: ``casework.insight.service`` answers through the same scope as the UI. A
case whose materials are withheld from the token's user (the unit complained
about, Art 30 ¶3) gets 403 here: suggestions and related cases are derived from
those materials.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import Field, field_validator

from casework import limits
from casework.cases.access import case_get, case_view
from casework.cases.errors import Forbidden, InvalidInput
from casework.insight.service import Suggestions, phones_of, related_cases, suggest_categories
from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import Role

from .schemas import ErrorOut, In, Text

insight = Router(tags=["insight"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CategorySuggestionOut(Schema):
    category: str
    confidence: float = Field(description="calibrated probability, 0..1")
    unit_id: int | None = Field(None, description="the unit such cases usually went to, if known")
    unit_name: str | None = None
    unit_share: float | None = Field(None, description="share of closed cases of the category that went there; "
                                                        "null when the unit comes from its 主管事项")


class SuggestionsOut(Schema):
    model_version: int | None = Field(None, description="null: no model trained yet (manage.py train_router)")
    categories: list[CategorySuggestionOut]


class RelatedOut(Schema):
    case_id: int
    number: str
    title: str
    state: str
    current_unit: str
    received_on: dt.date
    score: float | None = Field(None, description="text similarity 0..1; null when found by the telephone number only")
    same_person: bool
    shared_phrases: list[str]
    same_places: list[str]
    can_merge_into: bool = Field(description="still in progress: a resubmission can be merged into it (Art 19 ¶3)")


class CaseInsightOut(Schema):
    suggestions: SuggestionsOut
    related: list[RelatedOut]


class DraftIn(In):
    unit_id: int = Field(description="the registering unit (the token's user must be its intake clerk)")
    title: Text(limits.TITLE) = ""
    request: Text(limits.REQUEST) = ""
    facts_reasons: Text(limits.FACTS_REASONS) = ""
    phones: list[Text(limits.PHONE)] = Field(default_factory=list, max_length=5, description="complainants' telephone numbers")

    @field_validator("phones", mode="after")
    @classmethod
    def _phones(cls, value: list[str]) -> list[str]:
        if any("\x00" in p for p in value):
            raise ValueError("电话号码不能包含 NUL 字符")
        return value


def _suggestions(s: Suggestions) -> dict:
    return {
        "model_version": s.model.version if s.model else None,
        "categories": [
            {"category": c.label, "confidence": c.confidence, "unit_id": c.unit.unit_id if c.unit else None,
             "unit_name": c.unit.name if c.unit else None, "unit_share": c.unit.share if c.unit else None}
            for c in s.items
        ],
    }


def _related(found) -> list[dict]:
    return [
        {"case_id": r.case.pk, "number": r.case.number, "title": r.case.title, "state": r.case.state,
         "current_unit": r.case.current_unit.name, "received_on": r.case.received_on, "score": r.score,
         "same_person": r.same_person, "shared_phrases": list(r.phrases), "same_places": list(r.places),
         "can_merge_into": r.can_merge_into}
        for r in found
    ]


@insight.get("/cases/{case_id}/insight", response={200: CaseInsightOut, **ERRORS}, operation_id="case_insight",
             summary="Suggested categories and related cases of a case")
def case_insight(request, case_id: int):
    user = request.auth
    case = case_get(user, case_id=case_id)
    show = case_view(user, case)
    if not show.materials:
        raise Forbidden("本单位为被投诉单位，不提供由材料得出的建议和相关案件（第三十条第三款）")
    return {
        "suggestions": _suggestions(suggest_categories(case.jurisdiction, title=case.title,
                                                       text=f"{case.request}\n{case.facts_reasons}")),
        "related": _related(related_cases(user, title=case.title, request=case.request,
                                          facts_reasons=case.facts_reasons,
                                          phones=phones_of(case) if show.identity else (), exclude_case_id=case.pk)),
    }


@insight.post("/insight", response={200: CaseInsightOut, **ERRORS}, operation_id="draft_insight",
              summary="Suggested categories and related cases for a message not yet registered")
def draft_insight(request, body: DraftIn):
    user = request.auth
    unit = Unit.objects.filter(pk=body.unit_id, is_active=True).select_related("jurisdiction").first()
    if unit is None:
        raise InvalidInput("登记单位不存在", "unit_id")
    if not Membership.objects.filter(user=user, unit=unit, role=Role.INTAKE_CLERK).exists():
        raise Forbidden(f"您不是{unit.name}的登记受理人员")
    return {
        "suggestions": _suggestions(suggest_categories(unit.jurisdiction, title=body.title,
                                                       text=f"{body.request}\n{body.facts_reasons}")),
        "related": _related(related_cases(user, title=body.title, request=body.request,
                                          facts_reasons=body.facts_reasons, phones=body.phones)),
    }
