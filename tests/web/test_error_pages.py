"""What a person sees when something goes wrong, with DEBUG off as in production: a page in Chinese
that says what to do, in the staff or the portal's look, and nothing of the internals."""

from __future__ import annotations

import pytest
from django.test import Client

INTERNALS = ("Traceback", "secret", "SELECT", "casework/", "config.urls", "Django", "RuntimeError", "DEBUG")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.web.failing_urls"
    return Client(raise_request_exception=False)


def no_internals(page: str) -> None:
    assert not [word for word in INTERNALS if word in page], page


@pytest.mark.parametrize("path, portal", [("/boom/", False), ("/portal/boom/", True)])
def test_a_server_error_is_a_chinese_page_without_internals(production, db, path, portal):
    r = production.get(path)
    page = r.content.decode()
    assert r.status_code == 500 and "系统出错" in page and "错误代码 500" in page
    assert ("网上信访" in page) is portal
    no_internals(page)


@pytest.mark.parametrize("path, portal, words", [
    ("/no-such-page/", False, "返回首页"),
    ("/portal/no-such-page/", True, "查询案件请凭案件编号和查询码"),
    ("/portal/case/T1-2026-99999/", True, "查询案件请凭案件编号和查询码"),  # no session: no hint it exists
])
def test_a_page_not_found_is_a_chinese_page(production, db, path, portal, words):
    r = production.get(path)
    page = r.content.decode()
    assert r.status_code == 404 and "页面不存在" in page and words in page
    assert ("网上信访" in page) is portal
    no_internals(page)
    assert "请先凭案件编号和查询码查询" not in page  # the exception's own text is not shown


@pytest.mark.parametrize("path, portal", [("/forbidden/", False), ("/portal/forbidden/", True)])
def test_a_forbidden_page_is_a_chinese_page(production, db, path, portal):
    r = production.get(path)
    page = r.content.decode()
    assert r.status_code == 403 and "无权访问" in page
    no_internals(page)


@pytest.mark.parametrize("path, portal", [("/", False), ("/portal/", True)])
def test_a_bad_request_is_a_chinese_page(production, db, path, portal):
    r = production.get(path, HTTP_HOST="not-our-host.example")  # DisallowedHost: a 400
    page = r.content.decode()
    assert r.status_code == 400 and "请求有误" in page
    assert ("网上信访" in page) is portal
    no_internals(page)


def test_a_stale_form_says_to_reload_it(settings, db):
    """A form whose CSRF token is missing (an old tab, cookies off) gets a Chinese page saying what to do."""
    settings.DEBUG = False
    r = Client(enforce_csrf_checks=True).post("/portal/lookup/", {"number": "T1-2026-00001", "code": "ABCDEFGH"})
    page = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in page and "刷新" in page
    no_internals(page)
    assert "CSRF" not in page


def test_the_api_and_open311_answer_errors_in_json(production, db):
    api = production.get("/api/v1/boom/")
    assert api.status_code == 500 and api.json()["code"] == "server_error" and "系统出错" in api.json()["message"]
    assert production.get("/api/v1/no-such-thing").json()["code"] == "not_found"
    open311 = production.get("/open311/v2/boom/")
    assert open311.status_code == 500 and open311.json()[0]["code"] == 500
    for r in (api, open311):
        no_internals(r.content.decode())
