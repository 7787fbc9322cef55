"""Every business verb on a grievance case: one function, one transaction, one event.

Views, the API, commands and the deadline job all call these; nothing else
writes a case's state.
"""

from .clocks import case_refresh_clocks, cases_recompute_clocks, clocks_for_case
from .common import access_code_matches, case_by_code
from .handling import (
    case_accept, case_approve_extension, case_assign, case_record_delivery, case_record_step, case_refuse_extension, case_reply,
    case_request_extension,
)
from .intake import (
    PersonData, Registered, case_decide_objection, case_forward, case_merge, case_object, case_record_withdrawal, case_recuse,
    case_redirect, case_refuse_repeat, case_register, case_withdraw,
)
from .identity import case_identity_reveal
from .respondents import case_allow_respondent_handling, case_set_respondents
from .supervision import supervision_answer, supervision_issue
from .review import (
    ReviewIntake, case_decide_rereview, case_decide_review, case_end_hearing, case_expire_window, case_order_redo,
    case_rate, case_request_rereview, case_request_review, case_start_hearing, cases_close_expired_windows,
    review_intake_lookup,
)

__all__ = [
    "PersonData", "Registered", "access_code_matches", "case_by_code", "case_accept", "case_identity_reveal", "case_allow_respondent_handling",
    "case_set_respondents", "case_approve_extension", "case_assign",
    "case_decide_rereview", "case_decide_review", "case_end_hearing", "case_expire_window", "case_forward",
    "case_merge", "case_object", "case_order_redo", "ReviewIntake", "review_intake_lookup", "case_rate",
    "case_record_step", "case_record_withdrawal", "case_recuse", "case_redirect", "case_refresh_clocks",
    "case_refuse_extension", "case_register", "case_reply", "case_request_extension", "case_request_rereview",
    "case_request_review", "case_start_hearing", "case_withdraw", "cases_close_expired_windows",
    "cases_recompute_clocks", "case_decide_objection", "case_record_delivery", "case_refuse_repeat", "clocks_for_case", "supervision_answer", "supervision_issue",
]
