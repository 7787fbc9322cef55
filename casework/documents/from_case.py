"""Build the notice dataclasses from a case and its events (the thin Django side of notices.py).

Each function reads what the events recorded (see casework/cases/actions/*.py for
each event's ``data``) and returns a dataclass from ``notices``; call
``notices.render_notice(...)`` on it for the PDF. Keyword ``overrides`` replace any
field, for what the events do not hold (e.g. a 复查 opinion's legal basis).

The document number: pass ``serial`` (the unit's next number for the year) to get
``单位简称〔年〕序号号``; without it the notice carries no number. Allocating serials
(a counter per unit and year) is left to the caller.

Mediation agreements are not built here: there is no mediation model yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.utils import timezone

from casework.audit.models import Event
from casework.cases.models import Case, Channel, PartyRole
from casework.organisation.models import Unit

from .notices import (
    ExtensionNotice, ForwardingNotice, HandlingOpinion, RedirectNotice, ReceiptNotice, RereviewOpinion,
    ReviewOpinion, SupervisionNotice, document_number,
)

MATTER_CHARS = 40


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _last(case: Case, verb: str) -> Event | None:
    return Event.objects.filter(case=case, verb=verb).order_by("-id").first()


def _need_event(case: Case, verb: str) -> Event:
    e = _last(case, verb)
    if e is None:
        raise ValueError(f"{case.number}: no {verb} event")
    return e


def _unit(pk) -> Unit | None:
    return Unit.objects.filter(pk=pk).first() if pk else None


def _number(unit: Unit, on: dt.date, serial: int | None) -> str:
    return document_number(unit.short_name or unit.name, on.year, serial) if serial else ""


def _addressee(case: Case) -> tuple[str, bool]:
    """The complainant; for a group, the representatives and the head count (张三、李四等12人)."""
    parties = list(case.parties.select_related("person").order_by("id"))
    names = [p.person.name for p in parties]
    group = case.is_group or any(p.role == PartyRole.REPRESENTATIVE for p in parties)
    if not group:
        return (names[0] if names else ""), False
    return f"{'、'.join(names)}等{max(case.group_size, len(names))}人", True


def _matter(case: Case) -> str:
    return (case.title or case.request)[:MATTER_CHARS]


def _common(case: Case, unit: Unit, date: dt.date | None, serial: int | None) -> dict[str, Any]:
    date = date or timezone.localdate()
    addressee, group = _addressee(case)
    return {
        "issuer": unit.name, "date": date, "number": _number(unit, date, serial), "addressee": addressee,
        "group": group, "case_number": case.number,
    }


def _received_on(case: Case) -> dt.date:
    reg = _last(case, "register")
    return _date(reg.data.get("received_on")) if reg and reg.data.get("received_on") else case.received_on


def _article(article: str) -> str:
    """信访工作条例 第34条 → 《信访工作条例》第34条."""
    return article.replace("信访工作条例 ", "《信访工作条例》").replace("人民调解法 ", "《中华人民共和国人民调解法》")


def _apply(notice, overrides: dict[str, Any]):
    return replace(notice, **overrides) if overrides else notice


def receipt_from_case(
    case: Case, *, access_code: str = "", date: dt.date | None = None, serial: int | None = None, query: str = "",
    **overrides,
) -> ReceiptNotice:
    """登记回执 while registered; 受理告知书 once accepted (the accept event's day)."""
    accept = _last(case, "accept")
    unit = (case.lead_unit or case.current_unit) if accept else case.registered_by
    return _apply(ReceiptNotice(
        **_common(case, unit, date, serial),
        received_on=_received_on(case), registered_on=case.received_on, matter=_matter(case),
        channel=Channel(case.channel).label if case.channel in Channel.values else "",
        access_code=access_code, accepted_on=accept.effective_on if accept else None,
        handling_unit=case.current_unit.name, query=query,
    ), overrides)


def forwarding_from_case(
    case: Case, *, date: dt.date | None = None, serial: int | None = None, **overrides
) -> ForwardingNotice:
    e = _need_event(case, "forward")
    from_unit = _unit(e.data.get("from_unit")) or case.registered_by
    to_unit = _unit(e.data.get("to_unit")) or case.current_unit
    return _apply(ForwardingNotice(
        **_common(case, from_unit, date, serial),
        received_on=_received_on(case), matter=_matter(case), forwarded_on=e.effective_on, to_unit=to_unit.name,
        reason=e.data.get("note", ""),
    ), overrides)


def redirect_from_case(
    case: Case, *, date: dt.date | None = None, serial: int | None = None, next_step: str = "", **overrides
) -> RedirectNotice:
    e = _need_event(case, "redirect")
    route = case.route or (e.after or {}).get("route", "")
    return _apply(RedirectNotice(
        **_common(case, case.current_unit, date, serial),
        received_on=_received_on(case), matter=_matter(case), route=route, reason=e.data.get("reason", ""),
        next_step=next_step,
    ), overrides)


def extension_from_case(
    case: Case, *, date: dt.date | None = None, serial: int | None = None, **overrides
) -> ExtensionNotice:
    """After approve_extension: the reasons asked for, the days granted, the due dates from the clocks."""
    from casework.cases.actions.clocks import clocks_for_case
    from casework.holidays.services import counting, current_calendar
    from casework.rules.clocks import RULES

    accept = _need_event(case, "accept")
    approve = _need_event(case, "approve_extension")
    request = _last(case, "request_extension")
    days = int(approve.data.get("extension_days") or (request.data.get("days") if request else 0) or 0)
    handling = [c for c in clocks_for_case(case) if c.rule.name == "handling"]
    if not handling or handling[-1].due is None:
        raise ValueError(f"{case.number}: no handling clock")
    clock = handling[-1]
    original = RULES["handling"].due(clock.started_on, current_calendar(), counting()).on
    unit = case.lead_unit or case.current_unit
    return _apply(ExtensionNotice(
        **_common(case, unit, date, serial),
        received_on=_received_on(case), matter=_matter(case), accepted_on=accept.effective_on,
        original_due=original, extension_days=days, new_due=clock.due.on,
        reasons=(request.data.get("reason", "") if request else ""),
    ), overrides)


def handling_opinion_from_case(
    case: Case, *, review_body: str, date: dt.date | None = None, serial: int | None = None, **overrides
) -> HandlingOpinion:
    """The 处理意见书 from the reply event (outcome, reasons, opinion, legal_basis) and the case's request."""
    reply = _need_event(case, "reply")
    accept = _last(case, "accept")
    unit = case.lead_unit or case.current_unit
    d = reply.data
    return _apply(HandlingOpinion(
        **_common(case, unit, date or reply.effective_on, serial),
        received_on=_received_on(case), accepted_on=accept.effective_on if accept else None,
        request=case.request, facts_reasons=case.facts_reasons, findings=d.get("reasons", ""),
        outcome=d.get("outcome") or case.outcome, opinion=d.get("opinion", ""),
        legal_basis=d.get("legal_basis", ""), review_body=review_body,
    ), overrides)


def review_opinion_from_case(
    case: Case, *, rereview_body: str, date: dt.date | None = None, serial: int | None = None, **overrides
) -> ReviewOpinion:
    decided = _need_event(case, "decide_review")
    requested = _need_event(case, "request_review")
    reply = _last(case, "reply")
    unit = _unit(requested.data.get("review_unit")) or case.current_unit
    original = case.lead_unit or case.registered_by
    d = decided.data
    return _apply(ReviewOpinion(
        **_common(case, unit, date or decided.effective_on, serial),
        original_issuer=original.name, original_date=reply.effective_on if reply else None,
        requested_on=requested.effective_on, request=requested.data.get("reason", ""),
        findings=d.get("findings") or d.get("reasons") or d.get("opinion", ""), outcome=d.get("outcome", ""),
        opinion=d.get("opinion", ""), legal_basis=d.get("legal_basis", ""), rereview_body=rereview_body,
    ), overrides)


def rereview_opinion_from_case(
    case: Case, *, date: dt.date | None = None, serial: int | None = None, **overrides
) -> RereviewOpinion:
    decided = _need_event(case, "decide_rereview")
    requested = _need_event(case, "request_rereview")
    review_requested = _last(case, "request_review")
    review_decided = _last(case, "decide_review")
    hearing = _last(case, "start_hearing")
    unit = _unit(requested.data.get("rereview_unit")) or case.current_unit
    review_unit = _unit(review_requested.data.get("review_unit")) if review_requested else None
    d = decided.data
    return _apply(RereviewOpinion(
        **_common(case, unit, date or decided.effective_on, serial),
        review_issuer=review_unit.name if review_unit else "",
        review_date=review_decided.effective_on if review_decided else None,
        requested_on=requested.effective_on, request=requested.data.get("reason", ""),
        findings=d.get("findings") or d.get("reasons") or d.get("opinion", ""), outcome=d.get("outcome", ""),
        opinion=d.get("opinion", ""), legal_basis=d.get("legal_basis", ""),
        hearing_on=hearing.effective_on if hearing else None,
    ), overrides)


def supervision_from_case(
    case: Case, *, supervising_unit: Unit, reply_due: dt.date, situation: str, date: dt.date | None = None,
    serial: int | None = None, **overrides,
) -> SupervisionNotice:
    """督办通知 to the unit that holds the case now; the case's current clock is the one chased."""
    from casework.rules.clocks import RULES

    date = date or timezone.localdate()
    rule = RULES.get(case.due_rule)
    return _apply(SupervisionNotice(
        issuer=supervising_unit.name, date=date, number=_number(supervising_unit, date, serial),
        addressee=case.current_unit.name, case_number=case.number, matter=_matter(case),
        received_on=case.received_on, handling_due=case.due_on,
        handling_rule=f"{_article(rule.article)}规定的{rule.label}" if rule else "",
        situation=situation, reply_due=reply_due,
    ), overrides)
