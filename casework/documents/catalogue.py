"""Which notices a case has, and their PDFs: what the workspace and the portal list and serve.

A notice exists once the event it reports exists; it is rendered on request from
that event, so it always says what the record says. Its serial number is the
event's place among the same notices of its jurisdiction and year, so rendering
it again gives the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse

from casework.audit.models import Event
from casework.cases.models import Case
from casework.organisation.models import Unit, UnitKind

from . import from_case
from .notices import render_notice


@dataclass(frozen=True)
class Kind:
    verb: str  # the event it reports
    title: str
    build: Callable  # (case, serial) -> notice dataclass
    public: bool = True  # shown to the complainant on the portal


def _review_body(case: Case) -> str:
    """Where review is asked (Art 35): the petition office one level above the unit that replied."""
    unit = case.lead_unit or case.current_unit
    ancestors = [int(p) for p in unit.jurisdiction.path.strip("/").split("/") if p][:-1]
    above = (Unit.objects.filter(jurisdiction_id__in=ancestors, kind=UnitKind.PETITION_OFFICE, is_active=True)
             .order_by("-jurisdiction__path").first())
    return above.name if above else "上一级行政机关"


KINDS: dict[str, Kind] = {
    "receipt": Kind("register", "登记回执", lambda c, s: from_case.receipt_from_case(c, serial=s)),
    "forwarding": Kind("forward", "转送告知书", lambda c, s: from_case.forwarding_from_case(c, serial=s)),
    "redirect": Kind("redirect", "告知书（其他法定途径）", lambda c, s: from_case.redirect_from_case(c, serial=s)),
    "extension": Kind("approve_extension", "延期办理告知书", lambda c, s: from_case.extension_from_case(c, serial=s)),
    "handling-opinion": Kind("reply", "信访事项处理意见书",
                             lambda c, s: from_case.handling_opinion_from_case(c, serial=s, review_body=_review_body(c))),
    "review-opinion": Kind("decide_review", "信访事项复查意见书",
                           lambda c, s: from_case.review_opinion_from_case(c, serial=s, rereview_body=_review_body(c))),
    "rereview-opinion": Kind("decide_rereview", "信访事项复核意见书",
                             lambda c, s: from_case.rereview_opinion_from_case(c, serial=s)),
}


def _serial(event: Event) -> int:
    return Event.objects.filter(
        jurisdiction_id=event.jurisdiction_id, verb=event.verb, effective_on__year=event.effective_on.year,
        seq__lte=event.seq,
    ).count()


RECEIPT_CODES = "receipt_codes"


def remember_receipt_code(request, case: Case, code: str) -> None:
    """Keep the access code in this session only, so that the receipt printed now can carry it."""
    codes = dict(request.session.get(RECEIPT_CODES, {}))
    codes[str(case.pk)] = code
    request.session[RECEIPT_CODES] = codes


def receipt_code(request, case: Case) -> str:
    return request.session.get(RECEIPT_CODES, {}).get(str(case.pk), "")


def documents_for_case(case: Case, public: bool = False) -> list[dict]:
    verbs = set(Event.objects.filter(case=case).values_list("verb", flat=True))
    out = []
    for key, kind in KINDS.items():
        if kind.verb in verbs and (kind.public or not public):
            name = "portal_document" if public else "case_document"
            args = (case.number, key) if public else (case.pk, key)
            out.append({"kind": key, "title": kind.title, "url": reverse(name, args=args)})
    return out


def render_for_case(case: Case, key: str, *, access_code: str = "") -> tuple[str, bytes]:
    """(filename, PDF) of one notice of the case; KeyError / LookupError when it does not exist.

    ``access_code`` goes on the receipt only, and only from the session that just
    registered the case: the code itself is never stored.
    """
    kind = KINDS[key]
    event = Event.objects.filter(case=case, verb=kind.verb).order_by("-id").first()
    if event is None:
        raise LookupError(key)
    notice = kind.build(case, _serial(event))
    if key == "receipt" and access_code:
        from dataclasses import replace

        notice = replace(notice, access_code=access_code)
    pdf = render_notice(notice)
    return f"{case.number}-{key}.pdf", pdf
