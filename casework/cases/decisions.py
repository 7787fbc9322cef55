"""Replies (Art 32) and review decisions (Art 35, 36) as their events recorded them, old payloads included.

Events are immutable (hash chain), and their payloads changed over time: replies
once carried the outcome ``partly``, review events an Art 32-style outcome and no
findings or legal basis. These readers give every caller one typed shape, whatever
the event's age (docs/decisions/0001-art-32-outcomes.md says how old values read).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.audit.texts import readable

from casework.rules.lifecycle import LEGACY_REVIEW_DECISIONS, ReviewDecision, outcome_of

REVIEW_VERBS = {"decide_review": "review", "decide_rereview": "rereview"}

# What an old review event's notice cites when the event holds no legal basis: the articles the
# review was taken under (the only basis the record proves).
LEGACY_LEGAL_BASIS = {"review": "《信访工作条例》第三十五条", "rereview": "《信访工作条例》第三十六条"}


@dataclass(frozen=True)
class RequestOutcome:
    request: str  # "" when the reply gave one outcome to the matter as a whole
    outcome: str  # an Outcome value, or "partly" in a reply issued before the three of Art 32 were enforced


@dataclass(frozen=True)
class ReplyRecord:
    """A 处理意见书 as issued (Art 32)."""

    on: dt.date
    outcomes: tuple[RequestOutcome, ...]
    reasons: str  # the facts as found (事实和理由)
    opinion: str
    legal_basis: str
    unit_id: int | None  # the unit that issued it (None in events older than the field)

    @property
    def outcome(self) -> str:
        """The one outcome of the reply, or "" when its requests were answered differently."""
        values = {o.outcome for o in self.outcomes}
        return values.pop() if len(values) == 1 else ""


@dataclass(frozen=True)
class DecisionRecord:
    """A 复查 (Art 35) or 复核 (Art 36) body's written decision, or its order to redo (``decision`` redo)."""

    stage: str  # "review" or "rereview"
    on: dt.date
    decision: ReviewDecision
    findings: str  # 认定的事实和理由 ("" in events older than the field)
    opinion: str
    legal_basis: str
    unit_id: int | None
    legacy: bool = False  # read from an event written before review decisions existed


def reply_record(event) -> ReplyRecord:
    d = readable(event)
    if d.get("outcomes"):
        outcomes = tuple(RequestOutcome(str(o.get("request", "")), str(o.get("outcome", ""))) for o in d["outcomes"])
    else:
        outcomes = (RequestOutcome("", str(d.get("outcome", ""))),)
    return ReplyRecord(
        on=event.effective_on, outcomes=outcomes, reasons=d.get("reasons", ""), opinion=d.get("opinion", ""),
        legal_basis=d.get("legal_basis", ""), unit_id=d.get("unit"),
    )


def decision_record(event, stage: str | None = None) -> DecisionRecord:
    """The decision an event records: ``decide_review``, ``decide_rereview`` or ``order_redo`` (then ``stage``
    comes from its data)."""
    d = readable(event)
    stage = stage or REVIEW_VERBS.get(event.verb) or d.get("stage", "review")
    if event.verb == "order_redo":
        decision, legacy = ReviewDecision.REDO, False
    elif d.get("decision") in set(ReviewDecision):
        decision, legacy = ReviewDecision(d["decision"]), False
    else:
        decision, legacy = LEGACY_REVIEW_DECISIONS.get(d.get("outcome", ""), ReviewDecision.UPHOLD), True
    return DecisionRecord(
        stage=stage, on=event.effective_on, decision=decision, findings=d.get("findings", ""),
        opinion=d.get("opinion", ""), legal_basis=d.get("legal_basis") or (LEGACY_LEGAL_BASIS[stage] if legacy else ""),
        unit_id=d.get("unit"), legacy=legacy,
    )


def current_outcome(value: str) -> str:
    """A stored outcome as one of the three of Art 32 ("" stays "")."""
    found = outcome_of(value)
    return found.value if found else ""
