"""The one function that changes a case's state."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.utils import timezone

from casework.audit.chain import event_append
from casework.audit.texts import private
from casework.rules.calendar import CalendarError, EARLIEST
from casework.rules.lifecycle import CaseFacts, State, TransitionRefused, check

from ..access import roles_on_case
from ..actors import Actor
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import Case
from .clocks import STORED, case_refresh_clocks

WINDOW_RULES = {"review_request", "rereview_request", "forward_objection"}


def action_date(on: dt.date | None, *, not_before: dt.date | None = None) -> dt.date:
    """The day an action takes effect: today, or an earlier day a clerk records (e.g. a letter's receipt)."""
    today = timezone.localdate()
    if on is None:
        return today
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise InvalidInput("日期格式应为 YYYY-MM-DD", "on")
    if on > today:
        raise InvalidInput(f"日期 {on.isoformat()} 晚于今天", "on")
    if on < EARLIEST:
        raise InvalidInput(f"日期 {on.isoformat()} 早于 {EARLIEST.isoformat()}，无法计算期限", "on")
    if not_before is not None and on < not_before:
        raise InvalidInput(f"日期 {on.isoformat()} 早于上一步骤的日期 {not_before.isoformat()}", "on")
    return on


def case_facts(case: Case) -> CaseFacts:
    return CaseFacts(
        state=State(case.state),
        extension_pending_days=case.extension_pending_days,
        extension_days_granted=case.extension_days_granted,
        replied=case.replied_on is not None or bool(case.outcome),
        rated=bool(case.satisfaction),
        window_due=case.due_on if case.due_rule in WINDOW_RULES else None,
        window_provisional=case.due_provisional and case.due_rule in WINDOW_RULES,
        respondent_units=len(case.respondent_units.all()),  # a list page prefetches them
        handling_due=case.due_on if case.due_rule == "handling" else None,
        handling_provisional=case.due_provisional and case.due_rule == "handling",
        delivered=case.reply_received_on is not None,
    )


def transition_check(
    actor: Actor, case: Case, action: str, *, on: dt.date | None = None, params: Mapping[str, Any] | None = None,
    roles: frozenset | None = None,
) -> tuple[dt.date, State]:
    """The day the action takes effect and the state it leads to, or the refusal as a domain error.

    ``case_transition`` starts with it; an action that must write something before its event (a file)
    asks it first, so that a refused action leaves nothing behind. ``roles``: the roles the caller established
    (a review body's clerk registering a paper request), instead of the person's roles on the case.
    """
    on = action_date(on, not_before=case.last_event_on)
    held = roles_on_case(actor, case) if roles is None else roles
    try:
        return on, check(action, case_facts(case), held, dict(params or {}), on)
    except TransitionRefused as refused:
        if refused.code == "forbidden":
            raise Forbidden(refused.message) from None
        if refused.code == "wrong_state":
            raise Conflict(refused.message) from None
        raise InvalidInput(refused.message) from None


def case_transition(
    actor: Actor,
    case: Case,
    action: str,
    *,
    on: dt.date | None = None,
    params: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    roles: frozenset | None = None,
):
    """Check the lifecycle table, apply ``changes`` and the new state, write the event, refresh the clocks,
    and issue the notice the act calls for (``documents.issuing``: on the day of the act, numbered once).

    The caller holds the transaction and the row lock (``case_get(for_update=True)``).
    ``params`` feed the guards; ``changes`` are field values to set on the case;
    ``data`` is what the event records beyond the before/after of the changed fields.
    ``roles``: the roles the actor holds for this act when they are not held on the case's current unit
    (a review body's intake clerk registering a review request, Art 35); default ``roles_on_case``.
    """
    on, new_state = transition_check(actor, case, action, on=on, params=params, roles=roles)
    params = dict(params or {})

    fields = dict(changes or {})
    if new_state.value != case.state:
        fields["state"] = new_state.value
    before = {f: _recorded(f, _plain(getattr(case, f))) for f in fields}
    for f, v in fields.items():
        setattr(case, f, v)
    case.last_event_on = on
    after = {f: _recorded(f, _plain(getattr(case, f))) for f in fields}

    event_data = dict(data or {})
    if params and "extension_days" in params and action == "approve_extension":
        event_data["extension_days"] = params["extension_days"]
    event = event_append(
        jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb=action, actor_id=actor.user_id,
        actor_kind=actor.kind, effective_on=on, before=before, after=after, data=event_data,
    )
    try:
        case_refresh_clocks(case)
    except CalendarError as e:
        raise InvalidInput(str(e)) from None
    case.save(update_fields=[*fields, "last_event_on", *STORED])
    from casework.documents.issuing import issue_for_event

    issue_for_event(case, event)
    return event


def _recorded(field: str, value):
    """A changed field as its event records it: the free text in it kept out of the event (``private``), so that
    the retention job can erase it and the chain still verifies (docs/decisions/0005-retention.md)."""
    if field == "respondent_text":
        return private(value)
    if field == "request_outcomes" and isinstance(value, list):
        return [{**o, "request": private(o.get("request", ""))} if isinstance(o, dict) else o for o in value]
    return value


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
