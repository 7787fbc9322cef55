"""The mediation agreement (调解协议书) from a dispute, in the notices' official layout."""

from __future__ import annotations

from casework.documents.notices import MediationAgreement, MediationParty, mediation_agreement
from casework.organisation.names import person_name

from .models import Dispute

ROLES = ["甲方", "乙方", "丙方", "丁方", "戊方", "己方"]


def agreement_data(d: Dispute) -> MediationAgreement:
    a = d.agreement
    parties = list(d.parties.select_related("person"))
    return MediationAgreement(
        committee=d.unit.name, date=a.effective_on, number=d.number,
        parties=[MediationParty(ROLES[i] if i < len(ROLES) else f"第{i + 1}方", p.person.name, f"住址：{p.person.address}")
                 for i, p in enumerate(parties)],
        facts=d.facts, disputed_issues="；".join(f"{p.person.name}：{p.claims}" for p in parties if p.claims) or d.facts,
        responsibility=a.facts_responsibility, terms=[t for t in a.terms.splitlines() if t.strip()],
        performance=f"{a.performance_manner}，于{a.performance_deadline:%Y年%-m月%-d日}前履行完毕。",
        mediator=person_name(d.mediator), copies=a.copies,
    )


def agreement_document(d: Dispute) -> bytes:
    return mediation_agreement(agreement_data(d))
