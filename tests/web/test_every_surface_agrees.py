"""Art 30 ¶3 (信访工作条例): 「不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位」.

Issue 12 item 2: what a person may see of a case is answered by one function, ``access.case_view``. This module
asks every surface that shows a case (the case page, the details shown in full on request, the work list and its
search, the CSV export, the JSON API's case, list and timeline, the formal notices) and checks that each shows exactly what ``case_view`` allows, for
every kind of reader the authorization matrix has, including a supervisor who also belongs to the unit complained
about after that unit is deactivated (the disagreement the legal review found) and one whose account is disabled.

What each reader should see is written out by hand in ``EXPECTED``; ``case_view`` must say the same.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from casework.api.models import ApiToken
from casework.cases.access import case_view
from casework.cases.actions import PersonData, case_accept, case_allow_respondent_handling, case_record_step, case_reply
from casework.cases.models import Case
from casework.organisation.models import Membership, Unit
from tests.cases.casekit import REPLY
from tests.conftest import register

NAME, PHONE = "欧阳保密", "13912345678"
REQUEST = "请求查处某所违规收费甲乙丙"  # the title starts with it
NOTE = "走访核实笔记丁戊己"  # a staff note on the timeline

# reader -> (identity, materials); None: the case is not theirs to see at all
EXPECTED: dict[str, tuple[bool, bool] | None] = {
    "handler_a": (True, True),  # the unit handling it
    "supervisor": (True, True),  # 督办 above it
    "police_handler": None,  # the unit complained about, no other link
    "police_supervisor": (False, False),  # 督办 above it, and a member of the unit complained about
    "police_supervisor_unit_closed": (False, False),  # ... after that unit was deactivated
    "police_supervisor_let_handle": (False, True),  # ... after a supervisor let that unit handle it
    "clerk_b": None,  # another township
    "former_handler": None,  # disabled account
}


@pytest.fixture
def case(world) -> Case:
    u, users = world.units, world.users
    User = get_user_model()
    for name in ("police_supervisor", "former_handler"):
        users[name] = User.objects.create_user(name, password="pw-" + name)
    Membership.objects.create(user=users["police_supervisor"], unit=u["county_police"], role="handler")
    Membership.objects.create(user=users["police_supervisor"], unit=u["county_bureau"], role="supervisor")
    Membership.objects.create(user=users["former_handler"], unit=u["town_a_office"], role="handler")
    users["former_handler"].is_active = False
    users["former_handler"].save(update_fields=["is_active"])
    c = register(world, complainants=[PersonData(NAME, "甲镇幸福村3组", PHONE)], request=REQUEST,
                 respondent_unit_ids=[u["county_police"].pk]).case
    case_accept(users["handler_a"], case_id=c.pk)
    case_record_step(users["handler_a"], case_id=c.pk, note=NOTE, kind="contact")
    case_reply(users["handler_a"], case_id=c.pk, **REPLY)
    return Case.objects.get(pk=c.pk)


def _reader(world, case: Case, key: str):
    """The user for a row of EXPECTED, with the world changed as the row says."""
    if key == "police_supervisor_unit_closed":
        Unit.objects.filter(pk=world.units["county_police"].pk).update(is_active=False)
    if key == "police_supervisor_let_handle":
        case_allow_respondent_handling(world.users["supervisor"], case_id=case.pk,
                                       unit_id=world.units["county_police"].pk, reason="该事项只有公安机关有权处理")
    return world.users[key.split("_unit_closed")[0].split("_let_handle")[0]]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode()


@pytest.mark.parametrize("key", EXPECTED)
def test_every_surface_shows_what_case_view_allows_xinfang_art_30_3(world, case, key):
    # given
    user = _reader(world, case, key)
    expected = EXPECTED[key]
    web = Client()
    web.force_login(user)
    _, token = ApiToken.issue(user, "test")
    api = {"headers": {"Authorization": f"Bearer {token}"}}

    # when: every surface is asked
    page = web.get(f"/cases/{case.pk}/")
    listed = web.get("/", {"number": case.number})
    by_name = web.get("/", {"name": NAME})
    exported = web.get("/export.csv", {"number": case.number})
    receipt = web.get(f"/cases/{case.pk}/documents/receipt.pdf")
    revealed = web.post(f"/cases/{case.pk}/identity/")
    api_case = Client().get(f"/api/v1/cases/{case.pk}", **api)
    api_timeline = Client().get(f"/api/v1/cases/{case.pk}/timeline", **api)
    api_list = Client().get("/api/v1/cases", {"number": case.number}, **api)
    api_search = Client().get("/api/v1/cases", {"q": "违规收费甲乙丙"}, **api)

    # then
    if expected is None:
        assert page.status_code in (302, 404) and receipt.status_code in (302, 404)
        assert revealed.status_code in (302, 404)
        assert api_case.status_code in (401, 404) and api_timeline.status_code in (401, 404)
        for response in (listed, by_name, exported, api_list, api_search):
            text = _text(response).replace(f'value="{NAME}"', "")  # the search form repeats what was asked
            assert NAME not in text and "甲乙丙" not in text and f"/cases/{case.pk}/" not in text
        for response in (exported, api_list, api_search):
            assert case.number not in _text(response)
        return
    identity, materials = expected
    view = case_view(user, case)
    assert (view.identity, view.materials) == expected, "case_view disagrees with the table"

    # the case page
    assert page.status_code == 200
    assert (NAME in _text(page)) is identity and ("139****5678" in _text(page)) is identity
    assert PHONE not in _text(page)  # masked until asked for (PIPL Art 51)
    assert ("甲乙丙" in _text(page)) is materials
    assert (NOTE in _text(page)) is view.notes
    # the work list, found by number; and by the complainant's name only where the identity is shown
    assert f"/cases/{case.pk}/" in _text(listed)
    assert ("甲乙丙" in _text(listed)) is view.title
    assert (f"/cases/{case.pk}/" in _text(by_name)) is identity
    # the export
    rows = list(csv.reader(io.StringIO(_text(exported).lstrip("\ufeff"))))
    assert len(rows) == 2 and case.number in rows[1]
    assert any("甲乙丙" in cell for cell in rows[1]) is view.title
    assert not any(NAME in cell for cell in rows[1]) or identity
    # the details in full, on request (an event)
    assert (revealed.status_code == 200 and PHONE in _text(revealed)) is identity
    assert revealed.status_code in (200, 403) and (PHONE in _text(revealed)) is identity
    # the formal notices name the complainant
    assert (receipt.status_code == 200) is view.documents
    # the API
    assert api_case.status_code == 200
    assert (NAME in _text(api_case)) is identity and (PHONE in _text(api_case)) is identity
    assert ("甲乙丙" in _text(api_case)) is materials
    assert api_timeline.status_code == 200 and (NOTE in _text(api_timeline)) is view.notes
    assert case.number in _text(api_list) and ("甲乙丙" in _text(api_list)) is view.title
    assert (case.number in _text(api_search)) is view.title
