"""Helpers for the case tests: the shared ``world`` and ``register``, and cases taken into each state.

Every case is built through the real action functions, never by writing a
state into the database, so that a case "in review" has the events, clocks and
unit links a real one has.

The path every built case takes (units from tests/conftest.py):

    registered  甲镇信访办 (clerk_a registers)
    forwarded   clerk_a forwards to 东县住建局
    objected    forwarded, then housing_handler objects: back with 甲镇信访办 to decide (Art 23 ¶3)
    redirected  clerk_a tells the person the litigation route
    accepted    handler_a accepts at 甲镇信访办
    replied     handler_a issues the 处理意见书 and records its delivery (in person, the same day: Art 35)
    review      the complainant asks 东县人民政府 (「上一级」 of a township office, Art 35) to review
    reviewed    gov_handler issues the review opinion (维持)
    rereview    the complainant asks A市人民政府 (one level above the county government) to re-review
    hearing     city_gov_handler opens a hearing
    final       city_gov_handler issues the re-review opinion (维持)
    closed      replied, then the complainant withdraws
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.forms.models import model_to_dict

from casework.audit.models import Event
from casework.cases.actions import (
    case_accept,
    case_record_delivery,
    case_decide_rereview,
    case_decide_review,
    case_forward,
    case_object,
    case_redirect,
    case_reply,
    case_request_extension,
    case_request_rereview,
    case_request_review,
    case_start_hearing,
    case_withdraw,
)
from casework.cases.actors import Actor
from casework.cases.models import Attachment, Case, CaseParty, CaseUnit, Person, Recusal
from casework.documents.models import IssuedDocument
from casework.rules.lifecycle import State
import tests.conftest as _root


register = _root.register
World = _root.World
build_world = _root.world.__wrapped__  # the body of the shared ``world`` fixture, for module-scoped data

REPLY = {
    "outcome": "explained",
    "reasons": "村道确有损坏，修复资金已列入明年计划。",
    "opinion": "由村委会组织临时修补，明年纳入道路改造。",
    "legal_basis": "信访工作条例第32条",
}
UPHELD = {
    "decision": "uphold",
    "findings": "原处理意见认定事实清楚，处理适当。",
    "opinion": "维持原处理意见。",
    "legal_basis": "《信访工作条例》第三十五条、第三十六条",
}

# The steps that take a fresh registered case into each state (see the module docstring).
PATHS: dict[str, tuple[str, ...]] = {
    State.REGISTERED: (),
    State.FORWARDED: ("forward",),
    State.OBJECTED: ("forward", "object"),
    State.REDIRECTED: ("redirect",),
    State.ACCEPTED: ("accept",),
    State.REPLIED: ("accept", "reply", "record_delivery"),
    State.REVIEW: ("accept", "reply", "record_delivery", "request_review"),
    State.REVIEWED: ("accept", "reply", "record_delivery", "request_review", "decide_review"),
    State.REREVIEW: ("accept", "reply", "record_delivery", "request_review", "decide_review", "request_rereview"),
    State.HEARING: ("accept", "reply", "record_delivery", "request_review", "decide_review", "request_rereview", "start_hearing"),
    State.FINAL: ("accept", "reply", "record_delivery", "request_review", "decide_review", "request_rereview", "decide_rereview"),
    State.CLOSED: ("accept", "reply", "withdraw"),
    "pending_extension": ("accept", "request_extension"),  # accepted, with an extension awaiting approval
}


def step(world, case: Case, name: str, on: dt.date | None = None) -> None:
    """One step of ``PATHS``, by the person who takes it in real life."""
    u, w = world.units, world.users
    me = Actor.complainant(case.pk)
    if name == "forward":
        case_forward(w["clerk_a"], case_id=case.pk, to_unit_id=u["county_housing"].pk, note="属住建局职责", on=on)
    elif name == "object":
        case_object(w["housing_handler"], case_id=case.pk, reason="不属住建局职责", on=on)
    elif name == "redirect":
        case_redirect(w["clerk_a"], case_id=case.pk, route="litigation", reason="属民事纠纷，应向法院起诉", on=on)
    elif name == "accept":
        case_accept(w["handler_a"], case_id=case.pk, on=on)
    elif name == "reply":
        case_reply(w["handler_a"], case_id=case.pk, on=on, **REPLY)
    elif name == "record_delivery":
        case_record_delivery(w["handler_a"], case_id=case.pk, received_on=on or timezone.localdate(), manner="in_person",
                             on=on)
    elif name == "request_review":
        case_request_review(me, case_id=case.pk, review_unit_id=u["county_gov"].pk, reason="不服处理意见", on=on)
    elif name == "decide_review":
        case_decide_review(w["gov_handler"], case_id=case.pk, on=on, **UPHELD)
    elif name == "request_rereview":
        case_request_rereview(me, case_id=case.pk, rereview_unit_id=u["city_gov"].pk, reason="不服复查意见", on=on)
    elif name == "start_hearing":
        case_start_hearing(w["city_gov_handler"], case_id=case.pk, note="公开听证", on=on)
    elif name == "decide_rereview":
        case_decide_rereview(w["city_gov_handler"], case_id=case.pk, on=on, **UPHELD)
    elif name == "withdraw":
        case_withdraw(me, case_id=case.pk, reason="已与村委会协商解决", on=on)
    elif name == "request_extension":
        case_request_extension(w["handler_a"], case_id=case.pk, days=15, reason="需现场勘查", on=on)
    else:  # pragma: no cover - a typo in PATHS
        raise AssertionError(name)


def drive(world, state: str, *, on: dt.date | None = None, **register_kwargs) -> Case:
    """A new case registered at 甲镇信访办 and taken into ``state``; every step dated ``on`` (default today)."""
    case = register(world, received_on=on, **register_kwargs).case
    for name in PATHS[state]:
        step(world, case, name, on=on)
    return Case.objects.get(pk=case.pk)


def complainant(case: Case) -> Actor:
    """The complainant of ``case``, as the portal sees them after case number + access code."""
    return Actor.complainant(case.pk)


def case_row(case_or_id) -> dict:
    """Every stored field of the case, to compare before and after an action."""
    pk = getattr(case_or_id, "pk", case_or_id)
    case = Case.objects.get(pk=pk)
    row = model_to_dict(case)
    row["co_units"] = sorted(u.pk for u in row["co_units"])
    row["respondent_units"] = sorted(u.pk for u in row["respondent_units"])
    row["respondent_officials"] = sorted(u.pk for u in row["respondent_officials"])
    row["due_on"], row["due_rule"], row["last_event_on"] = case.due_on, case.due_rule, case.last_event_on
    return row


def counts() -> dict[str, int]:
    """How many rows each table an action may write to holds."""
    return {
        "case": Case.objects.count(),
        "event": Event.objects.count(),
        "person": Person.objects.count(),
        "party": CaseParty.objects.count(),
        "unit_link": CaseUnit.objects.count(),
        "attachment": Attachment.objects.count(),
        "recusal": Recusal.objects.count(),
        "document": IssuedDocument.objects.count(),
    }


def refused(call, error, *cases):
    """Call ``call``; it must raise ``error`` and leave every table and the given cases as they were."""
    rows, before = [case_row(c) for c in cases], counts()
    with pytest.raises(error) as raised:
        call()
    assert counts() == before
    assert [case_row(c) for c in cases] == rows
    return raised.value


def events_of(case) -> int:
    return Event.objects.filter(case_id=getattr(case, "pk", case)).count()


def last_event(case) -> Event:
    return Event.objects.filter(case_id=getattr(case, "pk", case)).order_by("-id").first()
