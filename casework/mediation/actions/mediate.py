"""Mediating: mediators, sessions, going up a level, and ending without agreement (Art 17–27)."""

from __future__ import annotations

import datetime as dt

from casework.audit.chain import event_append
from casework.cases.actions.common import active_unit, text
from casework.cases.actions.transition import action_date
from casework.cases.errors import Forbidden, InvalidInput
from casework.rules.mediation import LEVEL_LABELS, NEXT_LEVEL, Level

from ..models import Agreement, Dispute, Escalation, MediatorChange, MediatorConflict, Session, Termination
from .common import acting, check, level_of, link, mediator_of, party_of, record
from .register import _int


def dispute_assign_mediator(who, *, dispute_id: int, mediator_id: int, chosen_by_parties: bool = False,
                            on: dt.date | None = None) -> Dispute:
    """Mediators are chosen by the parties or assigned by the committee (Art 19)."""
    with acting(who, dispute_id) as (actor, d):
        day, state = check(actor, d, "assign_mediator", on=on)
        mediator = mediator_of(mediator_id, d.unit, d, "mediator_id")
        if mediator is None:
            raise InvalidInput("请选择调解员", "mediator_id")
        record(actor, d, "assign_mediator", day, state,
               changes={"mediator_id": mediator.pk, "mediator_chosen_by_parties": bool(chosen_by_parties)},
               data={"chosen_by_parties": bool(chosen_by_parties)})
        return d


def dispute_change_mediator(who, *, dispute_id: int, party_id: int, mediator_id: int, reason: str = "",
                            on: dt.date | None = None) -> MediatorChange:
    """A party asks for another mediator (Art 23(1) 「选择或者接受人民调解员」; 司法部《人民调解工作若干规定》):
    the committee records who asked and why, and names another of its mediators."""
    with acting(who, dispute_id) as (actor, d):
        reason = text(reason, "理由", "reason", max_length=2000, required=False)
        day, state = check(actor, d, "change_mediator", on=on,
                           params={"party": _int(party_id), "mediator": _int(mediator_id)})
        party = party_of(d, party_id)
        mediator = mediator_of(mediator_id, d.unit, d, "mediator_id")
        change = MediatorChange.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, requested_on=day, party=party, previous_id=d.mediator_id,
            mediator=mediator, reason=reason,
        )
        record(actor, d, "change_mediator", day, state,
               changes={"mediator_id": mediator.pk, "mediator_chosen_by_parties": False},
               data={"change": change.pk, "party": party.pk})
        return change


def dispute_record_session(who, *, dispute_id: int, summary: str, attendees: str, public: bool = False,
                           proposals: str = "", on: dt.date | None = None) -> Session:
    """Record who attended, what was said and proposed (Art 27); public or private as the parties chose (Art 23(3))."""
    with acting(who, dispute_id) as (actor, d):
        summary = text(summary, "调解情况", "summary", max_length=20000)
        attendees = text(attendees, "参加人员", "attendees", max_length=500)
        proposals = text(proposals, "调解方案", "proposals", max_length=20000, required=False)
        day, state = check(actor, d, "record_session", on=on, params={"summary": summary})
        session = Session.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, held_on=day, mediator=actor.user, attendees=attendees,
            public=bool(public), summary=summary, proposals=proposals,
        )
        record(actor, d, "record_session", day, state, data={"session": session.pk, "public": bool(public)})
        return session


def dispute_escalate(who, *, dispute_id: int, reason: str, unit_id: int | None, consent: bool = False,
                     consent_note: str = "", mediator_id: int | None = None, target_on: dt.date | None = None,
                     on: dt.date | None = None) -> Escalation:
    """Not settled here, or failed here: with the parties' consent (Art 3(1), 17), up one level — from the village
    committee to the township's 人民调解委员会 (Art 34), from there to the competent department or a county-level
    committee — with a written reason. The township names the mediator and a target date."""
    with acting(who, dispute_id) as (actor, d):
        reason = text(reason, "上交理由", "reason", max_length=2000, required=False)
        consent_note = text(consent_note, "当事人同意的方式", "consent_note", max_length=500, required=False)
        params = {"reason": reason, "unit": unit_id, "mediator": mediator_id, "target_on": target_on,
                  "consent": consent is True}
        day, state = check(actor, d, "escalate", on=on, params=params)
        unit = active_unit(unit_id, "unit_id")
        here, expected = Level(d.level), NEXT_LEVEL[Level(d.level)]
        if unit.kind == "petition_office" or level_of(unit) is None:
            raise InvalidInput(f"调解由人民调解委员会负责，{unit.name}不是人民调解委员会（人民调解法第七条、第三十四条）",
                               "unit_id")
        if level_of(unit) != expected:
            raise InvalidInput(f"应上交{LEVEL_LABELS[expected]}一级的调解组织，{unit.name}不在这一级", "unit_id")
        if unit.jurisdiction_id != d.unit.jurisdiction.parent_id:
            raise InvalidInput(f"{unit.name}不是{d.unit.jurisdiction.name}的上一级调解组织", "unit_id")
        mediator = mediator_of(mediator_id, unit, d, "mediator_id")
        escalation = Escalation.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, escalated_on=day, from_unit_id=d.unit_id, to_unit=unit,
            from_level=here, to_level=expected, reason=reason, consent=True, consent_note=consent_note,
        )
        changes = {"unit_id": unit.pk, "level": expected.value, "mediator_id": mediator.pk if mediator else None,
                   "mediator_chosen_by_parties": False}
        if target_on:
            changes["target_on"] = target_on
        record(actor, d, "escalate", day, state, changes=changes,
               data={"escalation": escalation.pk, "from_unit": escalation.from_unit_id, "to_unit": unit.pk,
                     "consent": True})
        link(d, unit)
        return escalation


def _end(actor, d: Dispute, action: str, kind: str, *, on, params: dict, reason: str, party=None) -> Termination:
    day, state = check(actor, d, action, on=on, params=params)
    if party is not None:
        party = party_of(d, party)
    termination = Termination.objects.create(
        dispute=d, jurisdiction_id=d.jurisdiction_id, unit_id=d.unit_id, level=d.level, kind=kind, ended_on=day,
        party=party, reason=reason, routes_told=True,
    )
    abandoned = Agreement.objects.filter(dispute=d, status=Agreement.DRAFT).update(status=Agreement.ABANDONED)
    record(actor, d, action, day, state,
           data={"termination": termination.pk, "party": party.pk if party else None, "routes_told": True,
                 "draft_abandoned": bool(abandoned)})
    return termination


def dispute_end_by_party(who, *, dispute_id: int, party_id: int, reason: str = "", routes_told: bool = False,
                         on: dt.date | None = None) -> Termination:
    """A party refuses or ends mediation (Art 17, 23(2)): it ends, and the parties are told their other routes
    (Art 26), with the 调解终止告知书."""
    with acting(who, dispute_id) as (actor, d):
        reason = text(reason, "说明", "reason", max_length=2000, required=False)
        return _end(actor, d, "end_by_party", Termination.REFUSED, on=on, reason=reason, party=party_id,
                    params={"party": _int(party_id), "routes_told": routes_told is True})


def dispute_fail(who, *, dispute_id: int, reason: str, routes_told: bool = False,
                 on: dt.date | None = None) -> Termination:
    """Mediation failed: end it and tell the parties their other routes (Art 26), with the 调解终止告知书. With their
    consent it may still go up a level (``dispute_escalate``)."""
    with acting(who, dispute_id) as (actor, d):
        reason = text(reason, "终止理由", "reason", max_length=2000, required=False)
        return _end(actor, d, "fail", Termination.FAILED, on=on, reason=reason,
                    params={"reason": reason, "routes_told": routes_told is True})


def dispute_declare_conflict(who, *, dispute_id: int, reason: str) -> None:
    """A mediator with a conflict of interest stands aside (Art 15, 19); if assigned, the dispute needs another."""
    with acting(who, dispute_id) as (actor, d):
        reason = text(reason, "回避理由", "reason", max_length=200)
        if actor.user is None:
            raise Forbidden("只有调解员可以申明回避")
        conflict, _ = MediatorConflict.objects.get_or_create(
            dispute=d, user=actor.user, defaults={"jurisdiction_id": d.jurisdiction_id, "reason": reason})
        if d.mediator_id == actor.user.pk:
            d.mediator = None
            d.save(update_fields=["mediator"])
        event_append(
            jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb="mediator_conflict",
            actor_id=actor.user_id, actor_kind=actor.kind, effective_on=action_date(None),
            data={"conflict": conflict.pk},
        )


__all__ = ["dispute_assign_mediator", "dispute_change_mediator", "dispute_declare_conflict", "dispute_end_by_party",
           "dispute_escalate", "dispute_fail", "dispute_record_session"]
