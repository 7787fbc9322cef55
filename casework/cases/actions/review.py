"""Review (复查, Art 35), re-review (复核, Art 36), hearings, closing, the complainant's rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casework import limits
from casework.audit.texts import private
from casework.organisation.models import Unit
from casework.rules.lifecycle import TRANSITIONS, ReviewDecision, Role, State

from ..access import case_get, case_view, roles_on_case, scope_of, stands_aside
from ..actors import Actor, ActorKind, as_actor
from ..errors import CaseworkError, InvalidInput, NotFound
from ..models import Case, CaseUnitRelation
from ..review_bodies import review_bodies
from .common import acting_on, link_unit, text
from .handling import _received
from .transition import case_transition

REQUEST_LIMITS = {"review": limits.REVIEW_REQUEST, "rereview": limits.REREVIEW_REQUEST}
OPINION_LIMITS = {"review": limits.REVIEW_OPINION, "rereview": limits.REREVIEW_OPINION}
STAGES = {"request_review": ("review", "复查", "第三十五条"), "request_rereview": ("rereview", "复核", "第三十六条第一款")}


def _review_body(case: Case, unit_id, action: str, field: str) -> Unit:
    """The body asked must be one ``review_bodies`` returns (Art 35 「上一级」, Art 30 ¶3)."""
    _, word, article = STAGES[action]
    bodies = review_bodies(case)
    try:
        chosen = int(unit_id)
    except (TypeError, ValueError):
        raise InvalidInput(f"没有这个单位：{unit_id}", field) from None
    for unit in bodies:
        if unit.pk == chosen:
            return unit
    names = "、".join(u.name for u in bodies) or "（未设置）"
    asked = Unit.objects.filter(pk=chosen).values_list("name", flat=True).first() or f"单位 {chosen}"
    raise InvalidInput(f"{asked}不是{case.current_unit.name}的上一级机关，请向{names}申请{word}（{article}）", field)


def _intake_clerk_of(actor: Actor, unit_id) -> bool:
    scope = scope_of(actor)
    try:
        return scope is not None and Role.INTAKE_CLERK in scope.roles_by_unit.get(int(unit_id), frozenset())
    except (TypeError, ValueError):
        return False


def _for_review_request(actor: Actor, action: str, unit_id, *, case_id=None, number=None):
    """(case, roles) for a review or re-review request, the case locked.

    The complainant asks for their own case. On paper, the request reaches the review body, whose intake
    clerk registers it (Art 35): they hold that role in the body asked, not in the unit that has the case,
    and may reach a case they cannot otherwise see, by its number, only while the request can be made and
    only when their unit is one of the case's review bodies.
    """
    if actor.kind != ActorKind.STAFF:
        return case_get(actor, case_id=case_id, number=number, for_update=True), None
    clerk = _intake_clerk_of(actor, unit_id)
    try:
        case = case_get(actor, case_id=case_id, number=number, for_update=True)
    except NotFound:
        if not clerk:
            raise
    else:  # a member of a unit complained about acts in no role (Art 30 ¶3)
        return case, frozenset({Role.INTAKE_CLERK}) if clerk and case_view(actor, case).materials else frozenset()
    roles = frozenset({Role.INTAKE_CLERK})
    case = _review_intake_case(actor, unit_id, action, case_id=case_id, number=number, for_update=True)
    return case, roles


def _review_intake_case(actor: Actor, unit_id, action: str, *, case_id=None, number=None,
                        for_update: bool = False) -> Case:
    """A case the review body's clerk may register a request for, or NotFound (no hint it exists)."""
    qs = Case.objects.select_related("jurisdiction", "current_unit", "current_unit__jurisdiction")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    lookup = {"pk": case_id} if case_id is not None else {"number": number}
    try:
        case = qs.get(**lookup)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if (
        State(case.state) not in TRANSITIONS[action].sources
        or stands_aside(actor, case)
        or not case_view(actor, case).materials  # a unit complained about does not receive it (Art 30 ¶3)
        or str(unit_id) not in {str(u.pk) for u in review_bodies(case)}
    ):
        raise NotFound()
    return case


@dataclass(frozen=True)
class ReviewIntake:
    """What a review body's intake clerk sees of a case to register a request that came on paper:
    only what the review needs (no materials, no notes, no timeline)."""

    case: Case
    action: str  # request_review or request_rereview
    stage_label: str  # 复查 / 复核
    complainants: list[str]
    challenged: dict  # {"issuer", "date", "number", "title"} of the opinion challenged
    window_ends: dt.date | None
    units: list[Unit]  # the clerk's units that may receive it


def review_intake_lookup(who, *, number: str) -> ReviewIntake:
    """Find a case by number for a review body's intake clerk (Art 35, 36 ¶1); NotFound otherwise."""
    actor = as_actor(who)
    scope = scope_of(actor)
    if actor.kind != ActorKind.STAFF or scope is None:
        raise NotFound()
    mine = {u for u, roles in scope.roles_by_unit.items() if Role.INTAKE_CLERK in roles}
    case = Case.objects.select_related("current_unit", "current_unit__jurisdiction").filter(
        number=(number or "").strip()).first()
    if case is None or not mine:
        raise NotFound()
    action = "request_review" if case.state == State.REPLIED else "request_rereview"
    units = [u for u in review_bodies(case) if u.pk in mine]
    if not units:
        raise NotFound()
    case = _review_intake_case(actor, units[0].pk, action, case_id=case.pk)
    from casework.documents.catalogue import challenged_opinion

    return ReviewIntake(
        case=case, action=action, stage_label=STAGES[action][1],
        complainants=list(case.parties.select_related("person").values_list("person__name", flat=True)),
        challenged=challenged_opinion(case),
        window_ends=case.due_on if case.due_rule in ("review_request", "rereview_request") else None,
        units=units,
    )


def _request(who, action: str, *, case_id, number, unit_id, field: str, reason: str, on) -> Case:
    actor = as_actor(who)
    with transaction.atomic():
        case, roles = _for_review_request(actor, action, unit_id, case_id=case_id, number=number)
        stage = STAGES[action][0]
        t = TRANSITIONS[action]
        held = roles_on_case(actor, case) if roles is None else roles
        if State(case.state) in t.sources and t.roles & held:
            unit = _review_body(case, unit_id, action, field)
        else:
            unit = None  # case_transition refuses, saying why (state before role, role before the rest)
        case_transition(
            actor, case, action, on=on, params={"reason": reason}, roles=roles,
            changes={"current_unit_id": unit.pk if unit else case.current_unit_id},
            data={"reason": private(text(reason, REQUEST_LIMITS[stage], "reason", required=False)),
                  f"{stage}_unit": unit.pk if unit else None},
        )
        link_unit(case, unit, CaseUnitRelation.REVIEW)
        return case


def case_request_review(who, *, review_unit_id: int, reason: str, case_id: int | None = None,
                        number: str | None = None, on: dt.date | None = None) -> Case:
    """Within 30 days of receiving the reply, the complainant asks the next higher body to review (Art 35);
    a request that came by letter or visit is registered by that body's intake clerk."""
    return _request(who, "request_review", case_id=case_id, number=number, unit_id=review_unit_id,
                    field="review_unit_id", reason=reason, on=on)


def case_request_rereview(who, *, rereview_unit_id: int, reason: str, case_id: int | None = None,
                          number: str | None = None, on: dt.date | None = None) -> Case:
    """Within 30 days of the review opinion, the complainant asks for re-review (Art 36 ¶1)."""
    return _request(who, "request_rereview", case_id=case_id, number=number, unit_id=rereview_unit_id,
                    field="rereview_unit_id", reason=reason, on=on)


def _decision_data(stage: str, decision: str, findings: str, opinion: str, legal_basis: str,
                   unit_id: int) -> tuple[dict, dict]:
    params = {"decision": decision, "findings": findings, "opinion": opinion, "legal_basis": legal_basis}
    data = {"decision": decision}
    for name, limit in (("findings", limits.DECISION_FINDINGS), ("opinion", OPINION_LIMITS[stage]),
                        ("legal_basis", limits.LEGAL_BASIS)):
        data[name] = private(text(params[name], limit, name, required=False))  # the guards say what is missing
    data["unit"] = unit_id  # the body that decides: it issues the opinion
    return params, data


def case_decide_review(who, *, case_id: int, decision: str, findings: str, opinion: str, legal_basis: str,
                       received_on: dt.date | None = None, on: dt.date | None = None) -> Case:
    """The written review opinion, within 30 days of the request (Art 35): 维持, 撤销 or 变更 the 处理意见,
    with the findings and the legal basis. The case keeps the reply's Art 32 outcome beside it."""
    with acting_on(who, case_id) as (actor, case):
        params, data = _decision_data("review", decision, findings, opinion, legal_basis, case.current_unit_id)
        if received_on is not None:
            data["received_on"] = _received(received_on, on)  # the re-review window runs from here (Art 36 ¶1)
        case_transition(actor, case, "decide_review", on=on, params=params, data=data,
                        changes={"review_decision": decision})
        return case


def case_decide_rereview(who, *, case_id: int, decision: str, findings: str, opinion: str, legal_basis: str,
                         on: dt.date | None = None) -> Case:
    """The re-review opinion ends the matter: the same facts and reasons are not accepted again (Art 36 ¶3)."""
    with acting_on(who, case_id) as (actor, case):
        params, data = _decision_data("rereview", decision, findings, opinion, legal_basis, case.current_unit_id)
        case_transition(actor, case, "decide_rereview", on=on, params=params, data=data,
                        changes={"rereview_decision": decision})
        return case


def case_order_redo(who, *, case_id: int, findings: str, opinion: str, legal_basis: str,
                    on: dt.date | None = None) -> Case:
    """责令重新处理 (Art 35, 36; RULES.md §0): the review or re-review body sends the matter back to the unit
    that replied, which handles it again and issues a new 处理意见书; its reply opens the review window again."""
    from casework.audit.models import Event

    with acting_on(who, case_id) as (actor, case):
        stage = "rereview" if case.state in (State.REREVIEW, State.HEARING) else "review"
        params, data = _decision_data(stage, ReviewDecision.REDO, findings, opinion, legal_basis,
                                      case.current_unit_id)
        data["stage"] = stage
        reply = Event.objects.filter(case=case, verb="reply").order_by("-id").only("data").first()
        replier_id = (reply.data.get("unit") if reply else None) or case.lead_unit_id or case.registered_by_id
        replier = Unit.objects.select_related("jurisdiction").get(pk=replier_id)
        case_transition(
            actor, case, "order_redo", on=on, params=params, data=data,
            changes={f"{stage}_decision": ReviewDecision.REDO, "current_unit_id": replier.pk,
                     "extension_pending_days": 0, "extension_days_granted": 0},
        )
        link_unit(case, replier, CaseUnitRelation.LEAD)
        return case


def case_start_hearing(who, *, case_id: int, note: str = "", on: dt.date | None = None) -> Case:
    """A hearing during re-review; its time does not count against the 30 days (Art 36 ¶2)."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(actor, case, "start_hearing", on=on,
                        data={"note": private(text(note, limits.HEARING_NOTE, "note", required=False))})
        return case


def case_end_hearing(who, *, case_id: int, note: str = "", on: dt.date | None = None) -> Case:
    with acting_on(who, case_id) as (actor, case):
        case_transition(actor, case, "end_hearing", on=on,
                        data={"note": private(text(note, limits.HEARING_CONCLUSION, "note", required=False))})
        return case


def case_rate(who, *, case_id: int, satisfaction: str, comment: str = "") -> Case:
    """The complainant's satisfaction rating (Art 21 ¶2): once, and only theirs."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "rate", params={"satisfaction": satisfaction}, changes={"satisfaction": satisfaction},
            data={"comment": private(text(comment, limits.RATING_COMMENT, "comment", required=False))},
        )
        return case


def case_expire_window(*, case_id: int, on: dt.date | None = None) -> Case:
    """The deadline job closes a case whose review or re-review window passed unused."""
    with acting_on(Actor.system(), case_id) as (actor, case):
        case_transition(actor, case, "expire_window", on=on)
        return case


def cases_close_expired_windows(today: dt.date | None = None) -> int:
    """Close every case whose request window has passed. Each case in its own transaction.

    A window whose end is provisional (a year without a published holiday schedule) waits: nothing is closed on a
    date the schedule may still move."""
    today = today or timezone.localdate()
    ids = Case.objects.filter(
        state__in=[State.REPLIED, State.REVIEWED], due_rule__in=["review_request", "rereview_request"], due_on__lt=today,
        due_provisional=False,
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(ids):
        try:
            case_expire_window(case_id=pk, on=today)
            closed += 1
        except CaseworkError:
            continue  # changed meanwhile; the next run looks again
    return closed

