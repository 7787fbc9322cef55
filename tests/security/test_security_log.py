"""The security log (casework/security/log.py): one JSON record per security event, and nothing in any of
them that is a secret or personal data (PIPL Art 51: the log is itself a store of what it holds)."""

from __future__ import annotations

import json
import logging


import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.api.models import ApiToken
from casework.cases.actions import PersonData
from casework.organisation.models import Membership
from tests.conftest import register, totp_code


class Records(logging.Handler):
    """Formats each record with the JSON formatter settings.LOGGING gives the security log."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        from logging.config import DictConfigurator

        self.setFormatter(DictConfigurator(django_settings.LOGGING).configure_formatter(
            django_settings.LOGGING["formatters"]["json"]))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def security_log():
    handler = Records()
    logger = logging.getLogger("casework.security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_each_security_event_is_one_json_record_without_secrets_or_personal_data(world, settings, security_log):
    settings.DEBUG = False
    settings.CASEWORK_TRUSTED_PROXIES = 1
    client_address = "203.0.113.99"
    name, address, phone = "欧阳明珠", "甲镇幸福村88号", "13912345678"
    r = register(world, complainants=[PersonData(name=name, address=address, phone=phone)])
    browser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address)
    secrets_typed = ["wrong-password-typed", "pw-clerk_a", "clerk_a-typo", r.access_code, "WRONGCODE"]

    # logins: a failure (a username typed wrong), a success, enrolment and verification of the second factor
    browser.post("/accounts/login/", {"username": "clerk_a-typo", "password": "wrong-password-typed"})
    browser.post("/accounts/login/", {"username": "clerk_a", "password": "pw-clerk_a"})
    browser.get("/accounts/mfa/enrol/")
    device = TOTPDevice.objects.get(user=world.users["clerk_a"])
    enrol_code = totp_code(device)
    browser.post("/accounts/mfa/enrol/", {"code": enrol_code})
    secrets_typed.append(enrol_code)
    # a lockout
    for _ in range(11):
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address).post(
            "/accounts/login/", {"username": "clerk_b", "password": "wrong-password-typed"})
    # an authorization denial: a case outside the person's scope
    outsider = Client()
    outsider.force_login(world.users["clerk_b"])
    assert outsider.get(f"/cases/{r.case.pk}/").status_code == 404
    # token use and a refused token
    _, token = ApiToken.issue(world.users["clerk_a"], "log")
    secrets_typed += [token, "cw_not-a-real-token"]
    assert Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert Client().get("/api/v1/units", HTTP_AUTHORIZATION="Bearer cw_not-a-real-token").status_code == 401
    # a wrong access code at the portal
    browser.post("/portal/lookup/", {"number": r.case.number, "code": "WRONGCODE"})
    # a membership change
    Membership.objects.create(user=world.users["outsider"], unit=world.town_a_office, role="handler")

    records = [json.loads(line) for line in security_log.lines]
    events = {rec["event"] for rec in records}
    assert {"login.failure", "login.success", "mfa.enrol", "login.lockout", "access.denied", "token.use",
            "token.refused", "code.failure", "membership.change"} <= events
    text = "\n".join(security_log.lines)
    forbidden = [*secrets_typed, name, address, phone, client_address, "clerk_a", "clerk_b", "outsider",
                 r.case.number, r.case.title, browser.session.session_key]
    for value in forbidden:
        assert value and value not in text, value
    for rec in records:
        assert rec["logger"] == "casework.security" and rec["at"].endswith("+00:00")
    denied = next(rec for rec in records if rec["event"] == "access.denied")
    assert denied["case_id"] == r.case.pk and denied["user_id"] == world.users["clerk_b"].pk
    failures = [rec for rec in records if rec["event"] == "login.failure"]
    # the same client and the same typed username are recognisable, without being readable
    assert failures[0]["client"] == next(rec for rec in records if rec["event"] == "login.success")["client"]


def test_a_field_outside_the_list_is_refused():
    from casework.security.log import security_event

    with pytest.raises(ValueError):
        security_event("login.failure", None, password="x")  # a caller cannot slip a secret in


def test_the_access_log_of_the_production_server_has_no_query_string():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "scripts" / "serve-production.sh").read_text()
    fmt = script.split("--access-logformat", 1)[1].splitlines()[0]
    assert "%(U)s" in fmt and "%(r)s" not in fmt and "%(q)s" not in fmt and "%(f)s" not in fmt



@pytest.mark.django_db
def test_open311_takes_the_api_key_in_a_header(world):
    from casework.organisation.models import Unit

    Unit.objects.filter(pk=world.town_a_office.pk).update(categories="城乡建设")
    _, token = ApiToken.issue(world.users["clerk_a"], "open311")
    form = {"service_code": "城乡建设", "description": "路灯不亮", "first_name": "三", "last_name": "张",
            "address_string": "甲镇幸福村3组"}
    by_header = Client().post("/open311/v2/requests.json", form, HTTP_X_API_KEY=token)
    assert by_header.status_code in (200, 201), by_header.content
    by_body = Client().post("/open311/v2/requests.json", {**form, "api_key": token})
    assert by_body.status_code in (200, 201)
    assert Client().post("/open311/v2/requests.json", form, HTTP_X_API_KEY="cw_wrong").status_code == 403
