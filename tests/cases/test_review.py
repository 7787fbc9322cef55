"""Review and re-review (信访工作条例 Art 35, 36; RULES.md §0): 「上一级」, requests on paper, decisions, redo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casekit import REPLY, UPHELD, complainant, counts, drive, last_event, register
from casework.audit.texts import readable
from casework.cases.actions import (
    case_decide_review, case_order_redo, case_reply, case_request_rereview, case_request_review, review_intake_lookup,
)
from casework.cases.errors import Conflict, Forbidden, InvalidInput, NotFound
from casework.cases.models import Case, CaseUnit
from casework.cases.review_bodies import review_bodies
from casework.documents.models import IssuedDocument
from casework.organisation.higher import higher_bodies
from casework.organisation.models import Membership
from casework.organisation.services import unit_create

D = dt.date
REDO = {k: v for k, v in UPHELD.items() if k != "decision"} | {"findings": "原办理单位未到现场核实。",
                                                              "opinion": "责令重新调查核实后出具处理意见。"}


def refused(call, error, case):
    before, rows = Case.objects.get(pk=case.pk), counts()
    with pytest.raises(error) as err:
        call()
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.current_unit_id, after.last_event_on) == (before.state, before.current_unit_id,
                                                                          before.last_event_on)
    assert counts() == rows
    return err.value


# -- 「上一级」 (Art 35, RULES.md §0) ---------------------------------------------------------------


@pytest.fixture
def city_housing(world):
    return unit_create(name="A市住房和城乡建设局", kind="department", jurisdiction=world.jurisdictions["city"],
                       sector="住房和城乡建设")


def test_a_county_department_answers_to_the_county_government_or_the_city_department_of_its_sector_xinfang_art_35(
        world, city_housing):
    """RULES.md §0: 「a county 住建局 → the county government or the city 住建局」, the government first; a
    city department of another sector is not above it."""
    unit_create(name="A市公安局", kind="department", jurisdiction=world.jurisdictions["city"], sector="公安")
    assert [u.name for u in higher_bodies(world.units["county_housing"])] == ["东县人民政府", "A市住房和城乡建设局"]
    assert [u.name for u in higher_bodies(world.units["county_bureau"])] == ["东县人民政府", "A市信访局"]


def test_a_township_answers_to_the_county_government_xinfang_art_35(world, city_housing):
    """RULES.md §0: 「for a township, the county government」 — not the county 信访局, not the city."""
    assert [u.name for u in higher_bodies(world.units["town_a_office"])] == ["东县人民政府"]


def test_a_government_answers_to_the_government_one_level_up_xinfang_art_36(world):
    assert [u.name for u in higher_bodies(world.units["county_gov"])] == ["A市人民政府"]
    assert higher_bodies(world.units["city_bureau"])[0].name == "A市人民政府"


def test_an_inactive_body_and_a_body_complained_about_are_not_offered_xinfang_art_30_3_35(world, city_housing):
    case = drive(world, "accepted", respondent_unit_ids=[world.units["county_gov"].pk])
    case_reply(world.users["handler_a"], case_id=case.pk, **REPLY)
    case = Case.objects.get(pk=case.pk)
    assert review_bodies(case) == []  # its only 「上一级」 is complained about
    city_housing.is_active = False
    city_housing.save()
    assert [u.name for u in higher_bodies(world.units["county_housing"])] == ["东县人民政府"]


def test_the_review_action_accepts_exactly_the_bodies_the_rule_returns_xinfang_art_35(world, city_housing):
    """A county department's reply: its government and its sector's city department are accepted, the county
    信访局 (not above it) and the city 信访局 (another sector) are refused, with the bodies named."""
    case = register(world).case
    from casework.cases.actions import case_accept, case_forward

    case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=world.units["county_housing"].pk)
    case_accept(world.users["housing_handler"], case_id=case.pk)
    case_reply(world.users["housing_handler"], case_id=case.pk, **REPLY)
    case = Case.objects.get(pk=case.pk)
    assert {u.pk for u in review_bodies(case)} == {world.units["county_gov"].pk, city_housing.pk}
    for wrong in ("county_bureau", "city_bureau", "town_b_office"):
        err = refused(lambda: case_request_review(complainant(case), case_id=case.pk, reason="不服",
                                                  review_unit_id=world.units[wrong].pk), InvalidInput, case)
        assert err.field == "review_unit_id" and "东县人民政府、A市住房和城乡建设局" in err.message
        assert "第三十五条" in err.message
    case_request_review(complainant(case), case_id=case.pk, review_unit_id=city_housing.pk, reason="不服")
    assert Case.objects.get(pk=case.pk).current_unit_id == city_housing.pk


def test_the_handling_opinion_names_a_body_the_review_action_accepts_xinfang_art_35(world, city_housing):
    case = drive(world, "replied")
    doc = IssuedDocument.objects.get(case=case, kind="handling_opinion")
    assert doc.content["review_body"] in {u.name for u in review_bodies(case)}


# -- a request that comes by letter or visit (issue 12 item 7) --------------------------------------


def test_the_review_bodys_clerk_finds_the_case_by_number_and_sees_only_what_the_review_needs_xinfang_art_35(world):
    case = drive(world, "replied")
    found = review_intake_lookup(world.users["gov_clerk"], number=case.number)
    assert found.case.pk == case.pk and found.action == "request_review" and found.stage_label == "复查"
    assert found.complainants == ["张三"] and found.units == [world.units["county_gov"]]
    assert found.challenged["issuer"] == "甲镇信访办" and found.challenged["number"].startswith("甲镇信访办处字〔")
    assert found.window_ends == case.due_on
    for who in ("clerk_b", "city_gov_clerk", "county_clerk", "handler_a"):  # not a clerk of a review body
        with pytest.raises(NotFound):
            review_intake_lookup(world.users[who], number=case.number)
    with pytest.raises(NotFound):  # a case that cannot be asked about now: nothing is said
        review_intake_lookup(world.users["gov_clerk"], number=drive(world, "accepted").number)


def test_the_review_bodys_clerk_registers_a_request_that_came_by_letter_xinfang_art_35(world):
    """Art 35: the request reaches the higher body; its clerk registers it on the day it was received: the case
    comes to that body, and the review clock runs from that day."""
    case = drive(world, "replied", on=timezone.localdate() - dt.timedelta(days=10))
    received = timezone.localdate() - dt.timedelta(days=2)
    case_request_review(world.users["gov_clerk"], number=case.number, review_unit_id=world.units["county_gov"].pk,
                        reason="来信：不服处理意见，请求复查。", on=received)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.current_unit) == ("review", world.units["county_gov"])
    assert CaseUnit.objects.filter(case=case, unit=world.units["county_gov"], relation="review").exists()
    e = last_event(case)
    assert (e.verb, e.actor_id, e.effective_on, e.data["review_unit"]) == (
        "request_review", world.users["gov_clerk"].pk, received, world.units["county_gov"].pk)
    assert case.due_rule == "review_decision"


def test_the_clerk_of_the_unit_that_replied_cannot_register_the_review_request_xinfang_art_35(world):
    """The request goes to the body above; the lower unit's clerk holds no role for it."""
    case = drive(world, "replied")
    refused(lambda: case_request_review(world.users["clerk_a"], case_id=case.pk, reason="不服",
                                        review_unit_id=world.units["county_gov"].pk), Forbidden, case)


def test_a_review_bodys_clerk_reaches_no_case_it_may_not_take_xinfang_art_35(world):
    """Outside the window, for another body's case, or naming another body: NotFound or refused, nothing written."""
    late = drive(world, "replied", on=timezone.localdate() - dt.timedelta(days=80))
    refused(lambda: case_request_review(world.users["gov_clerk"], case_id=late.pk, reason="不服",
                                        review_unit_id=world.units["county_gov"].pk), InvalidInput, late)
    case = drive(world, "replied")
    refused(lambda: case_request_review(world.users["city_gov_clerk"], case_id=case.pk, reason="不服",
                                        review_unit_id=world.units["city_gov"].pk), NotFound, case)
    accepted = drive(world, "accepted")
    refused(lambda: case_request_review(world.users["gov_clerk"], case_id=accepted.pk, reason="不服",
                                        review_unit_id=world.units["county_gov"].pk), NotFound, accepted)


def test_a_rereview_request_on_paper_goes_to_the_city_governments_clerk_xinfang_art_36_1(world):
    case = drive(world, "reviewed")
    found = review_intake_lookup(world.users["city_gov_clerk"], number=case.number)
    assert found.action == "request_rereview" and found.challenged["issuer"] == "东县人民政府"
    case_request_rereview(world.users["city_gov_clerk"], number=case.number, rereview_unit_id=world.units["city_gov"].pk,
                          reason="来访：不服复查意见。")
    assert Case.objects.get(pk=case.pk).current_unit == world.units["city_gov"]


def test_the_review_request_page_for_a_letter_or_a_visit(client, world):
    """The review body's clerk finds the case by number, sees the complainant and the opinion challenged but
    no materials, and registers the request; another number shows nothing."""
    case = drive(world, "replied")
    client.force_login(world.users["gov_clerk"])
    assert client.get("/review-requests/").status_code == 200
    page = client.get("/review-requests/", {"number": case.number}).content.decode()
    assert 'data-testid="review-intake-case"' in page and "张三" in page and "甲镇信访办" in page
    assert case.facts_reasons not in page and "甲镇幸福村3组" not in page  # only what the review needs
    missing = client.get("/review-requests/", {"number": "NO-SUCH-1"})
    assert missing.status_code == 404 and "NO-SUCH-1" in missing.content.decode()
    empty = client.post("/review-requests/", {"number": case.number, "unit_id": world.units["county_gov"].pk,
                                              "reason": ""})
    assert empty.status_code == 400 and Case.objects.get(pk=case.pk).state == "replied"
    done = client.post("/review-requests/", {"number": case.number, "unit_id": world.units["county_gov"].pk,
                                             "reason": "来信请求复查"})
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.get(pk=case.pk).state == "review"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "信访事项复查申请回执" in page


# -- decisions and redo ----------------------------------------------------------------------------


def test_the_case_keeps_the_replys_outcome_beside_the_review_decision_xinfang_art_32_35(world):
    case = drive(world, "review")
    case_decide_review(world.users["gov_official"], case_id=case.pk, **{**UPHELD, "decision": "revoke"})
    case = Case.objects.get(pk=case.pk)
    assert (case.outcome, case.review_decision) == ("explained", "revoke")
    e = last_event(case)
    assert {k: readable(e)[k] for k in ("decision", "findings", "opinion", "legal_basis")} == {**UPHELD, "decision": "revoke"}
    assert e.data["unit"] == world.units["county_gov"].pk


def test_an_order_to_redo_sends_the_matter_back_to_the_unit_that_replied_xinfang_art_35(world):
    """RULES.md §0 责令重新处理: back to 甲镇信访办 (handling again, its clock anew); the order is written as a
    复查意见书; the new reply is a new 处理意见书 and opens the review window again."""
    case = drive(world, "review")
    case_order_redo(world.users["gov_handler"], case_id=case.pk, **REDO)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.current_unit, case.review_decision) == ("accepted", world.units["town_a_office"], "redo")
    assert case.due_rule == "handling" and case.outcome == "explained"
    order = IssuedDocument.objects.get(case=case, kind="review_opinion")
    assert order.unit == world.units["county_gov"] and order.content["decision"] == "redo"
    assert order.content["redo_unit"] == "甲镇信访办" and order.content["rereview_body"] == ""
    case_reply(world.users["handler_a"], case_id=case.pk, received_on=timezone.localdate(),
               **{**REPLY, "outcome": "supported"})  # delivered in person: the new window runs (Art 35)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.outcome, case.due_rule) == ("replied", "supported", "review_request")
    assert IssuedDocument.objects.filter(case=case, kind="handling_opinion").count() == 2
    case_request_review(complainant(case), case_id=case.pk, review_unit_id=world.units["county_gov"].pk, reason="仍不服")
    assert Case.objects.get(pk=case.pk).state == "review"


def test_an_order_to_redo_needs_findings_the_order_and_its_legal_basis_and_the_review_bodys_staff_xinfang_art_35(world):
    case = drive(world, "review")
    for missing in ("findings", "opinion", "legal_basis"):
        refused(lambda: case_order_redo(world.users["gov_handler"], case_id=case.pk, **{**REDO, missing: " "}),
                InvalidInput, case)
    refused(lambda: case_order_redo(world.users["handler_a"], case_id=case.pk, **REDO), Forbidden, case)
    replied = drive(world, "replied")
    refused(lambda: case_order_redo(world.users["handler_a"], case_id=replied.pk, **REDO), Conflict, replied)


def test_a_rereview_body_may_order_a_redo_too_xinfang_art_36(world):
    case = drive(world, "rereview")
    case_order_redo(world.users["city_gov_handler"], case_id=case.pk, **REDO)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.current_unit, case.rereview_decision, case.review_decision) == (
        "accepted", world.units["town_a_office"], "redo", "uphold")
    assert IssuedDocument.objects.filter(case=case, kind="rereview_opinion", unit=world.units["city_gov"]).exists()


def test_a_review_decided_by_a_member_of_another_unit_is_forbidden(world):
    Membership.objects.create(user=world.users["housing_handler"], unit=world.units["county_housing"], role="intake_clerk")
    case = drive(world, "review")
    refused(lambda: case_decide_review(world.users["housing_handler"], case_id=case.pk, **UPHELD), NotFound, case)
