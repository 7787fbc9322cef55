"""The mediation documents from a dispute, in the notices' official layout: the 调解协议书 (its draft before
signing, then the effective agreement) and the 调解终止告知书."""

from __future__ import annotations

from casework.documents.layout import chinese_date
from casework.documents.mediation_notices import MediationTermination, mediation_termination_notice
from casework.documents.notices import MediationAgreement, MediationParty, mediation_agreement
from casework.organisation.names import person_name
from casework.rules.clocks import RULES
from casework.rules.mediation import (
    DISPUTE_TYPE_LABELS, NEXT_LEVEL, NEXT_LEVEL_BODY, ROUTE_HINT_DEFAULT, ROUTE_HINTS, SEX_LABELS, SIGN_MANNER_LABELS,
    DisputeType, Level, PartyKind, Sex, SignManner, age_on,
)

from .models import Agreement, Dispute, DisputeParty, Escalation, Termination

ROLES = ["甲方", "乙方", "丙方", "丁方", "戊方", "己方"]


def party_role(i: int) -> str:
    return ROLES[i] if i < len(ROLES) else f"第{i + 1}方"


def party_details(p: DisputeParty, on) -> str:
    """The basic details the 司法部 model agreement asks for (Art 29 ¶1(1)), as one line; never ethnicity."""
    person = p.person
    if p.kind == PartyKind.ORGANISATION:
        parts = [f"住所：{person.address}"]
        if p.legal_representative:
            parts.append(f"法定代表人（主要负责人）：{p.legal_representative}")
    else:
        parts = []
        if p.sex in set(Sex):
            parts.append(SEX_LABELS[Sex(p.sex)])
        if p.birth_date:
            parts.append(f"{chinese_date(p.birth_date)}出生（{age_on(p.birth_date, on)}岁）")
        elif p.age is not None:
            parts.append(f"{p.age}岁")
        if p.occupation:
            parts.append(f"职业：{p.occupation}")
        parts.append(f"住址：{person.address}")
    if person.phone:
        parts.append(f"联系电话：{person.phone}")
    return "，".join(parts)


def agreement_data(d: Dispute, a: Agreement) -> MediationAgreement:
    """The written agreement: a draft until signed (Art 29 ¶2), then effective with the Art 33 window."""
    parties = list(d.parties.select_related("person"))
    signed = {s.party_id: SIGN_MANNER_LABELS[SignManner(s.manner)] for s in a.signatures.all()}
    day = a.effective_on or a.drafted_on
    return MediationAgreement(
        committee=a.unit.name, date=day, number=d.number, draft=a.is_draft,
        parties=[MediationParty(party_role(i), p.person.name, party_details(p, day), signed=signed.get(p.pk, ""))
                 for i, p in enumerate(parties)],
        facts=d.facts, disputed_issues="；".join(f"{p.person.name}：{p.claims}" for p in parties if p.claims) or d.facts,
        responsibility=a.facts_responsibility, terms=[t for t in a.terms.splitlines() if t.strip()],
        performance=f"{a.performance_manner}，于{chinese_date(a.performance_deadline)}前履行完毕。",
        mediator=person_name(a.mediator), copies=a.copies,
        confirmation_days=RULES["judicial_confirmation"].days,
        confirmation_due=d.confirmation_due_on if a.is_effective else None,
    )


def agreement_document(d: Dispute, a: Agreement) -> bytes:
    return mediation_agreement(agreement_data(d, a))


def termination_data(d: Dispute, t: Termination) -> MediationTermination:
    """The 调解终止告知书 of one ending (Art 26), issued by the committee that ended it, on that day."""
    parties = list(d.parties.select_related("person"))
    came = (Escalation.objects.filter(dispute=d, to_unit_id=t.unit_id, escalated_on__lte=t.ended_on)
            .order_by("-escalated_on", "-id").values_list("escalated_on", flat=True).first())
    level = Level(t.level)
    return MediationTermination(
        issuer=t.unit.name, date=t.ended_on, parties=[p.person.name for p in parties], dispute_number=d.number,
        dispute_type=DISPUTE_TYPE_LABELS[DisputeType(d.dispute_type)], received_on=came or d.received_on,
        kind=t.kind, refusing_party=t.party.person.name if t.party_id else "", reason=t.reason,
        route_hints=[ROUTE_HINTS.get(DisputeType(d.dispute_type), ROUTE_HINT_DEFAULT)],
        next_level=NEXT_LEVEL_BODY[NEXT_LEVEL[level]] if level in NEXT_LEVEL else "",
    )


def termination_document(d: Dispute, t: Termination) -> bytes:
    return mediation_termination_notice(termination_data(d, t))
