"""What the dispute actions share: the scoped, locked transaction, the table check, the one event."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Iterator

from django.contrib.auth import get_user_model
from django.db import transaction

from casework.audit.chain import event_append
from casework.cases.actions.transition import action_date
from casework.cases.actors import as_actor
from casework.cases.errors import Conflict, Forbidden, InvalidInput
from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import Role, TransitionRefused
from casework.rules.mediation import DisputeFacts, DState, Level, d_check, mediation_level

from ..access import dispute_get, roles_on_dispute
from ..models import Dispute, DisputeParty, DisputeUnit, MediatorConflict


def level_of(unit: Unit) -> Level | None:
    """The level a unit mediates at (``rules.mediation.mediation_level``), None if it does not mediate."""
    return mediation_level(unit.kind, unit.jurisdiction.level)


def refused(e: TransitionRefused):
    if e.code == "forbidden":
        return Forbidden(e.message)
    if e.code == "wrong_state":
        return Conflict(e.message)
    return InvalidInput(e.message)


def facts_of(d: Dispute, parties: list[DisputeParty] | None = None) -> DisputeFacts:
    parties = parties if parties is not None else list(d.parties.select_related("person"))
    incomplete = []
    for p in parties:
        missing = p.details().missing()
        if missing:
            incomplete.append(f"{p.person.name}的{'、'.join(missing)}")
    return DisputeFacts(
        state=DState(d.state), level=Level(d.level), parties=len(parties),
        party_names={p.pk: p.person.name for p in parties}, incomplete=tuple(incomplete), mediator=d.mediator_id,
    )


def check(actor, d: Dispute, action: str, *, on=None, params=None, parties=None) -> tuple[dt.date, DState]:
    """The day the action takes effect and the state it leads to, or the refusal (nothing written yet)."""
    day = action_date(on, not_before=d.last_event_on)
    try:
        state = d_check(action, facts_of(d, parties), roles_on_dispute(actor, d), dict(params or {}), day)
    except TransitionRefused as e:
        raise refused(e) from None
    return day, state


def record(actor, d: Dispute, action: str, day: dt.date, new_state: DState, *, changes=None, data=None) -> None:
    """The one event of the action, and the dispute's changed fields (the only writer of ``Dispute.state``)."""
    fields = dict(changes or {})
    if new_state.value != d.state:
        fields["state"] = new_state.value
    before = {f: plain(getattr(d, f)) for f in fields}
    for f, v in fields.items():
        setattr(d, f, v)
    d.last_event_on = day
    event_append(
        jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb=action, actor_id=actor.user_id,
        actor_kind=actor.kind, effective_on=day, before=before, after={f: plain(getattr(d, f)) for f in fields},
        data={k: plain(v) for k, v in (data or {}).items()},
    )
    d.save(update_fields=[*fields, "last_event_on"])


def transition(actor, d: Dispute, action: str, *, on=None, params=None, changes=None, data=None) -> dt.date:
    """``check`` and ``record`` in one, for an action that writes no row of its own."""
    day, state = check(actor, d, action, on=on, params=params)
    record(actor, d, action, day, state, changes=changes, data=data)
    return day


def plain(v):
    if hasattr(v, "pk"):
        return v.pk
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    return v


@contextmanager
def acting(who, dispute_id: int) -> Iterator[tuple[object, Dispute]]:
    """One transaction, the dispute fetched through the scope and locked."""
    actor = as_actor(who)
    with transaction.atomic():
        yield actor, dispute_get(actor, dispute_id=dispute_id, for_update=True)


def link(d: Dispute, unit: Unit) -> None:
    DisputeUnit.objects.get_or_create(dispute=d, unit=unit, defaults={"jurisdiction_id": d.jurisdiction_id})


def mediator_of(user_id, unit: Unit, d: Dispute | None, field: str):
    """A mediator of ``unit`` who has not stood aside from ``d``; None for no id."""
    if user_id is None or user_id == "":
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise InvalidInput("请选择调解员", field) from None
    if not Membership.objects.filter(user_id=user_id, unit=unit, role=Role.MEDIATOR).exists():
        raise InvalidInput(f"该人员不是{unit.name}的调解员", field)
    if d is not None and MediatorConflict.objects.filter(dispute=d, user_id=user_id).exists():
        raise InvalidInput("该调解员已申明与本纠纷有利害关系，应当回避", field)
    return get_user_model().objects.get(pk=user_id)


def party_of(d: Dispute, party_id, field: str = "party_id") -> DisputeParty:
    """One of the dispute's parties (an id from a form or the API)."""
    try:
        return d.parties.select_related("person").get(pk=int(party_id))
    except (DisputeParty.DoesNotExist, TypeError, ValueError):
        raise InvalidInput("请选择本纠纷的当事人", field) from None
