"""Every answer the application gives: a Content-Security-Policy without inline script or style, no inline
script or style attribute in any page, and ``Cache-Control: no-store`` on pages, PDFs and JSON."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import register

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def staff(world, username="clerk_a") -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def assert_no_inline_code(url: str, html: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"{url}: inline <script>"
    assert not STYLE_ELEMENT.search(html), f"{url}: <style> element"
    assert not STYLE_ATTRIBUTE.search(html), f"{url}: style= attribute"
    assert not EVENT_HANDLER.search(html), f"{url}: on...= handler"


def assert_csp(url: str, response) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict((d.split(" ", 1) + [""])[:2] for d in (p.strip() for p in policy.split(";")) if d)
    for name in ("script-src", "style-src"):
        assert directives[name] == "'self'", f"{url}: {name} {directives.get(name)}"
    assert "unsafe-inline" not in policy and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_main_pages_have_a_csp_no_inline_script_or_style_and_no_store(world, settings):
    # given a case in every list, and the people who see the pages
    r = register(world)
    case = r.case
    pages = {
        "clerk_a": ["/", "/intake/", f"/cases/{case.pk}/", "/tools/due-date/", "/accounts/security/",
                    "/accounts/password/", "/review-requests/"],
        "supervisor": ["/supervision/", "/hot/", "/"],
        "mediator_a": ["/mediation/", "/mediation/new/"],
    }
    anonymous = ["/accounts/login/", "/portal/", "/portal/submit/", "/portal/lookup/", "/no-such-page/",
                 "/portal/no-such-page/"]
    seen = 0
    for who, urls in pages.items():
        client = staff(world, who)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            seen += response.status_code == 200
            assert_csp(url, response)
            assert "no-store" in response["Cache-Control"], url
            assert_no_inline_code(url, response.content.decode())
    client = Client()
    for url in anonymous:
        response = client.get(url)
        assert_csp(url, response)
        assert "no-store" in response["Cache-Control"], url
        assert_no_inline_code(url, response.content.decode())
    # the complainant's own case page, after the number and code
    assert client.post("/portal/lookup/", {"number": case.number, "code": r.access_code}).status_code == 302
    page = client.get(f"/portal/case/{case.number}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert_no_inline_code("portal case", page.content.decode())
    assert seen >= 10


@pytest.mark.django_db
def test_the_enrolment_and_verification_pages_have_no_inline_code(world, settings):
    settings.DEBUG = False
    client = Client()
    client.post("/accounts/login/", {"username": "clerk_a", "password": "pw-clerk_a"})
    for url in ("/accounts/mfa/enrol/", "/accounts/mfa/"):
        response = client.get(url, follow=True)
        assert_csp(url, response)
        assert_no_inline_code(url, response.content.decode())


@pytest.mark.django_db
def test_the_admin_site_keeps_the_policy(world, admin_client):
    # The admin's own templates: no inline script in Django 5.2's; its pages are under the same header.
    for url in ("/admin/", "/admin/holidays/", "/admin/organisation/unit/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_csp(url, response)
        assert not INLINE_SCRIPT.search(response.content.decode()), url


@pytest.mark.django_db
def test_json_and_pdf_answers_are_not_stored(world):
    from casework.api.models import ApiToken

    r = register(world)
    _, token = ApiToken.issue(world.users["clerk_a"], "headers")
    pdf = staff(world).get(f"/cases/{r.case.pk}/documents/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and "no-store" in pdf["Cache-Control"]
    api = Client().get(f"/api/v1/cases/{r.case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
    open311 = Client().get("/open311/v2/requests.json")
    assert open311.status_code == 200 and "no-store" in open311["Cache-Control"]


def test_static_files_may_be_cached(client):
    from django.contrib.staticfiles import finders

    assert finders.find("web/base.css") and finders.find("web/pickers.js") and finders.find("portal/portal.css")
