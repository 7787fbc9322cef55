"""Build the notice dataclasses from a case and the event each reports (the thin Django side of notices.py).

``build(kind, case, event, issuer)`` makes the notice an act calls for, from that
act's event and the events before it (see casework/cases/actions/*.py for each
event's ``data``; ``casework.cases.decisions`` reads replies and review decisions
of any age). It runs when the act is done, and the result is stored with the
document (``issuing.py``); documents numbered before contents were stored are
rebuilt by it from their event. The addressee is filled in when a notice is
printed (``with_addressee``). The 登记回执 and the 复查（复核）申请回执 are not
numbered documents: they are identified by the case number, dated the day of the
act, and built from their event when printed (``receipt``, ``review_receipt``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable

from django.utils import timezone

from casework.audit.models import Event
from casework.audit.texts import readable
from casework.cases.decisions import decision_record, reply_record
from casework.cases.models import Case, Channel, PartyRole
from casework.cases.review_bodies import review_bodies
from casework.organisation.models import Unit

from .layout import chinese_date
from .models import DocumentKind, IssuedDocument
from .notices import (
    ExtensionNotice, ForwardingNotice, HandlingOpinion, ReceiptNotice, RedirectNotice, RepeatRefusalNotice, RereviewOpinion,
    ReviewOpinion, ReviewRequestReceipt, SupervisionNotice, document_number,
)

MATTER_CHARS = 40
NO_REVIEW_BODY = "上一级机关"  # only where the organisation has no body the rule accepts (a setup gap)


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _before(case: Case, event: Event | None, verb: str) -> Event | None:
    """The last ``verb`` event of the case before ``event`` (or of all, when ``event`` is None)."""
    qs = Event.objects.filter(case=case, verb=verb)
    if event is not None:
        qs = qs.filter(id__lt=event.pk)
    return qs.order_by("-id").first()


def _unit(pk) -> Unit | None:
    return Unit.objects.filter(pk=pk).first() if pk else None


def addressee_of(case: Case) -> tuple[str, bool]:
    """The complainant; for a group, the representatives and the head count (张三、李四等12人)."""
    parties = list(case.parties.select_related("person").order_by("id"))
    names = [p.person.name for p in parties]
    group = case.is_group or any(p.role == PartyRole.REPRESENTATIVE for p in parties)
    if not group:
        return (names[0] if names else "信访人"), False
    return f"{'、'.join(names)}等{max(case.group_size, len(names))}人", True


def with_addressee(notice, case: Case):
    """The notice addressed to the case's complainant(s), as printed."""
    addressee, group = addressee_of(case)
    return dataclasses.replace(notice, addressee=addressee, group=group)


def _matter(case: Case) -> str:
    return (case.title or case.request)[:MATTER_CHARS]


def _common(case: Case, unit: Unit, date: dt.date) -> dict[str, Any]:
    return {"issuer": unit.name, "date": date, "case_number": case.number, "letterhead": unit.letterhead}


def _received_on(case: Case) -> dt.date:
    reg = _before(case, None, "register")
    return _date(reg.data.get("received_on")) if reg and reg.data.get("received_on") else case.received_on


def _article(article: str) -> str:
    """信访工作条例 第34条 → 《信访工作条例》第34条."""
    return article.replace("信访工作条例 ", "《信访工作条例》").replace("人民调解法 ", "《中华人民共和国人民调解法》")


def issuer_of(case: Case, event: Event) -> Unit:
    """The unit that issues the notice of this act: the forwarding unit, else the unit the event names
    (replies and review decisions record it), else the unit that had the case when it acted."""
    unit_id = event.data.get("from_unit") if event.verb == "forward" else event.data.get("unit")
    unit = _unit(unit_id)
    return unit or case.current_unit


def _challenged(case: Case, event: Event | None, kind: str) -> dict:
    """The issued opinion a review (kind handling_opinion) or re-review (review_opinion) challenges."""
    docs = IssuedDocument.objects.filter(case=case, kind=kind).select_related("unit")
    if event is not None:
        docs = docs.filter(event_id__lt=event.pk)
    doc = docs.order_by("-id").first()
    title = DocumentKind(kind).label
    if doc is not None:
        return {"issuer": doc.unit.name, "date": doc.issued_on, "number": doc.number, "title": title}
    verbs = ("reply",) if kind == DocumentKind.HANDLING_OPINION else ("decide_review", "order_redo")
    found = [e for e in (_before(case, event, v) for v in verbs) if e is not None]
    e = max(found, key=lambda x: x.pk) if found else None
    unit = _unit(e.data.get("unit")) if e else None
    return {"issuer": (unit or case.lead_unit or case.current_unit).name, "date": e.effective_on if e else None,
            "number": "", "title": title}


def _challenged_text(c: dict) -> str:
    when = f"于{chinese_date(c['date'])}" if c.get("date") else ""
    number = f"（{c['number']}）" if c.get("number") else ""
    return f"{c['issuer']}{when}作出的《{c['title']}》{number}"


# -- receipts (not numbered) ------------------------------------------------------------------


def receipt(case: Case, *, access_code: str = "", query: str = "") -> ReceiptNotice:
    """登记回执 (Art 22, 23): issued by the registering unit on the day it registered the matter,
    identified by the case number; the access code only for the session that registered it."""
    reg = _before(case, None, "register")
    registered = reg.effective_on if reg else case.received_on  # the act's own date, as every other notice
    unit = case.registered_by
    return with_addressee(ReceiptNotice(
        **_common(case, unit, registered),
        received_on=_received_on(case), registered_on=registered, matter=_matter(case),
        channel=Channel(case.channel).label if case.channel in Channel.values else "",
        access_code=access_code, handling_unit=unit.name, query=query,
    ), case)


def review_receipt(case: Case, event: Event) -> ReviewRequestReceipt:
    """复查（复核）申请回执 (Art 35, 36 ¶1): the review body confirms the request and when it answers."""
    stage = "review" if event.verb == "request_review" else "rereview"
    unit = _unit(event.data.get(f"{stage}_unit")) or case.current_unit
    kind = DocumentKind.HANDLING_OPINION if stage == "review" else DocumentKind.REVIEW_OPINION
    return with_addressee(ReviewRequestReceipt(
        **_common(case, unit, event.effective_on), stage=stage, requested_on=event.effective_on,
        challenged=_challenged_text(_challenged(case, event, kind)),
    ), case)


# -- numbered notices, one builder per kind --------------------------------------------------------


def _acceptance(case: Case, event: Event, unit: Unit) -> ReceiptNotice:
    """受理告知书 (Art 23, 34): the unit that accepted, that day, with the handling period."""
    return ReceiptNotice(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), registered_on=case.received_on, matter=_matter(case),
        channel=Channel(case.channel).label if case.channel in Channel.values else "",
        accepted_on=event.effective_on, handling_unit=unit.name,
    )


def _forwarding(case: Case, event: Event, unit: Unit) -> ForwardingNotice:
    to_unit = _unit(event.data.get("to_unit")) or case.current_unit
    return ForwardingNotice(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), matter=_matter(case), forwarded_on=event.effective_on, to_unit=to_unit.name,
    )  # the 转送说明 is a note to the receiving unit, not a reason given to the complainant


def _redirect(case: Case, event: Event, unit: Unit) -> RedirectNotice:
    route = (event.after or {}).get("route") or case.route
    return RedirectNotice(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), matter=_matter(case), route=route, reason=readable(event).get("reason", ""),
        body=event.data.get("body", ""),
    )


def _repeat_refusal(case: Case, event: Event, unit: Unit) -> RepeatRefusalNotice:
    """不予受理 (Art 36 ¶3), naming the earlier case and its re-review opinion as issued."""
    final = Case.objects.select_related("current_unit").get(pk=event.data["final_case"])
    opinion = IssuedDocument.objects.filter(case=final, kind=DocumentKind.REREVIEW_OPINION).select_related(
        "unit").order_by("-issued_on", "-id").first()
    return RepeatRefusalNotice(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), matter=_matter(case), reason=readable(event).get("reason", ""),
        final_case_number=final.number,
        final_issuer=opinion.unit.name if opinion else final.current_unit.name,
        final_document=opinion.number if opinion else "", final_date=opinion.issued_on if opinion else None,
    )


def _extension(case: Case, event: Event, unit: Unit) -> ExtensionNotice:
    """After approve_extension: the reasons asked for, the days granted, the due dates from the clocks as they
    stood that day (the events up to this one)."""
    from casework.cases.actions.clocks import clocks_for_case
    from casework.holidays.services import counting, current_calendar
    from casework.rules.clocks import RULES

    accept = _before(case, event, "accept")
    request = _before(case, event, "request_extension")
    days = int(event.data.get("extension_days") or (request.data.get("days") if request else 0) or 0)
    events = Event.objects.filter(case=case, id__lte=event.pk).only("verb", "effective_on", "data").order_by("id")
    handling = [c for c in clocks_for_case(case, events=events) if c.rule.name == "handling"]
    if not handling or handling[-1].due is None:
        raise ValueError(f"{case.number}: no handling clock")
    clock = handling[-1]
    original = RULES["handling"].due(clock.started_on, current_calendar(), counting()).on
    return ExtensionNotice(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), matter=_matter(case),
        accepted_on=accept.effective_on if accept else clock.started_on,
        original_due=original, extension_days=days, new_due=clock.due.on,
        reasons=(readable(request).get("reason", "") if request else ""),
    )


def _review_body_name(case: Case, issuer: Unit) -> str:
    bodies = review_bodies(case, issuer)
    return bodies[0].name if bodies else NO_REVIEW_BODY


def _handling_opinion(case: Case, event: Event, unit: Unit) -> HandlingOpinion:
    """The 处理意见书 (Art 32) from the reply; the review body named is one the review action accepts (Art 35)."""
    reply = reply_record(event)
    accept = _before(case, event, "accept")
    many = len(reply.outcomes) > 1
    return HandlingOpinion(
        **_common(case, unit, event.effective_on),
        received_on=_received_on(case), accepted_on=accept.effective_on if accept else None,
        request=case.request, facts_reasons=case.facts_reasons, findings=reply.reasons,
        outcome="" if many else reply.outcomes[0].outcome,
        outcomes=tuple((o.request, o.outcome) for o in reply.outcomes) if many else (),
        opinion=reply.opinion, legal_basis=reply.legal_basis, review_body=_review_body_name(case, unit),
    )


def _redo_unit(event: Event, record) -> str:
    if record.decision != "redo":
        return ""
    unit = _unit((event.after or {}).get("current_unit_id"))
    return unit.name if unit else ""


def _review_opinion(case: Case, event: Event, unit: Unit) -> ReviewOpinion:
    record = decision_record(event, "review")
    requested = _before(case, event, "request_review")
    original = _challenged(case, event, DocumentKind.HANDLING_OPINION)
    return ReviewOpinion(
        **_common(case, unit, event.effective_on),
        original_issuer=original["issuer"], original_date=original["date"], original_number=original["number"],
        requested_on=requested.effective_on if requested else event.effective_on,
        request=readable(requested).get("reason", "") if requested else "",
        findings=record.findings, decision=record.decision, opinion=record.opinion, legal_basis=record.legal_basis,
        rereview_body="" if record.decision == "redo" else _review_body_name(case, unit),
        redo_unit=_redo_unit(event, record),
    )


def _rereview_opinion(case: Case, event: Event, unit: Unit) -> RereviewOpinion:
    record = decision_record(event, "rereview")
    requested = _before(case, event, "request_rereview")
    review = _challenged(case, event, DocumentKind.REVIEW_OPINION)
    hearing = _before(case, event, "start_hearing")
    if hearing is not None and requested is not None and hearing.pk < requested.pk:
        hearing = None  # a hearing of an earlier round
    return RereviewOpinion(
        **_common(case, unit, event.effective_on),
        review_issuer=review["issuer"], review_date=review["date"], review_number=review["number"],
        requested_on=requested.effective_on if requested else event.effective_on,
        request=readable(requested).get("reason", "") if requested else "",
        findings=record.findings, decision=record.decision, opinion=record.opinion, legal_basis=record.legal_basis,
        hearing_on=hearing.effective_on if hearing else None, redo_unit=_redo_unit(event, record),
    )


BUILDERS: dict[str, Callable[[Case, Event, Unit], Any]] = {
    DocumentKind.FORWARDING: _forwarding,
    DocumentKind.REDIRECT: _redirect,
    DocumentKind.REPEAT_REFUSAL: _repeat_refusal,
    DocumentKind.ACCEPTANCE: _acceptance,
    DocumentKind.EXTENSION: _extension,
    DocumentKind.HANDLING_OPINION: _handling_opinion,
    DocumentKind.REVIEW_OPINION: _review_opinion,
    DocumentKind.REREVIEW_OPINION: _rereview_opinion,
}


def build(kind: str, case: Case, event: Event, issuer: Unit):
    """The notice of ``kind`` reporting ``event``, issued by ``issuer`` (no number yet, no addressee)."""
    return BUILDERS[kind](case, event, issuer)


def supervision_from_case(
    case: Case, *, supervising_unit: Unit, reply_due: dt.date, situation: str, date: dt.date | None = None,
    serial: int | None = None, **overrides,
) -> SupervisionNotice:
    """督办通知 to the unit that holds the case now; the case's current clock is the one chased."""
    from casework.rules.clocks import RULES

    date = date or timezone.localdate()
    rule = RULES.get(case.due_rule)
    notice = SupervisionNotice(
        issuer=supervising_unit.name, date=date,
        number=document_number(supervising_unit.short_name or supervising_unit.name, date.year, serial) if serial else "",
        addressee=case.current_unit.name, case_number=case.number, matter=_matter(case),
        received_on=case.received_on, handling_due=case.due_on,
        handling_rule=f"{_article(rule.article)}规定的{rule.label}" if rule else "",
        situation=situation, reply_due=reply_due, letterhead=supervising_unit.letterhead,
    )
    return dataclasses.replace(notice, **overrides) if overrides else notice
