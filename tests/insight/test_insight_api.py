"""The insight endpoints of the JSON API: the same answers as the panels, through the same scope."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from casework.cases.actions import PersonData
from casework.cases.models import Case
from tests.api.conftest import api_as  # noqa: F401 (fixture)
from tests.conftest import register
from tests.insight.test_insight_product import closed_cases, fresh_index  # noqa: F401 (fixtures)

ROAD = "A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。"


def test_case_insight_gives_categories_and_related_cases(world, api_as):
    closed_cases(world)
    call_command("train_router", "--no-progress", "--no-evaluate")
    earlier = register(world, request="维修洞井路", facts_reasons=ROAD).case
    case = register(world, request="再次请求维修洞井路", facts_reasons=ROAD + "上次反映后仍未维修。").case
    r = api_as("clerk_a").get(f"/api/v1/cases/{case.pk}/insight")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["suggestions"]["model_version"] == 1
    assert [c["category"] for c in body["suggestions"]["categories"]][0] == "城乡建设"
    assert len(body["suggestions"]["categories"]) == 3
    assert [x["number"] for x in body["related"]] == [earlier.number]
    assert body["related"][0]["can_merge_into"] and body["related"][0]["shared_phrases"]


def test_draft_insight_for_a_message_not_yet_registered(world, api_as):
    earlier = register(world, complainants=[PersonData(name="李四", address="甲镇", phone="13911112222")]).case
    r = api_as("clerk_a").post("/api/v1/insight", {"unit_id": world.town_a_office.pk, "phones": ["13911112222"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["suggestions"] == {"model_version": None, "categories": []}
    assert body["related"][0]["number"] == earlier.number and body["related"][0]["same_person"]


@pytest.mark.parametrize("body, status", [
    ({"unit_id": 987654}, 400),
    ({"unit_id": "x"}, 422),
    ({"unit_id": 0, "facts_reasons": "x" * 20001}, 422),
    ({"unit_id": 0, "phones": ["1\x003"]}, 422),
    ({"unit_id": 0, "phones": ["1"] * 6}, 422),
    ({"unit_id": 0, "surprise": 1}, 422),
])
def test_draft_insight_refuses_bad_input_clearly(world, api_as, body, status):
    if body.get("unit_id") == 0:
        body["unit_id"] = world.town_a_office.pk
    r = api_as("clerk_a").post("/api/v1/insight", body)
    assert r.status_code == status and r.json()["message"]
    assert Case.objects.count() == 0


def test_draft_insight_is_for_the_units_intake_clerks(world, api_as):
    r = api_as("housing_handler").post("/api/v1/insight", {"unit_id": world.town_a_office.pk, "facts_reasons": ROAD})
    assert r.status_code == 403


def test_case_insight_follows_the_scope_xinfang_art_30_3(world, api_as):
    case = register(world, respondent_unit_ids=[world.county_bureau.pk], facts_reasons=ROAD).case
    assert api_as("clerk_b").get(f"/api/v1/cases/{case.pk}/insight").status_code == 404  # cannot see it
    r = api_as("supervisor").get(f"/api/v1/cases/{case.pk}/insight")  # sees it, but is the unit complained about
    assert r.status_code == 403 and "被投诉单位" in r.json()["message"]
