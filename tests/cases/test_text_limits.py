"""Every text an action takes is held to its limit in ``casework/limits.py``: refused, never cut short.

The refusal names the field and the limit and says how long the text is (「投诉请求不得超过
5000 字（现有 6012 字）」); nothing is written. A text exactly at the limit is kept whole.
"""

from __future__ import annotations

import pytest

from casekit import REPLY, UPHELD, complainant, drive, last_event, refused, register
from casework import limits
from casework.audit.texts import readable
from casework.cases.actions import (
    PersonData, case_accept, case_decide_rereview, case_decide_review, case_end_hearing, case_forward,
    case_object, case_rate, case_record_step, case_record_withdrawal, case_recuse, case_redirect, case_reply,
    case_request_extension, case_request_rereview, case_request_review, case_start_hearing, case_withdraw,
    supervision_answer, supervision_issue,
)
from casework.cases.errors import TooLong
from casework.cases.models import Case


def over(limit: limits.TextLimit) -> str:
    return "长" * (limit.max_length + 1)


def _letter():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed")


# (name, state the case is in, the limit, the call with the text)
CALLS = [
    ("request", None, limits.REQUEST, lambda w, c, t: register(w, request=t)),
    ("facts_reasons", None, limits.FACTS_REASONS, lambda w, c, t: register(w, facts_reasons=t)),
    ("title", None, limits.TITLE, lambda w, c, t: register(w, title=t)),
    ("category", None, limits.CATEGORY, lambda w, c, t: register(w, category=t)),
    ("respondent_text", None, limits.RESPONDENT_TEXT, lambda w, c, t: register(w, respondent_text=t)),
    ("complainants.0.name", None, limits.COMPLAINANT_NAME,
     lambda w, c, t: register(w, complainants=[PersonData(t, "甲镇")])),
    ("complainants.0.address", None, limits.COMPLAINANT_ADDRESS,
     lambda w, c, t: register(w, complainants=[PersonData("张三", t)])),
    ("complainants.0.phone", None, limits.PHONE,
     lambda w, c, t: register(w, complainants=[PersonData("张三", "甲镇", t)])),
    ("note", "registered", limits.FORWARD_NOTE,
     lambda w, c, t: case_forward(w.clerk_a, case_id=c.pk, to_unit_id=w.county_housing.pk, note=t)),
    ("reason", "forwarded", limits.OBJECTION_REASON, lambda w, c, t: case_object(w.housing_handler, case_id=c.pk, reason=t)),
    ("reason", "registered", limits.REDIRECT_REASON,
     lambda w, c, t: case_redirect(w.clerk_a, case_id=c.pk, route="litigation", reason=t)),
    ("note", "registered", limits.ACCEPT_NOTE, lambda w, c, t: case_accept(w.handler_a, case_id=c.pk, note=t)),
    ("note", "accepted", limits.STEP_NOTE, lambda w, c, t: case_record_step(w.handler_a, case_id=c.pk, note=t)),
    ("reason", "accepted", limits.EXTENSION_REASON,
     lambda w, c, t: case_request_extension(w.handler_a, case_id=c.pk, days=10, reason=t)),
    ("reasons", "accepted", limits.REPLY_REASONS,
     lambda w, c, t: case_reply(w.handler_a, case_id=c.pk, **{**REPLY, "reasons": t})),
    ("opinion", "accepted", limits.REPLY_OPINION,
     lambda w, c, t: case_reply(w.handler_a, case_id=c.pk, **{**REPLY, "opinion": t})),
    ("legal_basis", "accepted", limits.LEGAL_BASIS,
     lambda w, c, t: case_reply(w.handler_a, case_id=c.pk, **{**REPLY, "legal_basis": t})),
    ("reason", "replied", limits.REVIEW_REQUEST,
     lambda w, c, t: case_request_review(complainant(c), case_id=c.pk, review_unit_id=w.county_gov.pk, reason=t)),
    ("findings", "review", limits.DECISION_FINDINGS,
     lambda w, c, t: case_decide_review(w.gov_handler, case_id=c.pk, **{**UPHELD, "findings": t})),
    ("opinion", "review", limits.REVIEW_OPINION,
     lambda w, c, t: case_decide_review(w.gov_handler, case_id=c.pk, **{**UPHELD, "opinion": t})),
    ("legal_basis", "review", limits.LEGAL_BASIS,
     lambda w, c, t: case_decide_review(w.gov_handler, case_id=c.pk, **{**UPHELD, "legal_basis": t})),
    ("reason", "reviewed", limits.REREVIEW_REQUEST,
     lambda w, c, t: case_request_rereview(complainant(c), case_id=c.pk, rereview_unit_id=w.city_gov.pk, reason=t)),
    ("note", "rereview", limits.HEARING_NOTE,
     lambda w, c, t: case_start_hearing(w.city_gov_handler, case_id=c.pk, note=t)),
    ("note", "hearing", limits.HEARING_CONCLUSION,
     lambda w, c, t: case_end_hearing(w.city_gov_handler, case_id=c.pk, note=t)),
    ("opinion", "rereview", limits.REREVIEW_OPINION,
     lambda w, c, t: case_decide_rereview(w.city_gov_handler, case_id=c.pk, **{**UPHELD, "opinion": t})),
    ("reason", "accepted", limits.WITHDRAWAL_STATEMENT, lambda w, c, t: case_withdraw(complainant(c), case_id=c.pk, reason=t)),
    ("reason", "accepted", limits.WITHDRAWAL_STATEMENT,
     lambda w, c, t: case_record_withdrawal(w.clerk_a, case_id=c.pk, reason=t, letter=_letter())),
    ("comment", "replied", limits.RATING_COMMENT,
     lambda w, c, t: case_rate(complainant(c), case_id=c.pk, satisfaction="satisfied", comment=t)),
    ("reason", "accepted", limits.RECUSAL_REASON, lambda w, c, t: case_recuse(w.handler_a, case_id=c.pk, reason=t)),
    ("instruction", "accepted", limits.SUPERVISION_INSTRUCTION,
     lambda w, c, t: supervision_issue(w.supervisor, case_id=c.pk, instruction=t, days=5)),
]
IDS = [f"{i:02d}-{name}" for i, (name, *_) in enumerate(CALLS)]


@pytest.mark.parametrize("field, state, limit, call", CALLS, ids=IDS)
def test_a_text_over_its_limit_is_refused_naming_the_field_and_the_limit(world, media_root, field, state, limit, call):
    # given
    case = drive(world, state) if state else None
    text = over(limit)
    # when
    err = refused(lambda: call(world, case, text), TooLong, *([case] if case else []))
    # then
    assert err.message == f"{limit.label}不得超过 {limit.max_length} 字（现有 {len(text)} 字）"
    assert (err.code, err.field, err.status) == ("too_long", field, 422)


@pytest.mark.parametrize("field, state, limit, call", CALLS, ids=IDS)
def test_a_text_at_its_limit_is_kept_whole(world, media_root, field, state, limit, call):
    case = drive(world, state) if state else None
    text = "满" * limit.max_length
    result = call(world, case, text)
    if case is None:  # a registration: the text is in the case or its person
        stored = Case.objects.get(pk=result.case.pk)
        party = stored.parties.get().person
        assert text in {stored.request, stored.facts_reasons, stored.title, stored.category, stored.respondent_text,
                        party.name, party.address, party.phone}
    elif field == "instruction":
        assert result.instruction == text
    else:
        assert text in readable(last_event(case)).values()


def test_the_answer_to_a_supervision_notice_is_held_to_its_limit(world):
    case = drive(world, "accepted")
    notice = supervision_issue(world.supervisor, case_id=case.pk, instruction="请加快办理", days=5)
    err = refused(lambda: supervision_answer(world.handler_a, notice_id=notice.pk, answer=over(limits.SUPERVISION_ANSWER)),
                  TooLong, case)
    assert err.message.startswith(f"办理情况不得超过 {limits.SUPERVISION_ANSWER.max_length} 字")
