"""Staff pages through Django's test client: login, my work, a case, the due-date calculator.

Access (DESIGN.md "Access"): every page goes through the one scoping function;
another jurisdiction's case is a 404, never a hint. A unit complained about
never sees the complainant's identity or the complaint (信访工作条例 Art 30 ¶3).
"""

from __future__ import annotations

import pytest
from django.test import Client

from casework.cases.actions import PersonData
from casework.privacy.masks import mask_address, mask_phone
from tests.conftest import register


COMPLAINANT = PersonData(name="欧阳明月", address="甲镇杏花村十一组88号", phone="13912345678")
REQUEST = "请求查处县信访局推诿扯皮、拒不登记的问题"
FACTS = "本人三次到县信访局反映村道问题，工作人员拒绝登记，也不出具任何告知。"


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def complaint(world):
    """A case at 甲镇信访办 complaining about 东县信访局, the county supervisor's own unit."""
    return register(
        world, complainants=[COMPLAINANT], request=REQUEST, facts_reasons=FACTS,
        respondent_unit_ids=[world.units["county_bureau"].pk],
    ).case


# -- login ------------------------------------------------------------------------


def test_login_page_renders(db):
    # given / when
    response = Client().get("/accounts/login/")
    # then
    assert response.status_code == 200
    html = page(response)
    assert "登录" in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_with_the_right_password_goes_home_through_the_second_factor(world):
    # given
    client = Client()
    # when
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": "pw-clerk_a"})
    # then: home, once the second factor is set up (tests/accounts/test_staff_login.py)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/accounts/mfa/enrol/?next=/"


def test_login_with_a_wrong_password_is_refused(world):
    # given / when
    response = Client().post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    # then: the form again, with one message that does not say which of the two was wrong
    assert response.status_code == 200
    assert "用户名或密码不正确" in page(response)


@pytest.mark.parametrize("url", ["/", "/tools/due-date/", "/tools/due-date/?start=2026-03-02&rule=handling", "/cases/1/"])
def test_anonymous_is_sent_to_login(db, url):
    # given / when
    response = Client().get(url)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


# -- my work and a case: who sees what ---------------------------------------------------


def test_clerk_sees_their_case_in_the_list(world):
    # given
    case = register(world).case
    # when
    response = client_for(world, "clerk_a").get("/")
    # then
    assert response.status_code == 200
    html = page(response)
    assert case.number in html
    assert f'href="/cases/{case.pk}/"' in html


def test_other_township_clerk_does_not_see_it(world):
    # given: a case of 甲镇; clerk_b works at 乙镇
    case = register(world).case
    client = client_for(world, "clerk_b")
    # when
    listing = client.get("/")
    detail = client.get(f"/cases/{case.pk}/")
    # then: not listed, and its page is a plain 404 (no hint that it exists)
    assert listing.status_code == 200
    assert case.number not in page(listing)
    assert detail.status_code == 404
    assert case.number not in page(detail)
    assert "张三" not in page(detail)


def test_other_township_clerk_cannot_find_it_by_number(world):
    # given
    case = register(world).case
    # when
    response = client_for(world, "clerk_b").get("/", {"number": case.number})
    # then: no row (the number is only echoed in the search box)
    assert response.status_code == 200
    html = page(response)
    assert f'href="/cases/{case.pk}/"' not in html
    assert "共 0 件" in html


def test_unknown_case_is_404(world):
    # given / when / then
    assert client_for(world, "clerk_a").get("/cases/999999/").status_code == 404


def test_clerk_sees_the_whole_case(world):
    # given
    case = register(world, complainants=[COMPLAINANT], request=REQUEST, facts_reasons=FACTS).case
    # when
    response = client_for(world, "clerk_a").get(f"/cases/{case.pk}/")
    # then: identity (address and phone masked until asked for: tests/privacy), request, facts, and the
    # receipt clock (Art 22, 23)
    assert response.status_code == 200
    html = page(response)
    for text in (case.number, COMPLAINANT.name, mask_address(COMPLAINANT.address), mask_phone(COMPLAINANT.phone),
                 REQUEST, FACTS):
        assert text in html
    assert COMPLAINANT.address not in html and COMPLAINANT.phone not in html
    assert "第22条" in html


def test_respondent_unit_supervisor_sees_the_case_without_identity_or_complaint(world, complaint):
    # given: the county supervisor sees every case of the county (supervision), but this complaint
    # is about the supervisor's own unit, 东县信访局 (Art 30 ¶3)
    client = client_for(world, "supervisor")
    # when
    response = client.get(f"/cases/{complaint.pk}/")
    # then: the case and its clocks are shown, with the Art 30 ¶3 notice instead of the complaint
    assert response.status_code == 200
    html = page(response)
    assert complaint.number in html
    assert "第三十条第三款" in html
    for secret in (COMPLAINANT.name, COMPLAINANT.address, COMPLAINANT.phone, REQUEST, FACTS, REQUEST[:20]):
        assert secret not in html
    # and a unit complained about never acts on the complaint (no action, no supervision notice)
    assert "/act/" not in html
    assert "发出督办通知" not in html


def test_respondent_unit_supervisor_list_shows_no_complaint_text(world, complaint):
    # given: the case has no title of its own, so its title is taken from the request
    client = client_for(world, "supervisor")
    # when
    response = client.get("/")
    # then: the case is listed, its request text is not
    assert response.status_code == 200
    html = page(response)
    assert f'href="/cases/{complaint.pk}/"' in html
    assert REQUEST[:20] not in html
    assert "不向被投诉单位显示" in html


def test_respondent_unit_supervisor_cannot_search_by_complainant_name(world, complaint):
    # given: asking "did 欧阳明月 complain about us?"
    client = client_for(world, "supervisor")
    # when
    response = client.get("/", {"name": COMPLAINANT.name})
    found_above = client_for(world, "city_supervisor").get("/", {"name": COMPLAINANT.name})
    # then: no answer for the unit complained about; the supervisor above finds the case by name
    assert response.status_code == 200
    assert f'href="/cases/{complaint.pk}/"' not in page(response)
    assert "共 0 件" in page(response)
    assert f'href="/cases/{complaint.pk}/"' in page(found_above)


def test_supervisor_above_the_respondent_sees_everything(world, complaint):
    # given: the city supervisor supervises the county but is not the unit complained about
    client = client_for(world, "city_supervisor")
    # when
    response = client.get(f"/cases/{complaint.pk}/")
    # then
    assert response.status_code == 200
    html = page(response)
    for text in (COMPLAINANT.name, REQUEST, FACTS):
        assert text in html


def test_county_supervisor_sees_an_ordinary_case_in_full(world):
    # given: a case of 甲镇 that complains about nobody
    case = register(world, complainants=[COMPLAINANT], request=REQUEST, facts_reasons=FACTS).case
    # when
    response = client_for(world, "supervisor").get(f"/cases/{case.pk}/")
    # then
    assert response.status_code == 200
    assert COMPLAINANT.name in page(response)
    assert REQUEST in page(response)


# -- the due-date calculator -----------------------------------------------------------


def test_due_date_page_shows_the_form(world):
    # given / when
    response = client_for(world, "clerk_a").get("/tools/due-date/")
    # then: every rule offered with its article, no answer and no error yet
    assert response.status_code == 200
    html = page(response)
    assert 'name="start"' in html
    assert "第34条" in html and "第23条第3款" in html
    assert "截止日期" not in html
    assert 'role="alert"' not in html


def test_due_date_page_computes_a_rule(world):
    # given: Art 34, 60 days from 2 Mar 2026 end on 1 May, Labour Day (1-5 May off): 6 May (Civil Code Art 203)
    # when
    response = client_for(world, "clerk_a").get("/tools/due-date/", {"start": "2026-03-02", "rule": "handling"})
    # then
    assert response.status_code == 200
    html = page(response)
    assert "2026-05-06" in html
    assert "2026年5月6日" in html
    assert "第34条" in html
    assert "暂定" not in html


def test_due_date_page_counts_working_days(world):
    # given: 3 working days from 30 Sep 2026: 8, 9 Oct and Sat 10 Oct (a make-up working day)
    # when
    response = client_for(world, "clerk_a").get(
        "/tools/due-date/", {"start": "2026-09-30", "days": "3", "working": "1"}
    )
    # then
    assert response.status_code == 200
    assert "2026-10-10" in page(response)


def test_due_date_page_marks_an_unpublished_year_provisional(world):
    # given: Art 34, 60 days from 1 Dec 2026 end in 2027, whose schedule is not published
    # when
    response = client_for(world, "clerk_a").get("/tools/due-date/", {"start": "2026-12-01", "rule": "handling"})
    # then
    assert response.status_code == 200
    html = page(response)
    assert "2027-02-01" in html
    assert "暂定" in html
    assert "尚未发布" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-02-30", "rule": "handling"}, "YYYY-MM-DD"),
        ({"start": "not-a-date", "days": "5"}, "YYYY-MM-DD"),
        ({"start": "2003-06-01", "days": "5"}, "2004-01-01"),
        ({"start": "2026-03-02", "rule": "appeal"}, "没有这个期限规则"),
        ({"start": "2026-03-02", "days": "abc"}, "天数应为整数"),
        ({"start": "2026-03-02", "days": "0"}, "3650"),
        ({"start": "2026-03-02", "days": "99999"}, "3650"),
        ({"start": "2026-03-02"}, "请指定"),
    ],
    ids=["impossible-date", "garbage-date", "before-2004", "unknown-rule", "days-not-a-number", "days-zero",
         "days-too-many", "neither-rule-nor-days"],
)
def test_due_date_page_bad_input_is_a_clear_400(world, query, message):
    # given / when
    response = client_for(world, "clerk_a").get("/tools/due-date/", query)
    # then: the form again with one clear message, and no answer
    assert response.status_code == 400
    html = page(response)
    assert 'role="alert"' in html
    assert message in html
    assert "截止日期" not in html
    assert "Traceback" not in html
