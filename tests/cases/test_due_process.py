"""Due process through the real actions and the real database (issue 12 items 5, 8, 9, 13, 15, 16).

Each test cites the article it implements; refusals go through ``refused`` (every table as it was).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone

from casekit import REPLY, drive, last_event, refused, register
from casework.audit.texts import readable
from casework.cases.actions import (
    case_accept,
    case_approve_extension,
    case_decide_objection,
    case_forward,
    case_merge,
    case_object,
    case_record_delivery,
    case_redirect,
    case_refuse_repeat,
    case_reply,
    case_request_extension,
    case_request_review,
    cases_close_expired_windows,
)
from casework.cases.actors import Actor
from casework.cases.errors import Conflict, Forbidden, InvalidInput
from casework.cases.models import Case
from casework.documents.catalogue import documents_for_case, render_for_case
from casework.documents.models import IssuedDocument

D = dt.date


def today() -> dt.date:
    return timezone.localdate()


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")


def notice_text(case: Case, kind: str) -> str:
    doc = next(d for d in documents_for_case(case) if d["kind"] == kind)
    _, pdf = render_for_case(case, doc["key"])
    return pdf_text(pdf)


def replied(world, on: dt.date) -> Case:
    case = drive(world, "accepted", on=on)
    case_reply(world.users["handler_a"], case_id=case.pk, on=on, **REPLY)
    return Case.objects.get(pk=case.pk)


# -- item 5: the review window runs from delivery (Art 35) -----------------------------------------------------


def test_the_deadline_job_never_closes_a_reply_whose_delivery_is_unrecorded_xinfang_art_35(world):
    """Art 35 「自收到书面答复之日起30日内」: replied 90 days ago, never recorded as delivered: nothing runs, the job
    leaves it open; a reply delivered 90 days ago is closed."""
    # given
    undelivered = replied(world, today() - dt.timedelta(days=90))
    delivered = drive(world, "replied", on=today() - dt.timedelta(days=90))
    # when
    closed = cases_close_expired_windows()
    # then
    assert closed == 1
    assert Case.objects.get(pk=undelivered.pk).state == "replied"
    assert Case.objects.get(pk=delivered.pk).state == "closed"
    assert (Case.objects.get(pk=undelivered.pk).due_on, Case.objects.get(pk=undelivered.pk).due_rule) == (None, "")


def test_recording_delivery_later_starts_the_window_from_the_day_received_xinfang_art_35(world):
    """Art 35: replied 1 June 2026, posted and received 8 June, recorded on 12 June: the window runs to 8 July;
    one event records the day and the manner, and the complainant may ask for review until then."""
    # given
    case = replied(world, D(2026, 6, 1))
    # when
    case_record_delivery(world.users["clerk_a"], case_id=case.pk, received_on=D(2026, 6, 8), manner="post",
                         on=D(2026, 6, 12))
    # then
    case = Case.objects.get(pk=case.pk)
    assert (case.reply_received_on, case.reply_delivery) == (D(2026, 6, 8), "post")
    assert (case.due_rule, case.due_on) == ("review_request", D(2026, 7, 8))
    event = last_event(case)
    assert (event.verb, event.effective_on, event.data["received_on"], event.data["manner"]) == (
        "record_delivery", D(2026, 6, 12), "2026-06-08", "post")


def test_a_delivery_before_the_reply_twice_or_by_the_complainant_is_refused_xinfang_art_35(world):
    """Art 35: the day is on or after the reply, recorded once, by staff of the unit holding the case."""
    case = replied(world, D(2026, 6, 1))
    handler = world.users["handler_a"]
    refused(lambda: case_record_delivery(handler, case_id=case.pk, received_on=D(2026, 5, 30), manner="post",
                                         on=D(2026, 6, 12)), InvalidInput, case)
    refused(lambda: case_record_delivery(handler, case_id=case.pk, received_on=D(2026, 6, 3), manner="fax",
                                         on=D(2026, 6, 12)), InvalidInput, case)
    refused(lambda: case_record_delivery(Actor.complainant(case.pk), case_id=case.pk, received_on=D(2026, 6, 3),
                                         manner="post", on=D(2026, 6, 12)), Forbidden, case)
    case_record_delivery(handler, case_id=case.pk, received_on=D(2026, 6, 3), manner="electronic", on=D(2026, 6, 12))
    refused(lambda: case_record_delivery(handler, case_id=case.pk, received_on=D(2026, 6, 4), manner="post",
                                         on=D(2026, 6, 12)), InvalidInput, case)


def test_review_may_be_asked_before_delivery_is_recorded_xinfang_art_35(world):
    """Art 35: the window has not begun, so it has not passed: the complainant's request is taken."""
    case = replied(world, today() - dt.timedelta(days=60))
    case_request_review(Actor.complainant(case.pk), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                        reason="不服处理意见")
    assert Case.objects.get(pk=case.pk).state == "review"


# -- item 13: an extension only before the handling period ends (Art 34) -------------------------------------


def test_an_extension_after_the_handling_period_is_refused_and_the_reply_is_late_xinfang_art_34(world):
    """Art 34: accepted 1 June 2026, the period ends 31 July. An approval on 3 August is refused and changes
    nothing; the reply on 10 August is late."""
    # given a request made in time
    case = drive(world, "accepted", on=D(2026, 6, 1))
    case_request_extension(world.users["handler_a"], case_id=case.pk, days=20, reason="需现场勘查", on=D(2026, 7, 20))
    case = Case.objects.get(pk=case.pk)
    # when the head approves after the period
    err = refused(lambda: case_approve_extension(world.users["official_a"], case_id=case.pk, on=D(2026, 8, 3)),
                  InvalidInput, case)
    # then
    assert "2026-07-31" in err.message and "第三十四条" in err.message
    case_reply(world.users["handler_a"], case_id=case.pk, on=D(2026, 8, 10), **REPLY)
    assert Case.objects.get(pk=case.pk).replied_on_time is False


def test_an_extension_approved_on_the_last_day_counts_xinfang_art_34(world):
    case = drive(world, "accepted", on=D(2026, 6, 1))
    case_request_extension(world.users["handler_a"], case_id=case.pk, days=20, reason="需现场勘查", on=D(2026, 7, 20))
    case_approve_extension(world.users["official_a"], case_id=case.pk, on=D(2026, 7, 31))
    case_reply(world.users["handler_a"], case_id=case.pk, on=D(2026, 8, 10), **REPLY)
    assert Case.objects.get(pk=case.pk).replied_on_time is True


# -- item 8: merge only into a matter still being handled (Art 19 ¶3) --------------------------------------------


@pytest.mark.parametrize("state", ["replied", "review", "final"])
def test_a_letter_about_an_answered_matter_is_not_merged_xinfang_art_19_3(world, state):
    """Art 19 ¶3 covers a matter 「已经受理或者正在办理」; after the reply the letter is a review request or a new
    matter, and the refusal says so, beside the field, changing nothing."""
    first = drive(world, state)
    letter = register(world).case
    err = refused(lambda: case_merge(world.users["clerk_a"], case_id=letter.pk, into_case_id=first.pk),
                  InvalidInput, letter, first)
    assert err.field == "into_case_id" and "复查申请" in err.message and "新的信访事项" in err.message


def test_a_letter_about_a_matter_in_handling_is_merged_xinfang_art_19_3(world):
    first = drive(world, "accepted")
    letter = register(world).case
    case_merge(world.users["clerk_a"], case_id=letter.pk, into_case_id=first.pk)
    assert (Case.objects.get(pk=letter.pk).state, Case.objects.get(pk=letter.pk).merged_into_id) == ("closed", first.pk)


# -- item 9: not accepted again after re-review (Art 36 ¶3) ---------------------------------------------------


def test_a_repeat_of_a_finally_decided_matter_is_refused_with_a_notice_xinfang_art_36_3(world):
    """Art 36 ¶3: the same facts and reasons, after the re-review opinion: 不予受理, with a notice naming the earlier
    case and its re-review opinion (number and date), and its legal basis."""
    # given
    final = drive(world, "final")
    opinion = IssuedDocument.objects.get(case=final, kind="rereview_opinion")
    again = register(world).case
    # when
    case_refuse_repeat(world.users["clerk_a"], case_id=again.pk, final_case_id=final.pk,
                       reason="所提请求与原信访事项的事实和理由相同")
    # then
    again = Case.objects.get(pk=again.pk)
    assert (again.state, again.repeat_of_id) == ("closed", final.pk)
    assert readable(last_event(again))["reason"] == "所提请求与原信访事项的事实和理由相同"
    doc = IssuedDocument.objects.get(case=again, kind="repeat_refusal")
    assert "不受字" in doc.number
    text = notice_text(again, "repeat-refusal")
    for part in ("信访事项不予受理告知书", final.number, opinion.number, "第三十六条第三款", "不予受理"):
        assert part in text, part


def test_a_repeat_of_a_matter_not_yet_final_is_not_refused_xinfang_art_36_3(world):
    """Art 36 ¶3 applies only after the re-review opinion: before it the matter has its review routes."""
    reviewed = drive(world, "reviewed")
    again = register(world).case
    err = refused(lambda: case_refuse_repeat(world.users["clerk_a"], case_id=again.pk, final_case_id=reviewed.pk,
                                             reason="相同"), InvalidInput, again, reviewed)
    assert "尚未复核终结" in err.message


# -- item 15: an objection takes effect when the sending body agrees (Art 23 ¶3) -------------------------------


def test_an_agreed_objection_returns_the_matter_and_keeps_the_first_receipts_clock_xinfang_art_23_3(world):
    """Art 23 ¶3 (RULES.md §0 「核实同意」): registered 1 Sep 2026, forwarded 3 Sep, objected 8 Sep; the sending
    office agrees on 9 Sep. Its 15 days still run from 1 Sep (to 16 Sep), not from the return."""
    # given
    case = register(world, received_on=D(2026, 9, 1)).case
    case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=world.units["county_housing"].pk,
                 on=D(2026, 9, 3))
    case_object(world.users["housing_handler"], case_id=case.pk, reason="不属本局职责", on=D(2026, 9, 8))
    objected = Case.objects.get(pk=case.pk)
    assert (objected.state, objected.current_unit_id) == ("objected", world.units["town_a_office"].pk)
    # the receiving unit may not take it back meanwhile; the sender decides
    refused(lambda: case_decide_objection(world.users["housing_handler"], case_id=case.pk, agree=False,
                                          reason="收回异议", on=D(2026, 9, 9)), Forbidden, objected)
    # when
    case_decide_objection(world.users["clerk_a"], case_id=case.pk, agree=True, reason="核实属实", on=D(2026, 9, 9))
    # then
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.current_unit_id) == ("registered", world.units["town_a_office"].pk)
    assert (case.duty_rule, case.duty_due_on) == ("receipt_notice", D(2026, 9, 16))


def test_a_refused_objection_leaves_the_matter_with_the_receiving_unit_xinfang_art_23_3(world):
    """Art 23 ¶3: the objection does not take effect; the matter is back with the receiving unit, whose 15 days
    from its receipt (3 Sep → 18 Sep) ran all along."""
    case = register(world, received_on=D(2026, 9, 1)).case
    case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=world.units["county_housing"].pk,
                 on=D(2026, 9, 3))
    case_object(world.users["housing_handler"], case_id=case.pk, reason="不属本局职责", on=D(2026, 9, 8))
    objected = Case.objects.get(pk=case.pk)
    refused(lambda: case_decide_objection(world.users["clerk_a"], case_id=case.pk, agree=False, reason="  ",
                                          on=D(2026, 9, 9)), InvalidInput, objected)
    case_decide_objection(world.users["handler_a"], case_id=case.pk, agree=False, reason="属住建局法定职责",
                          on=D(2026, 9, 9))
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.current_unit_id) == ("forwarded", world.units["county_housing"].pk)
    assert (case.duty_rule, case.duty_due_on) == ("receipt_notice", D(2026, 9, 18))
    case_accept(world.users["housing_handler"], case_id=case.pk, on=D(2026, 9, 10))


def test_a_deciding_on_an_objection_that_was_not_made_is_refused_xinfang_art_23_3(world):
    case = drive(world, "forwarded")
    refused(lambda: case_decide_objection(world.users["clerk_a"], case_id=case.pk, agree=True, reason="同意"),
            Conflict, case)


# -- item 16: 检举控告 to the 纪检监察机关 (Art 22 ¶2) and requests that an organ do its duty (Art 31(5)) ----------


def test_an_accusation_goes_to_the_discipline_body_with_its_notice_xinfang_art_22_2(world):
    """Art 22 ¶2: accusations against officials go to the 纪检监察机关; the notice names it, says the matter
    leaves the 信访 procedure, and that the reporter's materials never reach the person reported (Art 30 ¶3)."""
    case = register(world).case
    case_redirect(world.users["clerk_a"], case_id=case.pk, route="accusation", body="东县纪委监委",
                  reason="反映村干部违纪问题，属检举控告")
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.route) == ("redirected", "accusation")
    text = notice_text(case, "redirect")
    for part in ("检举控告", "东县纪委监委", "第二十二条第二款", "第三十条第三款"):
        assert part in text, part


def test_a_request_that_an_organ_do_its_duty_is_for_that_organ_with_its_notice_xinfang_art_31_5(world):
    """Art 31(5): a request that an organ perform its statutory duty is performed or answered by that organ."""
    case = register(world).case
    refused(lambda: case_redirect(world.users["clerk_a"], case_id=case.pk, route="duty", reason="请求查处违建"),
            InvalidInput, case)
    case_redirect(world.users["clerk_a"], case_id=case.pk, route="duty", body="东县住房和城乡建设局",
                  reason="请求住建局依法查处违法建设")
    text = notice_text(Case.objects.get(pk=case.pk), "redirect")
    for part in ("依法履行法定职责", "东县住房和城乡建设局", "第三十一条第五项", "履行职责或者予以答复"):
        assert part in text, part
