"""Registering a dispute, and the parties' basic details (Art 17, 29 ¶1(1))."""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields, replace
from typing import Mapping, Sequence

from django.db import transaction

from casework.audit.chain import event_append
from casework.cases.actions.common import active_unit, text
from casework.cases.actions.intake import next_serial
from casework.cases.actions.transition import action_date
from casework.cases.actors import ActorKind, as_actor
from casework.cases.errors import Forbidden, InvalidInput
from casework.cases.models import Person
from casework.holidays.services import counting, current_calendar
from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import Role, TransitionRefused
from casework.rules.mediation import (
    MEDIATION_TARGET_DAYS, DisputeFacts, DisputeType, DState, PartyKind, Sex, d_check,
)

from ..models import Dispute, DisputeParty
from .common import acting, check, level_of, link, mediator_of, party_of, record

OLDEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class PartyData:
    """A party as registered: name, address and phone always; the rest of the basic details an agreement states
    (the 司法部 model form) may follow later (``dispute_record_party_details``). Never ethnicity (DESIGN.md)."""

    name: str
    address: str
    phone: str = ""
    claims: str = ""
    kind: str = PartyKind.PERSON
    sex: str = ""
    birth_date: dt.date | None = None
    age: int | None = None
    occupation: str = ""
    legal_representative: str = ""


PARTY_FIELDS = [f.name for f in fields(PartyData)]
_DEFAULTS = {f.name: None if f.default is MISSING else f.default for f in fields(PartyData)}
DETAIL_FIELDS = ["kind", "sex", "birth_date", "age", "occupation", "legal_representative"]


def _details(p: PartyData, at: str, on: dt.date) -> dict:
    """The basic details beyond name, address and phone, checked; a clear error naming the field otherwise."""
    kind = p.kind or PartyKind.PERSON
    if kind not in set(PartyKind):
        raise InvalidInput(f"未知的当事人类型：{kind}", f"{at}kind")
    sex = p.sex or ""
    if sex and sex not in set(Sex):
        raise InvalidInput("性别应为男或女", f"{at}sex")
    birth = p.birth_date
    if birth is not None and (not isinstance(birth, dt.date) or isinstance(birth, dt.datetime)):
        raise InvalidInput("出生日期格式应为 YYYY-MM-DD", f"{at}birth_date")
    if birth is not None and not OLDEST_BIRTH <= birth <= on:
        raise InvalidInput(f"出生日期 {birth.isoformat()} 不可能", f"{at}birth_date")
    age = p.age
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
        raise InvalidInput("年龄应为0至130之间的整数", f"{at}age")
    occupation = text(p.occupation, "职业或职务", f"{at}occupation", max_length=100, required=False)
    representative = text(p.legal_representative, "法定代表人（主要负责人）", f"{at}legal_representative",
                          max_length=100, required=False)
    if kind == PartyKind.ORGANISATION and (sex or birth is not None or age is not None):
        raise InvalidInput("法人或者其他组织不填写性别、年龄或出生日期", f"{at}sex")
    if kind == PartyKind.PERSON and representative:
        raise InvalidInput("自然人不填写法定代表人", f"{at}legal_representative")
    return {"kind": kind, "sex": sex, "birth_date": birth, "age": age, "occupation": occupation,
            "legal_representative": representative}


def _clean_party(p, i: int, on: dt.date) -> tuple[PartyData, dict]:
    if isinstance(p, dict):
        unknown = set(p) - set(PARTY_FIELDS)
        if unknown:
            raise InvalidInput(f"未知的当事人信息：{'、'.join(sorted(unknown))}", f"parties.{i}")
        p = PartyData(**{k: p[k] if p.get(k) is not None else _DEFAULTS[k] for k in PARTY_FIELDS})
    at = f"parties.{i}."
    cleaned = PartyData(
        name=text(p.name, "当事人姓名（名称）", f"{at}name", max_length=100),
        address=text(p.address, "当事人住址", f"{at}address", max_length=200),
        phone=text(p.phone, "联系电话", f"{at}phone", max_length=40),
        claims=text(p.claims, "当事人请求", f"{at}claims", max_length=5000, required=False),
    )
    return cleaned, _details(p, at, on)


def dispute_register(
    who, *, unit_id: int, dispute_type: str, facts: str, parties: Sequence[PartyData | dict],
    received_on: dt.date | None = None, mediator_id: int | None = None,
) -> Dispute:
    """Register a dispute with the 人民调解委员会 that first receives it, usually the village's (Art 17)."""
    actor = as_actor(who)
    on = action_date(received_on)
    unit = active_unit(unit_id, "unit_id")
    if dispute_type not in set(DisputeType):
        raise InvalidInput(f"未知的纠纷类型：{dispute_type}", "dispute_type")
    facts = text(facts, "纠纷事实", "facts", max_length=20000)
    cleaned = [_clean_party(p, i, on) for i, p in enumerate(parties or [])]
    roles = set()
    if actor.kind == ActorKind.STAFF and actor.user is not None:
        roles = {Role(r) for r in Membership.objects.filter(user=actor.user, unit=unit).values_list("role", flat=True)}
    try:
        d_check("register", DisputeFacts(state=None), roles, {"parties": len(cleaned), "facts": facts}, on)
    except TransitionRefused as e:
        if e.code == "forbidden":
            raise Forbidden(f"您不是{unit.name}的调解员或登记人员，不能登记纠纷") from None
        raise InvalidInput(e.message, "parties" if "两方" in e.message else None) from None
    level = level_of(unit)
    if level is None:
        raise InvalidInput(f"{unit.name}不是人民调解委员会，不能登记调解纠纷（人民调解法第七条、第三十四条）", "unit_id")
    mediator = mediator_of(mediator_id, unit, None, "mediator_id")
    with transaction.atomic():
        d = Dispute.objects.create(
            number=_next_number(unit, on), jurisdiction=unit.jurisdiction, registered_by=unit, unit=unit,
            level=level, dispute_type=dispute_type, facts=facts, state=DState.REGISTERED,
            mediator=mediator, received_on=on, last_event_on=on,
            target_on=current_calendar().add_days(on, MEDIATION_TARGET_DAYS, counting()).on,
        )
        people = Person.objects.bulk_create([Person(name=p.name, address=p.address, phone=p.phone) for p, _ in cleaned])
        parties_made = DisputeParty.objects.bulk_create([
            DisputeParty(dispute=d, jurisdiction=unit.jurisdiction, person=person, claims=p.claims, **details)
            for person, (p, details) in zip(people, cleaned)
        ])
        link(d, unit)
        event_append(
            jurisdiction_id=d.jurisdiction_id, case_id=None, dispute_id=d.pk, verb="register", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=on, after={"state": d.state, "unit": unit.pk, "level": d.level},
            data={"number": d.number, "parties": [p.pk for p in people],
                  "dispute_parties": [p.pk for p in parties_made], "type": dispute_type},
        )
    return d


def _next_number(unit: Unit, on: dt.date) -> str:
    j = unit.jurisdiction
    return f"{j.code}-TJ{on.year}-{next_serial(j.pk, 'TJ', on.year):05d}"


def dispute_record_party_details(
    who, *, dispute_id: int, details: Mapping[int, Mapping[str, object]], on: dt.date | None = None,
) -> list[DisputeParty]:
    """The basic details of the parties that the agreement states (Art 29 ¶1(1)): for each party listed, its kind,
    sex, date of birth or age, occupation and legal representative as given (a blank clears one). The values stay
    in the parties' rows; the event names only the fields that changed."""
    with acting(who, dispute_id) as (actor, d):
        details = dict(details or {})
        day, state = check(actor, d, "record_party_details", on=on, params={"listed": [_int(k) for k in details]})
        changed: dict[int, list[str]] = {}
        saved = []
        for key, values in details.items():
            party = party_of(d, key, "details")
            values = dict(values or {})
            unknown = set(values) - set(DETAIL_FIELDS)
            if unknown:
                raise InvalidInput(f"未知的当事人信息：{'、'.join(sorted(unknown))}", "details")
            data = PartyData(name=party.person.name, address=party.person.address,
                             **{f: values.get(f) if values.get(f) is not None else _DEFAULTS[f] for f in DETAIL_FIELDS})
            if values.get("kind") is None:
                data = replace(data, kind=party.kind)
            cleaned = _details(data, f"details.{party.pk}.", day)
            fields_changed = [f for f, v in cleaned.items() if getattr(party, f) != v]
            for f in fields_changed:
                setattr(party, f, cleaned[f])
            if fields_changed:
                party.save(update_fields=fields_changed)
                changed[party.pk] = fields_changed
            saved.append(party)
        record(actor, d, "record_party_details", day, state, data={"changed": changed})
        return saved


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
