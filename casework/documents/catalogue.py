"""Which documents a case has, and their PDFs: what the workspace and the portal list and serve.

Numbered notices are the case's ``IssuedDocument`` rows, each printed from what it
said when it was issued, with its own number and date. The 登记回执 and each
复查（复核）申请回执 are identified by the case number and built from their event.
Printing is deterministic: the same document gives the same bytes, and a
process keeps the last few it printed.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import reverse

from casework.audit.models import Event
from casework.cases.models import Case
from casework.privacy import keys

from . import from_case
from .layout import notice_fonts
from .models import DocumentKind, IssuedDocument
from .notices import render_notice
from .snapshot import from_content

RECEIPT = "receipt"
REVIEW_RECEIPT_VERBS = {"request_review": ("review-receipt", "信访事项复查申请回执"),
                        "request_rereview": ("rereview-receipt", "信访事项复核申请回执")}
RECEIPT_TITLE = "信访事项登记回执"


def slug(kind: str) -> str:
    return kind.replace("_", "-")


def _document_key(doc: IssuedDocument) -> str:
    return f"{slug(doc.kind)}-{doc.pk}"


def documents_for_case(case: Case, public: bool = False) -> list[dict]:
    """Every document of the case, in the order issued: {key, kind, title, number, issued_on, url}. None once the
    case is anonymised (cases/actions/retention.py): their contents named people and are gone."""
    if case.anonymised_at is not None:
        return []
    name = "portal_document" if public else "case_document"

    def url(key):
        return reverse(name, args=(case.number, key) if public else (case.pk, key))

    out = [{"key": RECEIPT, "kind": RECEIPT, "title": RECEIPT_TITLE, "number": "", "issued_on": case.received_on,
            "order": 0}]
    for e in Event.objects.filter(case=case, verb__in=REVIEW_RECEIPT_VERBS).only("id", "verb", "effective_on"):
        key, title = REVIEW_RECEIPT_VERBS[e.verb]
        out.append({"key": f"{key}-{e.pk}", "kind": key, "title": title, "number": "", "issued_on": e.effective_on,
                    "order": e.pk})
    for doc in IssuedDocument.objects.filter(case=case).only("id", "kind", "number", "issued_on", "event_id"):
        out.append({"key": _document_key(doc), "kind": slug(doc.kind), "title": DocumentKind(doc.kind).label,
                    "number": doc.number, "issued_on": doc.issued_on, "order": doc.event_id or 0})
    out.sort(key=lambda d: (d["order"], d["key"]))
    for d in out:
        d["url"] = url(d["key"])
        del d["order"]
    return out


def challenged_opinion(case: Case) -> dict:
    """The opinion a review (of a replied case) or re-review (of a reviewed one) would challenge."""
    kind = DocumentKind.REVIEW_OPINION if case.state == "reviewed" else DocumentKind.HANDLING_OPINION
    return from_case._challenged(case, None, kind)


RECEIPT_CODES = "receipt_codes"


def remember_receipt_code(request, case: Case, code: str) -> None:
    """Keep the access code for this session only, sealed (casework.privacy.keys), so that the receipt printed
    now can carry it: the session's row holds no code in clear, and the code expires with the session."""
    codes = dict(request.session.get(RECEIPT_CODES, {}))
    codes[str(case.pk)] = keys.seal(code.encode())
    request.session[RECEIPT_CODES] = codes


def receipt_code(request, case: Case) -> str:
    """The code this session registered the case with; "" for any other session, or once the session's age has
    passed (the seal's own time limit, whatever the session store does)."""
    sealed = request.session.get(RECEIPT_CODES, {}).get(str(case.pk), "")
    code = keys.unseal(sealed, ttl=settings.SESSION_COOKIE_AGE) if sealed else None
    return code.decode() if code else ""


def notice_for(case: Case, key: str, *, access_code: str = ""):
    """The notice (a dataclass of notices.py) behind one document key of the case; LookupError if none."""
    if case.anonymised_at is not None:
        raise LookupError(key)
    if key == RECEIPT:
        return from_case.receipt(case, access_code=access_code)
    head, _, tail = key.rpartition("-")
    if not tail.isdigit():
        raise LookupError(key)
    for verb, (receipt_key, _) in REVIEW_RECEIPT_VERBS.items():
        if head == receipt_key:
            event = Event.objects.filter(case=case, verb=verb, pk=int(tail)).first()
            if event is None:
                raise LookupError(key)
            return from_case.review_receipt(case, event)
    doc = IssuedDocument.objects.filter(case=case, pk=int(tail)).select_related("unit", "event").first()
    if doc is None or slug(doc.kind) != head:
        raise LookupError(key)
    return issued_notice(doc, case)


def issued_notice(doc: IssuedDocument, case: Case):
    """An issued document as it was issued: its stored content, or (numbered before contents were stored)
    rebuilt from its event; its own number and date either way, addressed to the case's complainant."""
    if doc.content:
        notice = from_content(doc.content)
    else:
        import dataclasses

        notice = dataclasses.replace(from_case.build(doc.kind, case, doc.event, doc.unit),
                                     number=doc.number, date=doc.issued_on)
    return from_case.with_addressee(notice, case)


def render_for_case(case: Case, key: str, *, access_code: str = "") -> tuple[str, bytes]:
    """(filename, PDF) of one document of the case; LookupError when it does not exist.

    ``access_code`` goes on the registration receipt only, and only from the session that just
    registered the case: the code itself is never stored. Raises ``fonts.FontProblem`` rather than
    print a glyph the fonts lack.
    """
    notice = notice_for(case, key, access_code=access_code)
    try:
        pdf = _pdf(notice, _fonts_key())
    except TypeError:  # a notice holding a list is not hashable: print it without the cache
        pdf = render_notice(notice)
    return f"{case.number}-{key}.pdf", pdf


def _fonts_key() -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(notice_fonts().items()))


@lru_cache(maxsize=32)
def _pdf(notice, fonts: tuple) -> bytes:
    """Printing is deterministic, so a reprint in the same process, with the same fonts, is the bytes
    printed before."""
    return render_notice(notice)
