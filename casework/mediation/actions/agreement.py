"""Agreements (Art 28–30, 33) and their performance (Art 31, 32)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from casework.cases.actions.common import text
from casework.cases.errors import Conflict, InvalidInput

from ..models import Agreement, AgreementSignature, PerformanceCheck
from .clocks import confirmation_window
from .common import acting, check, record


def _copies(copies, parties: int) -> int:
    """One for each party and one the committee keeps (Art 29 ¶2)."""
    need = parties + 1
    if copies is None:
        return need
    if isinstance(copies, bool) or not isinstance(copies, int) or not need <= copies <= 20:
        raise InvalidInput(f"协议书应当当事人各执一份、调解委员会留存一份，份数应为{need}至20份", "copies")
    return copies


def _agreement_texts(facts_responsibility, terms, performance_manner, *, facts_required: bool) -> tuple[str, str, str]:
    return (
        text(facts_responsibility, "纠纷主要事实、争议事项及各方责任", "facts_responsibility", max_length=20000,
             required=facts_required),
        text(terms, "协议内容", "terms", max_length=20000, required=False),
        text(performance_manner, "履行方式", "performance_manner", max_length=5000),
    )


def _window(effective_on: dt.date) -> dict:
    due = confirmation_window(effective_on)
    return {"confirmation_due_on": due.on, "confirmation_provisional": due.provisional}


def dispute_draft_agreement(
    who, *, dispute_id: int, facts_responsibility: str, terms: str, performance_manner: str,
    performance_deadline: dt.date | None, copies: int | None = None, on: dt.date | None = None,
) -> Agreement:
    """The written agreement's text, to print as a draft for the parties to read before they sign (Art 28, 29 ¶1):
    the parties' basic details, the facts, disputed issues and responsibility, the terms, the manner and deadline
    of performance. Drafting again replaces the unsigned draft."""
    with acting(who, dispute_id) as (actor, d):
        facts_responsibility, terms, performance_manner = _agreement_texts(
            facts_responsibility, terms, performance_manner, facts_required=True)
        day, state = check(actor, d, "draft_agreement", on=on,
                           params={"terms": terms, "performance_deadline": performance_deadline})
        values = dict(
            unit_id=d.unit_id, level=d.level, mediator_id=d.mediator_id, facts_responsibility=facts_responsibility,
            terms=terms, performance_manner=performance_manner, performance_deadline=performance_deadline,
            drafted_on=day, copies=_copies(copies, d.parties.count()),
        )
        draft = Agreement.objects.filter(dispute=d, status=Agreement.DRAFT).first()
        if draft is None:
            draft = Agreement.objects.create(dispute=d, jurisdiction_id=d.jurisdiction_id, form="written",
                                             status=Agreement.DRAFT, **values)
        else:
            for f, v in values.items():
                setattr(draft, f, v)
            draft.save(update_fields=list(values))
        record(actor, d, "draft_agreement", day, state,
               data={"agreement": draft.pk, "performance_deadline": performance_deadline})
        return draft


def dispute_sign_agreement(
    who, *, dispute_id: int, signatures: Mapping[int, str], mediator_signed: bool = False, sealed: bool = False,
    on: dt.date | None = None,
) -> Agreement:
    """Record that every party signed, sealed or thumb-printed the draft, the mediator signed it and the committee's
    seal is on it: the agreement takes effect that day (Art 29 ¶2), and the parties' window to apply jointly for
    judicial confirmation runs from it (Art 33)."""
    with acting(who, dispute_id) as (actor, d):
        draft = Agreement.objects.filter(dispute=d, status=Agreement.DRAFT).first()
        params = {"signatures": _party_keys(signatures), "mediator_signed": mediator_signed is True,
                  "sealed": sealed is True, "performance_deadline": draft.performance_deadline if draft else None}
        day, state = check(actor, d, "sign_agreement", on=on, params=params)
        if draft is None:  # the state says drafted: the row is there unless the data was edited by hand
            raise Conflict("没有待签署的调解协议书草稿")
        if day < draft.drafted_on:
            raise InvalidInput("签署日期不能早于协议草稿的制作日期", "on")
        manners = params["signatures"]
        if set(manners) - set(d.parties.values_list("pk", flat=True)):
            raise InvalidInput("签署记录中有不是本纠纷当事人的人", "signatures")
        AgreementSignature.objects.bulk_create([
            AgreementSignature(agreement=draft, jurisdiction_id=d.jurisdiction_id, party_id=pid, manner=manner,
                               signed_on=day)
            for pid, manner in manners.items()
        ])
        draft.status, draft.effective_on = Agreement.EFFECTIVE, day
        draft.mediator_signed, draft.sealed = True, True
        draft.save(update_fields=["status", "effective_on", "mediator_signed", "sealed"])
        window = _window(day)
        record(actor, d, "sign_agreement", day, state,
               changes={"settled_level": draft.level, "performance_due_on": draft.performance_deadline, **window},
               data={"agreement": draft.pk, "form": "written", "effective_on": day, "signatures": manners})
        return draft


def _party_keys(signatures) -> dict[int, str]:
    out = {}
    for k, v in dict(signatures or {}).items():
        try:
            out[int(k)] = v
        except (TypeError, ValueError):
            raise InvalidInput(f"没有这个当事人：{k}", "signatures") from None
    return out


def dispute_agree_orally(
    who, *, dispute_id: int, terms: str, performance_manner: str, performance_deadline: dt.date | None,
    writing_waived: bool = False, facts_responsibility: str = "", on: dt.date | None = None,
) -> Agreement:
    """An oral agreement: the parties see no need for a document and the mediator records what they agreed (Art 28);
    it takes effect the day it is reached (Art 30), and the Art 33 window runs from that day too. Its record notes
    that an application for judicial confirmation needs the agreement in writing (``ORAL_AGREEMENT_NOTE``)."""
    with acting(who, dispute_id) as (actor, d):
        facts_responsibility, terms, performance_manner = _agreement_texts(
            facts_responsibility, terms, performance_manner, facts_required=False)
        day, state = check(actor, d, "agree_orally", on=on,
                           params={"terms": terms, "performance_deadline": performance_deadline,
                                   "writing_waived": writing_waived is True})
        agreement = Agreement.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, unit_id=d.unit_id, level=d.level, form="oral",
            status=Agreement.EFFECTIVE, mediator_id=d.mediator_id, facts_responsibility=facts_responsibility,
            terms=terms, performance_manner=performance_manner, performance_deadline=performance_deadline,
            drafted_on=day, effective_on=day, copies=0,
        )
        window = _window(day)
        record(actor, d, "agree_orally", day, state,
               changes={"settled_level": d.level, "performance_due_on": performance_deadline, **window},
               data={"agreement": agreement.pk, "form": "oral", "effective_on": day})
        return agreement


def dispute_record_performance(who, *, dispute_id: int, result: str, note: str = "",
                               on: dt.date | None = None) -> PerformanceCheck:
    """A follow-up on performance (Art 31): performed; not yet, keep following up (as often as needed); or not
    performed and the parties told they may go to court (Art 32; enforcement if confirmed, Art 33 ¶2)."""
    with acting(who, dispute_id) as (actor, d):
        note = text(note, "回访情况", "note", max_length=5000, required=False)
        day, state = check(actor, d, "record_performance", on=on, params={"result": result})
        agreement = Agreement.objects.get(dispute=d, status=Agreement.EFFECTIVE)
        check_row = PerformanceCheck.objects.create(
            dispute=d, jurisdiction_id=d.jurisdiction_id, agreement=agreement, checked_on=day, result=result,
            note=note, checked_by=actor.user,
        )
        record(actor, d, "record_performance", day, state, data={"check": check_row.pk, "result": result})
        return check_row


__all__ = ["dispute_agree_orally", "dispute_draft_agreement", "dispute_record_performance", "dispute_sign_agreement"]
