"""Which form and which action function serve each lifecycle action in the staff UI.

The workspace shows, for the person looking, exactly the actions the lifecycle
table offers them on the case (``selectors.offered_actions``: its state, their
roles, the case's preconditions); this module only says how to ask for the
inputs and whom to call. Each form narrows its choices to the case (``for_case``).
A review or re-review request is not among them: the complainant makes it on the
portal, and one that comes on paper is registered by the review body's intake
clerk on the review-request page (``review_intake.py``), where that body's role is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from casework.cases import actions as A
from casework.cases.access import case_get

from . import forms as F


@dataclass(frozen=True)
class ActionUI:
    form: type
    call: Callable  # (user, case, cleaned_data) -> None
    danger: bool = False


def _pk(obj):
    return obj.pk if obj is not None else None


def _merge(user, case, d):
    target = case_get(user, number=d["into_number"].strip())
    A.case_merge(user, case_id=case.pk, into_case_id=target.pk, on=d.get("on"))


def _refuse_repeat(user, case, d):
    final = case_get(user, number=d["final_number"].strip())
    A.case_refuse_repeat(user, case_id=case.pk, final_case_id=final.pk, reason=d["reason"], on=d.get("on"))


ACTIONS: dict[str, ActionUI] = {
    "set_respondents": ActionUI(F.RespondentsForm, lambda u, c, d: A.case_set_respondents(
        u, case_id=c.pk, unit_ids=[x.pk for x in d["unit_ids"]], official_ids=[x.pk for x in d["official_ids"]],
        respondent_text=d["respondent_text"], reason=d["reason"], on=d.get("on"))),
    "allow_respondent_handling": ActionUI(F.AllowRespondentHandlingForm, lambda u, c, d: A.case_allow_respondent_handling(
        u, case_id=c.pk, unit_id=d["unit_id"].pk, reason=d["reason"], on=d.get("on"))),
    "forward": ActionUI(F.ForwardForm, lambda u, c, d: A.case_forward(
        u, case_id=c.pk, to_unit_id=d["to_unit_id"].pk, note=d["note"], on=d.get("on"))),
    "accept": ActionUI(F.AcceptForm, lambda u, c, d: A.case_accept(
        u, case_id=c.pk, accountable_official_id=_pk(d.get("accountable_official_id")), note=d["note"], on=d.get("on"))),
    "object": ActionUI(F.ObjectionForm, lambda u, c, d: A.case_object(u, case_id=c.pk, reason=d["reason"], on=d.get("on"))),
    "agree_objection": ActionUI(F.ObjectionDecisionForm, lambda u, c, d: A.case_decide_objection(
        u, case_id=c.pk, agree=True, reason=d["reason"], on=d.get("on"))),
    "refuse_objection": ActionUI(F.ObjectionDecisionForm, lambda u, c, d: A.case_decide_objection(
        u, case_id=c.pk, agree=False, reason=d["reason"], on=d.get("on"))),
    "redirect": ActionUI(F.RedirectForm, lambda u, c, d: A.case_redirect(
        u, case_id=c.pk, route=d["route"], reason=d["reason"], body=d["body"], on=d.get("on"))),
    "refuse_repeat": ActionUI(F.RepeatRefusalForm, _refuse_repeat, danger=True),
    "assign": ActionUI(F.AssignForm, lambda u, c, d: A.case_assign(
        u, case_id=c.pk, lead_unit_id=_pk(d.get("lead_unit_id")),
        accountable_official_id=_pk(d.get("accountable_official_id")),
        co_unit_ids=[x.pk for x in d.get("co_unit_ids") or []], on=d.get("on"))),
    "record_step": ActionUI(F.StepForm, lambda u, c, d: A.case_record_step(
        u, case_id=c.pk, note=d["note"], kind=d["kind"], on=d.get("on"))),
    "request_extension": ActionUI(F.ExtensionRequestForm, lambda u, c, d: A.case_request_extension(
        u, case_id=c.pk, days=d["days"], reason=d["reason"], on=d.get("on"))),
    "approve_extension": ActionUI(F.ExtensionApproveForm, lambda u, c, d: A.case_approve_extension(
        u, case_id=c.pk, days=d.get("days"), on=d.get("on"))),
    "refuse_extension": ActionUI(F.ExtensionRefuseForm, lambda u, c, d: A.case_refuse_extension(
        u, case_id=c.pk, reason=d["reason"], on=d.get("on")), danger=True),
    "reply": ActionUI(F.ReplyForm, lambda u, c, d: A.case_reply(
        u, case_id=c.pk, outcome=d["outcome"], outcomes=d["outcomes"], reasons=d["reasons"], opinion=d["opinion"],
        legal_basis=d["legal_basis"], received_on=d.get("received_on"), on=d.get("on"))),
    "record_delivery": ActionUI(F.DeliveryForm, lambda u, c, d: A.case_record_delivery(
        u, case_id=c.pk, received_on=d["received_on"], manner=d["manner"], on=d.get("on"))),
    "decide_review": ActionUI(F.DecideReviewForm, lambda u, c, d: A.case_decide_review(
        u, case_id=c.pk, decision=d["decision"], findings=d["findings"], opinion=d["opinion"],
        legal_basis=d["legal_basis"], received_on=d.get("received_on"), on=d.get("on"))),
    "start_hearing": ActionUI(F.HearingStartForm, lambda u, c, d: A.case_start_hearing(u, case_id=c.pk, note=d["note"], on=d.get("on"))),
    "end_hearing": ActionUI(F.HearingEndForm, lambda u, c, d: A.case_end_hearing(u, case_id=c.pk, note=d["note"], on=d.get("on"))),
    "decide_rereview": ActionUI(F.DecisionForm, lambda u, c, d: A.case_decide_rereview(
        u, case_id=c.pk, decision=d["decision"], findings=d["findings"], opinion=d["opinion"],
        legal_basis=d["legal_basis"], on=d.get("on"))),
    "order_redo": ActionUI(F.OrderRedoForm, lambda u, c, d: A.case_order_redo(
        u, case_id=c.pk, findings=d["findings"], opinion=d["opinion"], legal_basis=d["legal_basis"],
        on=d.get("on"))),
    # Withdrawal is the complainant's act (on the portal); staff record one made by a signed letter.
    "record_withdrawal": ActionUI(F.WithdrawalLetterForm, lambda u, c, d: A.case_record_withdrawal(
        u, case_id=c.pk, reason=d["reason"], letter=d["letter"], on=d.get("on")), danger=True),
    "merge": ActionUI(F.MergeForm, _merge, danger=True),
}


def make_form(action: str, case, data=None, files=None):
    return ACTIONS[action].form(data, files, prefix=action, case=case)
