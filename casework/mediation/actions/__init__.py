"""Every business verb on a dispute: one function, one transaction, one event (``common.record`` writes it)."""

from .agreement import (
    dispute_agree_orally, dispute_draft_agreement, dispute_record_performance, dispute_sign_agreement,
)
from .clocks import confirmation_window, disputes_recompute_confirmation
from .mediate import (
    dispute_assign_mediator, dispute_change_mediator, dispute_declare_conflict, dispute_end_by_party,
    dispute_escalate, dispute_fail, dispute_record_session,
)
from .register import PartyData, dispute_record_party_details, dispute_register

__all__ = [
    "PartyData", "confirmation_window", "dispute_agree_orally", "dispute_assign_mediator", "dispute_change_mediator",
    "dispute_declare_conflict", "dispute_draft_agreement", "dispute_end_by_party", "dispute_escalate", "dispute_fail",
    "dispute_record_party_details", "dispute_record_performance", "dispute_record_session", "dispute_register",
    "dispute_sign_agreement", "disputes_recompute_confirmation",
]
