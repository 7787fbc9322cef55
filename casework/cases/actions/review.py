"""Review (复查, Art 35), re-review (复核, Art 36), hearings, closing, the complainant's rating."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casework import limits
from casework.rules.lifecycle import State

from ..actors import Actor
from ..errors import CaseworkError, InvalidInput
from ..models import Case, CaseUnitRelation
from ..targets import respondent_ids, review_refusal
from .common import acting_on, active_unit, link_unit, text
from .handling import _received
from .transition import case_transition


def _higher_unit(case: Case, unit_id, field: str):
    """Review goes to the body one level up (Art 35 「上一级」): ``targets.review_refusal``."""
    unit = active_unit(unit_id, field)
    refusal = review_refusal(unit, case=case, respondent_unit_ids=respondent_ids(case))
    if refusal:
        raise InvalidInput(refusal, field)
    return unit


def case_request_review(who, *, case_id: int, review_unit_id: int, reason: str, on: dt.date | None = None) -> Case:
    """Within 30 days of receiving the reply, the complainant asks the next higher body to review (Art 35)."""
    with acting_on(who, case_id) as (actor, case):
        unit = _higher_unit(case, review_unit_id, "review_unit_id")
        case_transition(
            actor, case, "request_review", on=on, params={"reason": reason},
            changes={"current_unit_id": unit.pk},
            data={"reason": text(reason, limits.REVIEW_REQUEST, "reason", required=False), "review_unit": unit.pk},
        )
        link_unit(case, unit, CaseUnitRelation.REVIEW)
        return case


def case_decide_review(who, *, case_id: int, outcome: str, opinion: str, received_on: dt.date | None = None,
                       on: dt.date | None = None) -> Case:
    """The written review opinion, within 30 days of the request (Art 35)."""
    with acting_on(who, case_id) as (actor, case):
        params = {"outcome": outcome, "opinion": opinion}
        data = {"outcome": outcome, "opinion": text(opinion, limits.REVIEW_OPINION, "opinion", required=False)}
        if received_on is not None:
            data["received_on"] = _received(received_on, on)  # the re-review window runs from here (Art 36 ¶1)
        case_transition(actor, case, "decide_review", on=on, params=params, changes={"outcome": outcome}, data=data)
        return case


def case_request_rereview(who, *, case_id: int, rereview_unit_id: int, reason: str,
                          on: dt.date | None = None) -> Case:
    """Within 30 days of the review opinion, the complainant asks for re-review (Art 36 ¶1)."""
    with acting_on(who, case_id) as (actor, case):
        unit = _higher_unit(case, rereview_unit_id, "rereview_unit_id")
        case_transition(
            actor, case, "request_rereview", on=on, params={"reason": reason},
            changes={"current_unit_id": unit.pk},
            data={"reason": text(reason, limits.REREVIEW_REQUEST, "reason", required=False), "rereview_unit": unit.pk},
        )
        link_unit(case, unit, CaseUnitRelation.REVIEW)
        return case


def case_start_hearing(who, *, case_id: int, note: str = "", on: dt.date | None = None) -> Case:
    """A hearing during re-review; its time does not count against the 30 days (Art 36 ¶2)."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(actor, case, "start_hearing", on=on,
                        data={"note": text(note, limits.HEARING_NOTE, "note", required=False)})
        return case


def case_end_hearing(who, *, case_id: int, note: str = "", on: dt.date | None = None) -> Case:
    with acting_on(who, case_id) as (actor, case):
        case_transition(actor, case, "end_hearing", on=on,
                        data={"note": text(note, limits.HEARING_CONCLUSION, "note", required=False)})
        return case


def case_decide_rereview(who, *, case_id: int, outcome: str, opinion: str, on: dt.date | None = None) -> Case:
    """The re-review opinion ends the matter: the same facts and reasons are not accepted again (Art 36 ¶3)."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "decide_rereview", on=on, params={"outcome": outcome, "opinion": opinion},
            changes={"outcome": outcome},
            data={"outcome": outcome, "opinion": text(opinion, limits.REREVIEW_OPINION, "opinion", required=False)},
        )
        return case


def case_rate(who, *, case_id: int, satisfaction: str, comment: str = "") -> Case:
    """The complainant's satisfaction rating (Art 21 ¶2): once, and only theirs."""
    with acting_on(who, case_id) as (actor, case):
        case_transition(
            actor, case, "rate", params={"satisfaction": satisfaction}, changes={"satisfaction": satisfaction},
            data={"comment": text(comment, limits.RATING_COMMENT, "comment", required=False)},
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

