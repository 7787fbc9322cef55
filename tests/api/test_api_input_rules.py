"""The API refuses what the forms refuse, with the same reasons: texts over their limits (HTTP 422 naming
the field and the limit), the representatives of a group visit (Art 20 ¶3); and it registers what the
law registers: letters signed by many, matters without a clear name or address (Art 22 ¶1, 23 ¶2);
withdrawal is recorded only from the complainant's signed letter."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import limits
from casework.cases.models import Attachment, Case, CaseParty
from casework.rules.intake import MAX_REPRESENTATIVES
from tests.api.test_cases_api import BASE, body
from tests.cases.casekit import case_row, counts
from tests.conftest import register


def persons(n):
    return [{"name": f"村民{i}", "address": f"甲镇东村{i}号"} for i in range(n)]


@pytest.mark.parametrize("field, limit, over", [
    ("request", limits.REQUEST, lambda t: {"request": t}),
    ("facts_reasons", limits.FACTS_REASONS, lambda t: {"facts_reasons": t}),
    ("title", limits.TITLE, lambda t: {"title": t}),
    ("complainants.0.name", limits.COMPLAINANT_NAME, lambda t: {"complainants": [{"name": t, "address": "甲镇"}]}),
])
def test_an_over_long_text_is_a_422_naming_the_field_and_the_limit_and_writes_nothing(world, api_as, field, limit, over):
    text = "长" * (limit.max_length + 1012)
    before = counts()
    r = api_as("clerk_a").post(f"{BASE}/cases", body(world, **over(text)))
    assert r.status_code == 422, r.content.decode()
    err = r.json()
    assert err["code"] == "too_long" and err["field"].endswith(field)
    assert err["message"] == f"{limit.label}不得超过 {limit.max_length} 字（现有 {len(text)} 字）"
    assert counts() == before


def test_an_over_long_reason_of_an_action_is_a_422_and_changes_nothing(world, api_as):
    case = register(world).case
    text = "长" * (limits.REDIRECT_REASON.max_length + 1)
    row = case_row(case)
    r = api_as("clerk_a").post(f"{BASE}/cases/{case.pk}/redirect", {"route": "litigation", "reason": text})
    assert r.status_code == 422 and r.json()["message"] == limits.REDIRECT_REASON.message(len(text))
    assert case_row(case) == row


def test_six_representatives_of_a_group_visit_are_refused_with_the_article_xinfang_art_20_3(world, api_as):
    before = counts()
    r = api_as("clerk_a").post(f"{BASE}/cases", body(world, channel="visit", group_size=40,
                                                      complainants=persons(MAX_REPRESENTATIVES + 1)))
    assert r.status_code == 400
    assert (r.json()["message"], r.json()["field"]) == (
        f"代表人不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条第三款）", "complainants")
    assert counts() == before


def test_a_letter_signed_by_many_is_registered_with_every_signatory_xinfang_art_20_3(world, api_as):
    r = api_as("clerk_a").post(f"{BASE}/cases", body(world, channel="letter", complainants=persons(9)))
    assert r.status_code == 201, r.content.decode()
    assert CaseParty.objects.filter(case_id=r.json()["id"]).count() == 9


@pytest.mark.parametrize("complainants", [[{"name": "", "address": ""}], [{"name": "张三"}], []],
                         ids=["blank", "no-address", "nobody"])
def test_a_matter_without_a_clear_name_or_address_is_registered_without_notice_clock_xinfang_art_22_23(
        world, api_as, complainants):
    r = api_as("clerk_a").post(f"{BASE}/cases", body(world, complainants=complainants))
    assert r.status_code == 201, r.content.decode()
    assert (r.json()["state"], r.json()["due_on"], r.json()["due_rule"]) == ("registered", None, "")
    clocks = api_as("clerk_a").get(f"{BASE}/cases/{r.json()['id']}/timeline").json()["clocks"]
    assert [(c["rule"], c["state"], c["due_on"]) for c in clocks] == [("receipt_notice", "not_applicable", None)]


# -- withdrawal ------------------------------------------------------------------------------------


def test_the_api_has_no_withdrawal_on_staffs_word_xinfang_art_19(world, api_as):
    case = register(world).case
    r = api_as("clerk_a").post(f"{BASE}/cases/{case.pk}/withdraw", {"reason": "电话里说不办了"})
    assert r.status_code == 404
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_the_api_records_a_withdrawal_from_the_signed_letter_with_its_scan_xinfang_art_19(world, api_as):
    case = register(world).case
    api = api_as("clerk_a")
    row, before = case_row(case), counts()
    refused = api.client.post(f"{BASE}/cases/{case.pk}/record-withdrawal", {"reason": "来信撤回"}, headers=api.headers)
    assert refused.status_code == 400 and "撤回书" in refused.json()["message"]
    assert case_row(case) == row and counts() == before
    scan = SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    done = api.client.post(f"{BASE}/cases/{case.pk}/record-withdrawal", {"reason": "来信撤回", "letter": scan},
                           headers=api.headers)
    assert done.status_code == 200, done.content.decode()
    assert done.json()["state"] == "closed" and Attachment.objects.filter(case=case).count() == 1
