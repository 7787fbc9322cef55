"""Retention (PIPL Art 19, 47): a closed case kept past ``CASEWORK_RETENTION_DAYS`` loses what identifies anyone.

``case_anonymise`` erases, in one transaction with one event: the people (name, address, phone and their blind
indexes), the attachments (rows, and the files once the transaction commits), the free text (the case's title,
request, facts and reasons, the requests of a reply's outcomes, what a complaint was about in words; the
``EventText`` rows of its events; supervision instructions and answers, recusal and leave-to-handle reasons), and
the content of its issued documents (they are no longer printed; their numbers stay in the register). What stays:
the case number, dates, states, units, category and outcome, so that statistics and the event chain still add up.
The chain verifies: events hold only digests of ``EventText`` (``audit/texts.py``), and an erased text is skipped by
the check. Its event says how much was erased, nothing of what. See docs/decisions/0005-retention.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.audit.chain import event_append
from casework.audit.models import EventText
from casework.documents.models import IssuedDocument
from casework.rules.lifecycle import TERMINAL

from ..actors import Actor
from ..errors import Conflict
from ..models import Attachment, Case, Person, Recusal, RespondentHandling, SupervisionNotice
from .common import acting_on

ANONYMISED = "（已匿名化）"
ANONYMISED_VERB = "anonymise"


@dataclass(frozen=True)
class Erased:
    people: int
    attachments: int
    texts: int
    documents: int


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Cases whose last event is on or before this day are past retention."""
    return (today or timezone.localdate()) - dt.timedelta(days=settings.CASEWORK_RETENTION_DAYS)


def cases_past_retention(today: dt.date | None = None):
    """Closed (terminal) cases not yet anonymised whose last act is older than the retention period."""
    return Case.objects.filter(state__in=[s.value for s in TERMINAL], anonymised_at__isnull=True,
                               last_event_on__lte=retention_cutoff(today)).order_by("pk")


def case_anonymise(*, case_id: int, today: dt.date | None = None) -> Erased:
    """Anonymise one closed case past retention (the retention job, acting as the system)."""
    now = timezone.now()
    with acting_on(Actor.system(), case_id) as (actor, case):
        if case.anonymised_at is not None:
            raise Conflict("该案件已匿名化", "already_anonymised")
        if case.state not in {s.value for s in TERMINAL} or case.last_event_on > retention_cutoff(today):
            raise Conflict("只有办结后超过保存期限的案件可以匿名化", "not_past_retention")
        people = list(Person.objects.filter(case_parties__case=case).distinct())
        for p in people:
            p.name, p.address, p.phone, p.anonymised_at = ANONYMISED, "", "", now
            p.save(update_fields=["name", "address", "phone", "name_index", "phone_index", "anonymised_at"])
        files = [a.file.name for a in Attachment.objects.filter(case=case) if a.file]
        attachments = Attachment.objects.filter(case=case).delete()[0]
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
        texts = EventText.objects.filter(case=case, anonymised_at__isnull=True).update(
            text="", salt="", anonymised_at=now)
        documents = IssuedDocument.objects.filter(case=case).exclude(content=None).update(content=None)
        SupervisionNotice.objects.filter(case=case).update(instruction=ANONYMISED, answer="")
        Recusal.objects.filter(case=case).update(reason=ANONYMISED)
        RespondentHandling.objects.filter(case=case).update(reason=ANONYMISED)
        case.title = case.request = case.facts_reasons = ANONYMISED
        case.respondent_text = ""
        case.request_outcomes = [{**o, "request": ANONYMISED} for o in case.request_outcomes]
        case.anonymised_at = now
        case.save(update_fields=["title", "request", "facts_reasons", "respondent_text", "request_outcomes",
                                 "anonymised_at"])
        erased = Erased(people=len(people), attachments=attachments, texts=texts, documents=documents)
        event_append(jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb=ANONYMISED_VERB,
                     actor_id=None, actor_kind=actor.kind, effective_on=timezone.localdate(),
                     data={"retention_days": settings.CASEWORK_RETENTION_DAYS, **asdict(erased)})
        return erased
