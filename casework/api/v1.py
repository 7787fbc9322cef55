"""JSON API v1: thin handlers over the case actions and selectors.

Every handler: parse (the schema), fetch through the scope, call one action,
present. Domain errors become JSON errors in ``api.errors``.
"""

import base64
import datetime as dt

from django.db.models import Q
from django.utils import timezone
from ninja import File, Form, Query, Router, UploadedFile
from pydantic import Field

from casework.cases import actions as A
from casework.cases.access import case_get, cases_visible_to, materials_withheld_q
from casework.cases.actions.clocks import clocks_for_case
from casework.cases.actors import Actor
from casework.cases.errors import InvalidInput, NotFound, Throttled
from casework.cases.selectors import case_timeline, urgency_q
from casework.organisation.models import Unit
from casework.organisation.names import person_name
from casework.rules.lifecycle import State

from . import schemas as S
from .idempotency import idempotent
from .present import case_out, cases_out, registered_out, shaped

router = Router(tags=["cases"])
ERRORS = {400: S.ErrorOut, 401: S.ErrorOut, 403: S.ErrorOut, 404: S.ErrorOut, 409: S.ErrorOut, 422: S.ErrorOut,
          429: S.ErrorOut}

MAX_PAGE = 200


@router.post("/cases", response={201: S.RegisteredOut, **ERRORS}, operation_id="case_register",
             summary="Register a case (Art 17, 19, 22)")
def register(request, body: S.RegisterIn):
    actor = Actor.staff(request.auth)  # one actor for the request: its memberships are loaded once

    def run():
        r = A.case_register(
            actor,
            unit_id=body.unit_id,
            complainants=[A.PersonData(p.name, p.address, p.phone) for p in body.complainants],
            channel=body.channel, title=body.title, request=body.request, facts_reasons=body.facts_reasons,
            category=body.category, group_size=body.group_size, respondent_unit_ids=body.respondent_unit_ids,
            respondent_official_ids=body.respondent_official_ids,
            respondent_text=body.respondent_text, received_on=body.received_on,
        )
        return 201, registered_out(actor, r)

    answer = idempotent(request, run)
    return shaped(request, answer.status_code, answer.value)


class CaseFilters(S.NoNul):
    state: State | None = None
    category: str | None = Field(None, max_length=60)
    unit_id: int | None = Field(None, description="current unit")
    number: str | None = Field(None, max_length=40)
    q: str | None = Field(None, max_length=100, description="text in number or title")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, max_length=40, description="next_cursor of the previous page")


@router.get("/cases", response={200: S.CasePage, **ERRORS}, operation_id="case_list",
            summary="Cases this token may see, newest first, by cursor")
def list_cases(request, f: Query[CaseFilters]):
    qs = cases_visible_to(request.auth).select_related("current_unit")
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.unit_id:
        qs = qs.filter(current_unit_id=f.unit_id)
    if f.number:
        qs = qs.filter(number=f.number)
    if f.q:
        # titles are matched only where this reader may see them (Art 30 ¶3)
        qs = qs.filter(Q(number__icontains=f.q) | (Q(title__icontains=f.q) & ~materials_withheld_q(request.auth)))
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.overdue is not None:
        # the same rule as the work list's badges, on the Asia/Shanghai day
        overdue = urgency_q("overdue", timezone.localdate())
        qs = qs.filter(overdue) if f.overdue else qs.exclude(overdue)
    if f.cursor:
        qs = qs.filter(pk__lt=_decode_cursor(f.cursor))
    page = list(qs.order_by("-pk")[: f.limit + 1])
    more = len(page) > f.limit
    page = page[: f.limit]
    return shaped(request, 200, {"items": cases_out(request.auth, page),
                                 "next_cursor": _encode_cursor(page[-1].pk) if more else None})


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor 无效", "cursor") from None


@router.get("/cases/{case_id}", response={200: S.CaseOut, **ERRORS}, operation_id="case_detail")
def detail(request, case_id: int):
    return case_out(request.auth, case_get(request.auth, case_id=case_id))


@router.get("/cases/{case_id}/timeline", response={200: S.TimelineOut, **ERRORS}, operation_id="case_timeline")
def timeline(request, case_id: int):
    case = case_get(request.auth, case_id=case_id)
    events = [
        {
            "id": e.pk, "verb": e.verb, "effective_on": e.effective_on, "at": e.at, "actor_kind": e.actor_kind,
            "actor": person_name(e.actor) if e.actor else None,
            "data": _public_data(t.data),
        }
        for t in case_timeline(request.auth, case) for e in (t.event,)
    ]
    clocks = [
        {
            "rule": c.name, "label": c.rule.label, "article": c.rule.article, "started_on": c.started_on,
            "state": c.state, "due_on": c.due.on if c.due else None,
            "provisional": c.due.provisional if c.due else False,
        }
        for c in clocks_for_case(case)
    ]
    return {"events": events, "clocks": clocks}


def _public_data(data: dict) -> dict:
    """Event data refers to people by id; ids of Person rows are not for API readers."""
    return {k: v for k, v in data.items() if k not in {"parties"}}


# -- one endpoint per lifecycle action ---------------------------------------------


def _action(verb: str, body_schema, call, summary: str):
    def handler(request, case_id: int, body: body_schema):
        return idempotent(request, lambda: (200, case_out(request.auth, call(request, case_id, body))))

    router.add_api_operation(
        f"/cases/{{case_id}}/{verb.replace('_', '-')}", ["POST"], handler,
        response={200: S.CaseOut, **ERRORS}, operation_id=f"case_{verb}", summary=summary,
    )


def _on(body):
    return getattr(body, "on", None)


_action("forward", S.ForwardIn, lambda r, c, b: A.case_forward(r.auth, case_id=c, to_unit_id=b.to_unit_id, note=b.note, on=_on(b)),
        "Forward to the competent unit (Art 22)")
_action("object", S.ReasonIn, lambda r, c, b: A.case_object(r.auth, case_id=c, reason=b.reason, on=_on(b)),
        "Object to a forwarded case within 5 working days (Art 23 ¶3)")
_action("decide_objection", S.ObjectionDecisionIn, lambda r, c, b: A.case_decide_objection(r.auth, case_id=c, agree=b.agree, reason=b.reason, on=_on(b)),
        "The sending body agrees to an objection (the matter comes back) or not (Art 23 ¶3)")
_action("redirect", S.RedirectIn, lambda r, c, b: A.case_redirect(r.auth, case_id=c, route=b.route, reason=b.reason, body=b.body, on=_on(b)),
        "Tell the complainant the proper legal route (Art 31(1)-(5)); accusations to the 纪检监察机关 (Art 22 ¶2)")
_action("refuse_repeat", S.RepeatRefusalIn, lambda r, c, b: A.case_refuse_repeat(r.auth, case_id=c, final_case_id=b.final_case_id, reason=b.reason, on=_on(b)),
        "不予受理: the same matter was finally decided on re-review (Art 36 ¶3)")
_action("accept", S.AcceptIn, lambda r, c, b: A.case_accept(r.auth, case_id=c, accountable_official_id=b.accountable_official_id, note=b.note, on=_on(b)),
        "Accept: the 60-day handling clock starts (Art 34)")
_action("assign", S.AssignIn, lambda r, c, b: A.case_assign(r.auth, case_id=c, lead_unit_id=b.lead_unit_id, accountable_official_id=b.accountable_official_id, co_unit_ids=b.co_unit_ids, on=_on(b)),
        "Name lead unit, accountable official, co-handling units (Art 24)")
_action("record_step", S.StepIn, lambda r, c, b: A.case_record_step(r.auth, case_id=c, note=b.note, kind=b.kind, on=_on(b)),
        "Record a handling step")
_action("request_extension", S.ExtensionRequestIn, lambda r, c, b: A.case_request_extension(r.auth, case_id=c, days=b.days, reason=b.reason, on=_on(b)),
        "Request an extension of at most 30 days (Art 34)")
_action("approve_extension", S.ExtensionApproveIn, lambda r, c, b: A.case_approve_extension(r.auth, case_id=c, days=b.days, on=_on(b)),
        "Approve the pending extension (Art 34)")
_action("set_respondents", S.RespondentsIn, lambda r, c, b: A.case_set_respondents(r.auth, case_id=c, unit_ids=b.unit_ids, official_ids=b.official_ids, respondent_text=b.respondent_text, reason=b.reason, on=_on(b)),
        "Name or correct the units and staff complained about (Art 30 ¶3)")
_action("allow_respondent_handling", S.AllowRespondentHandlingIn, lambda r, c, b: A.case_allow_respondent_handling(r.auth, case_id=c, unit_id=b.unit_id, reason=b.reason, on=_on(b)),
        "A supervisor lets a unit complained about handle the case, identity withheld (Art 30 ¶3)")
_action("refuse_extension", S.ReasonIn, lambda r, c, b: A.case_refuse_extension(r.auth, case_id=c, reason=b.reason, on=_on(b)),
        "Refuse the pending extension, with reasons (Art 34)")
_action("reply", S.ReplyIn, lambda r, c, b: A.case_reply(r.auth, case_id=c, outcome=b.outcome or "", outcomes=[o.model_dump(mode="json") for o in b.outcomes], reasons=b.reasons, opinion=b.opinion, legal_basis=b.legal_basis, received_on=b.received_on, on=_on(b)),
        "Issue the 处理意见书 (Art 32)")
_action("record_delivery", S.DeliveryIn, lambda r, c, b: A.case_record_delivery(r.auth, case_id=c, received_on=b.received_on, manner=b.manner, on=_on(b)),
        "Record the day and manner the reply reached the complainant; the review window runs from it (Art 35)")
_action("request_review", S.ReviewRequestIn, lambda r, c, b: A.case_request_review(r.auth, case_id=c, review_unit_id=b.review_unit_id, reason=b.reason, on=_on(b)),
        "Record a request for review within 30 days (Art 35)")
_action("decide_review", S.ReviewDecisionIn, lambda r, c, b: A.case_decide_review(r.auth, case_id=c, decision=b.decision, findings=b.findings, opinion=b.opinion, legal_basis=b.legal_basis, received_on=b.received_on, on=_on(b)),
        "Issue the review opinion: uphold, revoke or change, with findings and legal basis (Art 35)")
_action("request_rereview", S.RereviewRequestIn, lambda r, c, b: A.case_request_rereview(r.auth, case_id=c, rereview_unit_id=b.rereview_unit_id, reason=b.reason, on=_on(b)),
        "Record a request for re-review within 30 days (Art 36)")
_action("start_hearing", S.HearingStartIn, lambda r, c, b: A.case_start_hearing(r.auth, case_id=c, note=b.note, on=_on(b)),
        "Start a hearing; its time is not counted (Art 36 ¶2)")
_action("end_hearing", S.HearingEndIn, lambda r, c, b: A.case_end_hearing(r.auth, case_id=c, note=b.note, on=_on(b)),
        "End the hearing")
_action("decide_rereview", S.RereviewDecisionIn, lambda r, c, b: A.case_decide_rereview(r.auth, case_id=c, decision=b.decision, findings=b.findings, opinion=b.opinion, legal_basis=b.legal_basis, on=_on(b)),
        "Issue the re-review opinion; the matter is final (Art 36)")
_action("order_redo", S.OrderRedoIn, lambda r, c, b: A.case_order_redo(r.auth, case_id=c, findings=b.findings, opinion=b.opinion, legal_basis=b.legal_basis, on=_on(b)),
        "Order the unit that replied to handle the matter again (责令重新处理, Art 35, 36)")
_action("merge", S.MergeIn, lambda r, c, b: A.case_merge(r.auth, case_id=c, into_case_id=b.into_case_id, on=_on(b)),
        "Merge into the case already in progress (Art 19 ¶3)")


@router.post("/cases/{case_id}/record-withdrawal", response={200: S.CaseOut, **ERRORS},
             operation_id="case_record_withdrawal",
             summary="Record a withdrawal the complainant made by a signed letter, with its scan (multipart)")
def record_withdrawal(request, case_id: int, body: Form[S.WithdrawalLetterIn], letter: File[UploadedFile] = None):
    """Withdrawal is the complainant's act: staff record one only from a signed letter, whose scan is required."""
    return idempotent(request, lambda: (200, case_out(request.auth, A.case_record_withdrawal(
        request.auth, case_id=case_id, reason=body.reason, letter=letter, on=body.on))))


@router.post("/cases/{case_id}/recuse", response={204: None, **ERRORS}, operation_id="case_recuse",
             summary="Stand aside from a case with a direct interest (Art 28 ¶3)")
def recuse(request, case_id: int, body: S.RecuseIn):
    def run():
        A.case_recuse(request.auth, case_id=case_id, reason=body.reason)
        return 204, None

    # A retry must get the first answer: after recusing, the case is out of sight (404) for this user.
    return idempotent(request, run)


class RateIn(S.RateIn):
    access_code: str = Field(min_length=4, max_length=20)


@router.post("/cases/by-number/{number}/rate", response={200: S.CaseOut, **ERRORS}, operation_id="case_rate",
             summary="The complainant's satisfaction rating, proven by number and access code (Art 21 ¶2)")
def rate(request, number: str, body: RateIn):
    from casework.security import throttle

    if not throttle.code_tries_left(request, number):  # a wrong code and an unknown number alike (Art 21 ¶2)
        raise Throttled()
    case = A.case_by_code(number, body.access_code)
    if case is None:
        throttle.code_failed(request, number)
        raise NotFound()
    actor = Actor.complainant(case.pk)

    def run():
        return 200, case_out(actor, A.case_rate(actor, case_id=case.pk, satisfaction=body.satisfaction, comment=body.comment))

    return idempotent(request, run)


reference = Router(tags=["reference"])


@reference.get("/units", response={200: list[S.UnitOut], **ERRORS}, operation_id="unit_list")
def units(request):
    return [
        {"id": u.pk, "name": u.name, "kind": u.kind, "jurisdiction_id": u.jurisdiction_id,
         "jurisdiction": u.jurisdiction.name, "categories": [c for c in u.categories.split(",") if c]}
        for u in Unit.objects.filter(is_active=True).select_related("jurisdiction")
    ]


@reference.get("/categories", response={200: list[S.CategoryOut], **ERRORS}, operation_id="category_list")
def categories(request):
    from casework.cases.categories import categories as all_categories

    return [{"code": c, "name": c} for c in all_categories()]
