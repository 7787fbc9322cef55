"""Issuing a document: its number from the counter, its date the day of the act, its content kept.

``document_issue`` is general (issuing unit + kind + subject, a case or a dispute)
and runs inside the caller's transaction; ``issue_for_event`` is what
``case_transition`` calls after every act, and issues the notice the act calls for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from casework.organisation.models import Unit

from .layout import document_number
from .models import KIND_CODES, DocumentCounter, DocumentKind, IssuedDocument
from .snapshot import to_content

# The notice each act calls for (信访工作条例 Art 22, 23, 28, 31, 32, 34, 35, 36, 36 ¶3).
KIND_OF_VERB = {
    "forward": DocumentKind.FORWARDING,
    "redirect": DocumentKind.REDIRECT,
    "refuse_repeat": DocumentKind.REPEAT_REFUSAL,
    "accept": DocumentKind.ACCEPTANCE,
    "approve_extension": DocumentKind.EXTENSION,
    "reply": DocumentKind.HANDLING_OPINION,
    "decide_review": DocumentKind.REVIEW_OPINION,
    "decide_rereview": DocumentKind.REREVIEW_OPINION,
}


def kind_for_event(event) -> str | None:
    if event.verb == "order_redo":
        return DocumentKind.REREVIEW_OPINION if (event.data or {}).get("stage") == "rereview" else DocumentKind.REVIEW_OPINION
    return KIND_OF_VERB.get(event.verb)


def next_serial(unit: Unit, kind: str, year: int) -> int:
    """The unit's next number of this kind in this year. The counter row stays locked until the caller
    commits, so two documents never share a number and numbers have no gaps."""
    counters = DocumentCounter.objects.filter(unit=unit, kind=kind, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(unit=unit, kind=kind, year=year, last=1)
            return 1
        except IntegrityError:  # another transaction created it first: take the next after theirs
            counters.update(last=F("last") + 1)
    return counters.values_list("last", flat=True).get()


def document_issue(*, unit: Unit, kind: str, on: dt.date, notice=None, case=None, dispute=None, event=None,
                   jurisdiction_id: int | None = None) -> IssuedDocument:
    """Issue one document of ``kind`` by ``unit`` dated ``on`` about a case or a dispute.

    ``notice`` (a dataclass of ``notices.py``) is what it says; it is stored with the number and date
    given here. Must run inside the transaction of the act it reports.
    """
    assert transaction.get_connection().in_atomic_block, "a document is issued inside the act's transaction"
    if (case is None) == (dispute is None):
        raise ValueError("a document is about one case or one dispute")
    serial = next_serial(unit, kind, on.year)
    number = document_number(f"{unit.short_name or unit.name}{KIND_CODES[kind]}", on.year, serial)
    content = to_content(dataclasses.replace(notice, number=number, date=on)) if notice is not None else None
    subject = case if case is not None else dispute
    return IssuedDocument.objects.create(
        jurisdiction_id=jurisdiction_id or subject.jurisdiction_id, unit=unit, kind=kind, year=on.year,
        serial=serial, number=number, issued_on=on, case=case, dispute=dispute, event=event, content=content,
    )


def issue_for_event(case, event) -> IssuedDocument | None:
    """The notice this act of the case calls for, issued now; None when it calls for none."""
    kind = kind_for_event(event)
    if kind is None:
        return None
    from .from_case import build, issuer_of

    unit = issuer_of(case, event)
    notice = build(kind, case, event, unit)
    return document_issue(unit=unit, kind=kind, on=event.effective_on, notice=notice, case=case, event=event)
