"""Answers the API renders without validating them again (present.shaped) have exactly the declared shape.

The registration's answer and the case list are shaped in ``casework.api.present`` and rendered
as they are: nothing drops a key the schema does not declare, so these hold the shapes to the
schemas key for key, in the plain and the withheld (Art 30 ¶3) form.
"""

from casework.api import schemas as S
from casework.organisation.models import Membership

from tests.api.test_cases_api import BASE, body


def assert_shape(value: dict, schema) -> None:
    assert set(value) == set(schema.model_fields), (sorted(value), sorted(schema.model_fields))
    schema.model_validate(value)  # types, as the operation would have checked them


def assert_case_shape(case: dict, schema=S.CaseOut) -> None:
    assert_shape(case, schema)
    for person in case["complainants"] or []:
        assert_shape(person, S.PartyOut)
    assert_shape(case["current_unit"], S.UnitRef)


def test_registration_answer_has_the_declared_shape_plain_and_withheld(world, api_as):
    clerk = api_as("clerk_a")
    plain = clerk.post(f"{BASE}/cases", body(world), key="plain")
    assert plain.status_code == 201, plain.content
    assert_case_shape(plain.json(), S.RegisteredOut)
    assert plain.json()["complainants"][0]["name"] == "李四"
    again = clerk.post(f"{BASE}/cases", body(world), key="plain")  # the recorded answer, replayed
    assert again.status_code == 201 and again.json() == plain.json()

    Membership.objects.create(user=world.clerk_a, unit=world.county_police, role="handler")
    withheld = api_as("clerk_a").post(f"{BASE}/cases", body(world, respondent_unit_ids=[world.county_police.pk]))
    assert withheld.status_code == 201, withheld.content
    assert_case_shape(withheld.json(), S.RegisteredOut)
    assert withheld.json()["complainants"] is None and withheld.json()["request"] is None


def test_case_list_page_has_the_declared_shape_plain_and_withheld(world, api_as):
    clerk = api_as("clerk_a")
    for b in (body(world), body(world, respondent_unit_ids=[world.county_police.pk])):
        assert clerk.post(f"{BASE}/cases", b).status_code == 201
    Membership.objects.create(user=world.clerk_a, unit=world.county_police, role="handler")

    r = api_as("clerk_a").get(f"{BASE}/cases", limit=1)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    page = r.json()
    assert_shape(page, S.CasePage)
    assert page["next_cursor"]
    rest = api_as("clerk_a").get(f"{BASE}/cases", cursor=page["next_cursor"]).json()
    items = page["items"] + rest["items"]
    assert len(items) == 2
    for item in items:
        assert_case_shape(item)
    assert [i["complainants"] is None for i in items] == [True, False]  # newest first: the complaint about police
