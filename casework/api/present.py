"""Cases as the API shows them, with what the reader may not see left out (Art 30 ¶3)."""

from __future__ import annotations

from django.http import HttpResponse

from casework.cases.access import FULL, CaseView, case_views
from casework.cases.models import Case
from casework.cases.selectors import parties_of


def shaped(request, status: int, body) -> HttpResponse:
    """A body this module already shaped as the operation's declared schema, rendered as django-ninja
    renders every answer but not validated against the schema a second time: for a page of 20 cases
    the validation cost a fifth of the request's CPU. ``tests/api/test_present.py`` holds each shape
    to its schema, key for key, and schemathesis checks the answers against the OpenAPI document.
    """
    from .urls import api  # the API imports this module

    return api.create_response(request, body, status=status)


def cases_out(who, cases: list[Case]) -> list[dict]:
    views = case_views(who, [c.pk for c in cases])
    parties = parties_of([c.pk for c in cases if views[c.pk].identity])
    return [_one(c, views[c.pk], parties.get(c.pk, [])) for c in cases]


def case_out(who, case: Case) -> dict:
    return cases_out(who, [case])[0]


def registered_out(who, registered) -> dict:
    """A case just registered, from what the action has in hand (``Registered``): its parties are the ones
    it inserted, and nothing is withheld unless it names a unit complained about that the reader belongs to."""
    case = registered.case
    view = case_views(who, [case.pk])[case.pk] if registered.respondent_unit_ids else FULL
    parties = [
        {"name": p.person.name, "address": p.person.address, "phone": p.person.phone, "role": p.role}
        for p in sorted(registered.parties, key=lambda p: p.pk)
    ]
    return {**_one(case, view, parties), "access_code": registered.access_code}


def _one(c: Case, view: CaseView, parties: list[dict]) -> dict:
    withheld = not view.materials
    return {
        "id": c.pk,
        "number": c.number,
        "jurisdiction_id": c.jurisdiction_id,
        "state": c.state,
        "state_label": c.state_label,
        "outcome": c.outcome,
        "request_outcomes": None if withheld else c.request_outcomes,
        "review_decision": c.review_decision,
        "rereview_decision": c.rereview_decision,
        "channel": c.channel,
        "category": c.category,
        "title": "（不向被投诉单位显示）" if withheld else c.title,
        "received_on": c.received_on.isoformat(),
        "current_unit": {"id": c.current_unit_id, "name": c.current_unit.name},
        "due_on": c.due_on.isoformat() if c.due_on else None,
        "due_rule": c.due_rule,
        "due_provisional": c.due_provisional,
        "reply_received_on": c.reply_received_on.isoformat() if c.reply_received_on else None,
        "reply_delivery": c.reply_delivery,
        "is_group": c.is_group,
        "request": None if withheld else c.request,
        "facts_reasons": None if withheld else c.facts_reasons,
        "complainants": parties if view.identity else None,
    }
