"""Bad input (issue 13, "Bad input"): SQL and HTML in every text field are stored as text and shown escaped,
never a 5xx; a line break aimed at a response header is neutralised; an over-long field is refused with a
reason naming the field and its limit, and nothing is written.

The texts are what a complainant gives under 信访工作条例 Art 19 (name, address, request, facts and
reasons); the limits are casework/limits.py's.
"""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework import limits
from casework.api.models import ApiToken
from casework.audit.models import Event
from casework.cases.models import Attachment, Case, Person
from casework.portal.forms import SubmitForm
from tests.conftest import register

# short enough for the shortest field with its name in front ("phone:" + 34 within 联系电话's 40)
SQL = "'; DROP TABLE cases_case; --"
HTML = "<script>alert(1)</script>"
ATTRIBUTE = "\"><img src=x onerror=alert(2)>"
HOSTILE = [SQL, HTML, ATTRIBUTE]

# the text fields each surface takes, with their limits
PORTAL_TEXTS = {"name": limits.COMPLAINANT_NAME, "address": limits.COMPLAINANT_ADDRESS, "phone": limits.PHONE,
                "request": limits.REQUEST, "facts_reasons": limits.FACTS_REASONS,
                "respondent_text": limits.RESPONDENT_TEXT}
API_TEXTS = {"title": limits.TITLE, "request": limits.REQUEST, "facts_reasons": limits.FACTS_REASONS,
             "category": limits.CATEGORY, "respondent_text": limits.RESPONDENT_TEXT}
API_PERSON_TEXTS = {"name": limits.COMPLAINANT_NAME, "address": limits.COMPLAINANT_ADDRESS, "phone": limits.PHONE}


def counts() -> tuple[int, int, int, int]:
    return Case.objects.count(), Person.objects.count(), Event.objects.count(), Attachment.objects.count()


def portal_form(world, **texts) -> dict:
    return {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号", "request": "请求清理垃圾",
            "facts_reasons": "垃圾堆放一月未清", **texts}


def api_client(world) -> Client:
    _, token = ApiToken.issue(world.users["clerk_a"], "relay")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def api_body(world, person=None, **texts) -> dict:
    return {"unit_id": world.town_a_office.pk, "channel": "web",
            "complainants": [{"name": "李四", "address": "甲镇和平村5组", "phone": "13900000000", **(person or {})}],
            "request": "请求解决小区噪音问题", "facts_reasons": "夜间施工扰民已三个月。", **texts}


def assert_escaped(page: str, hostile: str, *, shown: bool = True) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape(hostile) in page or not shown  # the text is there, as text (Django escapes as html.escape does)


def staff_page(world, case: Case) -> str:
    staff = Client()
    staff.force_login(world.users["clerk_a"])
    response = staff.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# -- SQL and HTML: stored as text, shown escaped -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_sql_and_html_in_every_text_field_of_the_portal_are_stored_as_text_and_shown_escaped_xinfang_art_19(
        world, hostile):
    citizen = Client()
    form = portal_form(world, **{field: f"{field}:{hostile}" for field in PORTAL_TEXTS})
    response = citizen.post("/portal/submit/", form)
    assert response.status_code == 200, response.content.decode()[:500]
    case = Case.objects.get()
    person = Person.objects.get()
    assert (person.name, person.address, person.phone) == (
        f"name:{hostile}", f"address:{hostile}", f"phone:{hostile}")
    assert (case.request, case.facts_reasons, case.respondent_text) == (
        f"request:{hostile}", f"facts_reasons:{hostile}", f"respondent_text:{hostile}")
    assert_escaped(response.content.decode(), hostile, shown=False)  # the receipt names none of the texts
    case_page = citizen.get(f"/portal/case/{case.number}/")
    assert case_page.status_code == 200
    assert_escaped(case_page.content.decode(), hostile)  # the citizen's own case page
    assert_escaped(staff_page(world, case), hostile)  # the staff workspace


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE)
def test_sql_and_html_in_every_text_field_of_the_api_register_are_stored_as_text_and_shown_escaped_xinfang_art_19(
        world, hostile):
    api = api_client(world)
    body = api_body(world, person={f: f"{f}:{hostile}" for f in API_PERSON_TEXTS},
                    **{f: f"{f}:{hostile}" for f in API_TEXTS})
    response = api.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    person = Person.objects.get()
    assert (person.name, person.address, person.phone) == (
        f"name:{hostile}", f"address:{hostile}", f"phone:{hostile}")
    assert (case.title, case.request, case.facts_reasons, case.category, case.respondent_text) == tuple(
        f"{f}:{hostile}" for f in ("title", "request", "facts_reasons", "category", "respondent_text"))
    shown = api.get(f"/api/v1/cases/{case.pk}")
    assert shown.status_code == 200 and shown["Content-Type"].startswith("application/json")
    assert shown.json()["request"] == f"request:{hostile}"  # JSON carries the text as it was given
    assert_escaped(staff_page(world, case), hostile)


# -- header injection: a line break never reaches a header -------------------------------------------


@pytest.mark.django_db
def test_a_line_break_in_an_attachments_name_never_reaches_the_download_header(world):
    upload = SimpleUploadedFile("报告\r\nSet-Cookie: stolen=1\r\n.txt", "村道照片说明".encode(), "text/plain")
    r = register(world, attachments=[upload])
    a = Attachment.objects.get(case=r.case)
    assert "\r" not in a.original_name and "\n" not in a.original_name
    staff = Client()
    staff.force_login(world.users["clerk_a"])
    response = staff.get(f"/cases/{r.case.pk}/attachments/{a.pk}/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert "stolen" not in response.cookies and not any(k.lower() == "set-cookie" for k, _ in response.items())


@pytest.mark.django_db
@pytest.mark.parametrize("target", [
    "/cases/\r\nSet-Cookie: stolen=1",
    "/cases/%0d%0aSet-Cookie:%20stolen=1",
    "\r\nLocation: https://evil.example/",
    "https://evil.example/\r\n",
])
def test_a_line_break_in_the_next_parameter_is_refused_or_neutralised(world, target):
    staff = Client()
    staff.force_login(world.users["clerk_a"])
    response = staff.get("/accounts/mfa/", {"next": target})
    assert response.status_code < 500
    for name, value in response.items():
        assert "\r" not in value and "\n" not in value, name
    assert "stolen" not in response.cookies
    assert "evil.example" not in response.get("Location", "")
    page = response.content.decode()
    assert "\r\nSet-Cookie" not in page and "https://evil.example" not in page


# -- over-long fields: refused with a reason, nothing written -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", list(PORTAL_TEXTS))
def test_an_over_long_field_at_the_portal_is_refused_naming_it_and_nothing_is_written(world, field):
    limit = PORTAL_TEXTS[field]
    text = "长" * (limit.max_length + 1)
    before = counts()
    response = Client().post("/portal/submit/", portal_form(world, **{field: text}))
    assert response.status_code == 400
    label = SubmitForm.base_fields[field].label  # the form names the field as its label does
    assert f"{label}不得超过 {limit.max_length} 字（现有 {len(text)} 字）" in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("field", [*API_TEXTS, *(f"complainants.{f}" for f in API_PERSON_TEXTS)])
def test_an_over_long_field_at_the_api_is_refused_naming_it_and_nothing_is_written(world, field):
    person, _, key = field.rpartition(".")
    limit = (API_PERSON_TEXTS if person else API_TEXTS)[key]
    text = "长" * (limit.max_length + 1)
    body = api_body(world, person={key: text}) if person else api_body(world, **{key: text})
    before = counts()
    response = api_client(world).post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert limit.message(len(text)) in response.json()["message"] + json.dumps(response.json(), ensure_ascii=False)
    assert counts() == before
