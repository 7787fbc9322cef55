"""Every business verb on a dispute: one function, one transaction, one event."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Sequence

from django.contrib.auth import get_user_model
from django.db import transaction

from casework.audit.chain import event_append
from casework.cases.actions.common import active_unit, text
from casework.cases.actions.intake import next_serial
from casework.cases.actions.transition import action_date
from casework.cases.actors import ActorKind, as_actor
from casework.cases.errors import Conflict, Forbidden, InvalidInput
from casework.cases.models import Person
from casework.holidays.services import counting, current_calendar
from casework.organisation.models import Level as JLevel
from casework.organisation.models import Membership, Unit, UnitKind
from casework.rules.clocks import RULES
from casework.rules.lifecycle import Role, TransitionRefused
from casework.rules.mediation import NEXT_LEVEL, DisputeFacts, DisputeType, DState, Level, d_check

from .access import dispute_get, roles_on_dispute
from .models import Agreement, Dispute, DisputeParty, DisputeUnit, MediatorConflict, Session

DEFAULT_TARGET_DAYS = 30  # 司法部《人民调解工作若干规定》第33条：一般在一个月内调结


@dataclass(frozen=True)
class PartyData:
    name: str
    address: str
    phone: str = ""
    claims: str = ""


def _level_of(unit: Unit) -> Level:
    if unit.kind == UnitKind.DEPARTMENT:
        return Level.DEPARTMENT
    return Level.VILLAGE if unit.jurisdiction.level == JLevel.VILLAGE else Level.TOWNSHIP


def _refused(e: TransitionRefused):
    if e.code == "forbidden":
        return Forbidden(e.message)
    if e.code == "wrong_state":
        return Conflict(e.message)
    return InvalidInput(e.message)


def _facts(d: Dispute) -> DisputeFacts:
    return DisputeFacts(state=DState(d.state), level=Level(d.level), parties=d.parties.count())


def _transition(actor, d: Dispute, action: str, *, on=None, params=None, changes=None, data=None):
    on = action_date(on, not_before=d.last_event_on)
    params = dict(params or {})
    try:
        new_state = d_check(action, _facts(d), roles_on_dispute(actor, d), params, on)
    except TransitionRefused as e:
        raise _refused(e) from None
    fields = dict(changes or {})
    if new_state.value != d.state:
        fields["state"] = new_state.value
    before = {f: _plain(getattr(d, f)) for f in fields}
    for f, v in fields.items():
        setattr(d, f, v)
    d.last_event_on = on
    event_append(
        jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb=action, actor_id=actor.user_id,
        actor_kind=actor.kind, effective_on=on, before=before, after={f: _plain(getattr(d, f)) for f in fields},
        data=dict(data or {}),
    )
    d.save(update_fields=[*fields, "last_event_on"])
    return on


def _plain(v):
    if hasattr(v, "pk"):
        return v.pk
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


@contextmanager
def _acting(who, dispute_id: int) -> Iterator[tuple[object, Dispute]]:
    actor = as_actor(who)
    with transaction.atomic():
        yield actor, dispute_get(actor, dispute_id=dispute_id, for_update=True)


def _link(d: Dispute, unit: Unit) -> None:
    DisputeUnit.objects.get_or_create(dispute=d, unit=unit, defaults={"jurisdiction_id": d.jurisdiction_id})


def _mediator(user_id, unit: Unit, d: Dispute | None, field: str):
    if user_id is None:
        return None
    if not Membership.objects.filter(user_id=user_id, unit=unit, role=Role.MEDIATOR).exists():
        raise InvalidInput(f"该人员不是{unit.name}的调解员", field)
    if d is not None and MediatorConflict.objects.filter(dispute=d, user_id=user_id).exists():
        raise InvalidInput("该调解员已申明与本纠纷有利害关系，应当回避", field)
    return get_user_model().objects.get(pk=user_id)


def dispute_register(
    who, *, unit_id: int, dispute_type: str, facts: str, parties: Sequence[PartyData],
    received_on: dt.date | None = None, mediator_id: int | None = None,
) -> Dispute:
    """Register a dispute at the level that first receives it, usually the village (Art 17)."""
    actor = as_actor(who)
    on = action_date(received_on)
    unit = active_unit(unit_id, "unit_id")
    if dispute_type not in set(DisputeType):
        raise InvalidInput(f"未知的纠纷类型：{dispute_type}", "dispute_type")
    facts = text(facts, "纠纷事实", "facts", max_length=20000)
    cleaned = []
    for i, p in enumerate(parties or []):
        if isinstance(p, dict):
            p = PartyData(**{k: p.get(k, "") for k in ("name", "address", "phone", "claims")})
        cleaned.append(PartyData(
            name=text(p.name, "当事人姓名（名称）", f"parties.{i}.name", max_length=100),
            address=text(p.address, "当事人住址", f"parties.{i}.address", max_length=200),
            phone=text(p.phone, "联系电话", f"parties.{i}.phone", max_length=40),
            claims=text(p.claims, "当事人请求", f"parties.{i}.claims", max_length=5000, required=False),
        ))
    roles = set()
    if actor.kind == ActorKind.STAFF and actor.user is not None:
        roles = {Role(r) for r in Membership.objects.filter(user=actor.user, unit=unit).values_list("role", flat=True)}
    try:
        d_check("register", DisputeFacts(state=None), roles, {"parties": len(cleaned), "facts": facts}, on)
    except TransitionRefused as e:
        if e.code == "forbidden":
            raise Forbidden(f"您不是{unit.name}的调解员或登记人员，不能登记纠纷") from None
        raise InvalidInput(e.message, "parties" if "两方" in e.message else None) from None
    mediator = _mediator(mediator_id, unit, None, "mediator_id")
    with transaction.atomic():
        d = Dispute.objects.create(
            number=_next_number(unit, on), jurisdiction=unit.jurisdiction, registered_by=unit, unit=unit,
            level=_level_of(unit), dispute_type=dispute_type, facts=facts, state=DState.REGISTERED,
            mediator=mediator, received_on=on, last_event_on=on,
            target_on=current_calendar().add_days(on, DEFAULT_TARGET_DAYS, counting()).on,
        )
        people = Person.objects.bulk_create([Person(name=p.name, address=p.address, phone=p.phone) for p in cleaned])
        DisputeParty.objects.bulk_create([
            DisputeParty(dispute=d, jurisdiction=unit.jurisdiction, person=person, claims=p.claims)
            for person, p in zip(people, cleaned)
        ])
        _link(d, unit)
        event_append(
            jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb="register", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=on, after={"state": d.state, "unit": unit.pk, "level": d.level},
            data={"number": d.number, "parties": [p.pk for p in people], "type": dispute_type},
        )
    return d


def _next_number(unit: Unit, on: dt.date) -> str:
    j = unit.jurisdiction
    return f"{j.code}-TJ{on.year}-{next_serial(j.pk, 'TJ', on.year):05d}"


def dispute_assign_mediator(who, *, dispute_id: int, mediator_id: int, chosen_by_parties: bool = False,
                            on: dt.date | None = None) -> Dispute:
    """Mediators are chosen by the parties or assigned by the committee (Art 19)."""
    with _acting(who, dispute_id) as (actor, d):
        mediator = _mediator(mediator_id, d.unit, d, "mediator_id")
        _transition(actor, d, "assign_mediator", on=on,
                    changes={"mediator_id": mediator.pk, "mediator_chosen_by_parties": bool(chosen_by_parties)},
                    data={"chosen_by_parties": bool(chosen_by_parties)})
        return d


def dispute_record_session(who, *, dispute_id: int, summary: str, attendees: str, public: bool = False,
                           proposals: str = "", on: dt.date | None = None) -> Session:
    """Record who attended, what was said and proposed (Art 27); public or private as the parties chose (Art 23(3))."""
    with _acting(who, dispute_id) as (actor, d):
        summary = text(summary, "调解情况", "summary", max_length=20000)
        attendees = text(attendees, "参加人员", "attendees", max_length=500)
        proposals = text(proposals, "调解方案", "proposals", max_length=20000, required=False)
        day = _transition(actor, d, "record_session", on=on, params={"summary": summary},
                          data={"public": bool(public), "attendees": attendees})
        return Session.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, held_on=day, mediator=actor.user, attendees=attendees,
            public=bool(public), summary=summary, proposals=proposals,
        )


def dispute_escalate(who, *, dispute_id: int, reason: str, unit_id: int, mediator_id: int | None = None,
                     target_on: dt.date | None = None, on: dt.date | None = None) -> Dispute:
    """Not settled here: up one level with a written reason; the township names the lead unit, mediator and target date."""
    with _acting(who, dispute_id) as (actor, d):
        unit = active_unit(unit_id, "unit_id")
        expected = NEXT_LEVEL.get(Level(d.level))
        if expected is not None and _level_of(unit) != expected:
            raise InvalidInput(f"应上交{'乡镇（街道）' if expected == Level.TOWNSHIP else '主管部门'}的单位", "unit_id")
        here = d.unit.jurisdiction
        if expected is not None and not here.path.startswith(unit.jurisdiction.path):
            raise InvalidInput(f"{unit.name}不是{here.name}的上级单位", "unit_id")
        mediator = _mediator(mediator_id, unit, d, "mediator_id")
        params = {"reason": reason, "unit": unit.pk, "mediator": mediator_id, "target_on": target_on}
        changes = {"unit_id": unit.pk, "level": (expected or Level(d.level)).value,
                   "mediator_id": mediator.pk if mediator else None}
        if target_on:
            changes["target_on"] = target_on
        _transition(actor, d, "escalate", on=on, params=params, changes=changes,
                    data={"reason": (reason or "").strip(), "from_unit": d.unit_id, "to_unit": unit.pk})
        _link(d, unit)
        return d


def dispute_end_by_party(who, *, dispute_id: int, party: str, reason: str = "", on: dt.date | None = None) -> Dispute:
    """A party refuses or ends mediation (Art 17, 23(2)): it ends, and the parties are told their other routes (Art 26)."""
    with _acting(who, dispute_id) as (actor, d):
        _transition(actor, d, "end_by_party", on=on, params={"party": party},
                    data={"party": (party or "").strip()[:100], "reason": (reason or "").strip()[:2000]})
        return d


def dispute_fail(who, *, dispute_id: int, reason: str, on: dt.date | None = None) -> Dispute:
    """Mediation failed: end it and tell the parties their other routes (Art 26)."""
    with _acting(who, dispute_id) as (actor, d):
        _transition(actor, d, "fail", on=on, params={"reason": reason}, data={"reason": (reason or "").strip()[:2000]})
        return d


def dispute_agree(
    who, *, dispute_id: int, form: str, facts_responsibility: str, terms: str, performance_manner: str,
    performance_deadline: dt.date | None, signed: bool = False, effective_on: dt.date | None = None,
    copies: int | None = None, on: dt.date | None = None,
) -> Agreement:
    """The agreement (Art 28–30). A written one takes effect when signed (Art 29 ¶2), an oral one the day it is
    reached (Art 30); from then the parties have 30 days to apply jointly for judicial confirmation (Art 33)."""
    with _acting(who, dispute_id) as (actor, d):
        day = action_date(on, not_before=d.last_event_on)
        effective = effective_on or day
        if effective < day:
            raise InvalidInput("生效日期不能早于达成协议的日期", "effective_on")
        facts_responsibility = text(facts_responsibility, "纠纷主要事实和责任", "facts_responsibility", max_length=20000)
        performance_manner = text(performance_manner, "履行方式", "performance_manner", max_length=5000)
        params = {"form": form, "terms": terms, "performance_deadline": performance_deadline,
                  "signed": signed, "effective_on": effective}
        changes = {"settled_level": d.level, "performance_due_on": performance_deadline}
        if form == "written":
            due = RULES["judicial_confirmation"].due(effective, current_calendar(), counting())
            changes.update(confirmation_due_on=due.on, confirmation_provisional=due.provisional)
        _transition(actor, d, "agree", on=day, params=params, changes=changes,
                    data={"form": form, "effective_on": effective, "performance_deadline": performance_deadline})
        parties = d.parties.count()
        return Agreement.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, form=form, facts_responsibility=facts_responsibility,
            terms=terms.strip(), performance_manner=performance_manner, performance_deadline=performance_deadline,
            effective_on=effective, copies=copies or parties + 1,
        )


def dispute_record_performance(who, *, dispute_id: int, performed: bool, note: str = "",
                               on: dt.date | None = None) -> Dispute:
    """The committee follows up on performance (Art 31); an unperformed agreement can go to court (Art 32)."""
    with _acting(who, dispute_id) as (actor, d):
        note = text(note, "回访情况", "note", max_length=5000, required=False)
        _transition(actor, d, "record_performance", on=on, params={"performed": performed},
                    data={"performed": performed, "note": note})
        Agreement.objects.filter(dispute=d).update(performed=performed, performance_note=note)
        return d


def dispute_declare_conflict(who, *, dispute_id: int, reason: str) -> None:
    """A mediator with a conflict of interest stands aside; if assigned, the dispute needs another mediator."""
    with _acting(who, dispute_id) as (actor, d):
        reason = text(reason, "回避理由", "reason", max_length=200)
        if actor.user is None:
            raise Forbidden("只有调解员可以申明回避")
        MediatorConflict.objects.get_or_create(dispute=d, user=actor.user,
                                               defaults={"jurisdiction_id": d.jurisdiction_id, "reason": reason})
        if d.mediator_id == actor.user.pk:
            d.mediator = None
            d.save(update_fields=["mediator"])
        event_append(
            jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb="mediator_conflict",
            actor_id=actor.user_id, actor_kind=actor.kind, effective_on=action_date(None), data={"reason": reason},
        )
