"""The API against its own OpenAPI schema (schemathesis): no 5xx, every response as the schema says.

Schemathesis reads ``/api/openapi.json`` from the Django WSGI application in this process and,
for every operation, sends requests it derives from the schema: the schema's examples, then
generated valid and invalid input (wrong types, missing and unknown fields, boundary values,
odd unicode, NUL characters). Each request carries a real token of 甲镇's intake clerk
(``clerk_a`` of the shared ``world``). Paths name, half the time, a real case of that world in
some state, and bodies, half the time, a real unit, so that requests get past "not found" into
the actions themselves. Checks on every response:

- ``not_a_server_error``: never a 5xx;
- ``status_code_conformance``: only statuses the operation documents;
- ``response_schema_conformance``: the body matches the documented schema for that status.

Bounded: a fixed seed and a few examples per operation, so the whole run takes well under a
minute and fails the same way every time (on SQLite, and on PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from casework.api.models import ApiToken
from casework.cases.actions import PersonData, case_accept, case_forward, case_register, case_reply

# CI's budget. A deeper hunt, e.g. before a release:
#   CASEWORK_FUZZ_EXAMPLES=200 CASEWORK_FUZZ_COVERAGE=1 CASEWORK_FUZZ_SEED=random make test ARGS=tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "15"))
_seed = os.environ.get("CASEWORK_FUZZ_SEED", "20261130")
CONFIG = {
    **({} if _seed == "random" else {"seed": int(_seed)}),
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
    "phases": {"coverage": {"enabled": os.environ.get("CASEWORK_FUZZ_COVERAGE") == "1"}, "stateful": {"enabled": False}},
}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


# Loaded when the module is collected: the schema needs no database. (The lazy
# ``schemathesis.pytest.from_fixture`` does not work with pytest 9: it sets ``Node._nodeid``.)
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", get_wsgi_application(), config=SchemathesisConfig.from_dict(CONFIG)
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Django closes the connection at the end of every WSGI request (``close_old_connections``); inside a
    test's transaction that would end it. Django's test client unhooks the same signals."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_target(world):
    """A token of clerk_a and cases of 甲镇 in several states, for the generated requests to land on."""
    clerk, handler = world.users["clerk_a"], world.users["handler_a"]
    unit = world.units["town_a_office"]

    def new(**kw):
        return case_register(
            clerk, unit_id=unit.pk, complainants=[PersonData("张三", "甲镇幸福村3组", "13800000000")],
            channel="visit", request="请求修复村道", facts_reasons="村道损坏两年无人修理。", category="城乡建设", **kw
        ).case

    registered = new()
    forwarded = new()
    case_forward(clerk, case_id=forwarded.pk, to_unit_id=world.units["county_housing"].pk)
    accepted = new()
    case_accept(handler, case_id=accepted.pk)
    replied = new(respondent_unit_ids=[world.units["county_police"].pk])
    case_accept(handler, case_id=replied.pk)
    case_reply(handler, case_id=replied.pk, outcome="explained", reasons="属实", opinion="限期修复", legal_basis="条例")
    _, token = ApiToken.issue(clerk, "schemathesis")
    return {
        "token": token,
        "case_ids": [registered.pk, forwarded.pk, accepted.pk, replied.pk],
        "unit_ids": [unit.pk, world.units["county_housing"].pk, world.units["county_bureau"].pk],
    }


def _aim(case, target) -> None:
    """Three in four generated ids become real ones (the generator can't know which exist)."""

    def real(value, pool):
        return pool[(value // 4) % len(pool)] if isinstance(value, int) and not isinstance(value, bool) and value % 4 else value

    params = case.path_parameters or {}
    if "case_id" in params:
        params["case_id"] = real(params["case_id"], target["case_ids"])
    body = case.body
    if isinstance(body, dict):
        for field in ("unit_id", "to_unit_id", "review_unit_id", "rereview_unit_id", "lead_unit_id"):
            if field in body:
                body[field] = real(body[field], target["unit_ids"])
        if "into_case_id" in body:
            body["into_case_id"] = real(body["into_case_id"], target["case_ids"])


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=MAX_EXAMPLES)
def test_every_operation_conforms_to_the_schema_and_never_fails_with_5xx(case, fuzz_target):
    _aim(case, fuzz_target)
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_target['token']}"}, checks=CHECKS)


# -- what the fuzzing found, pinned down -------------------------------------------------------------
# NUL characters: PostgreSQL can neither store text with U+0000 nor compare with it, so each of these
# was a 500 there (SQLite stores it). Now a 4xx on both, and nothing written.

NUL = "甲\x00镇"


@pytest.mark.parametrize("where", ["request", "title", "complainant_name"])
def test_nul_in_a_registration_is_422_and_writes_nothing(world, api_as, where):
    from casework.cases.models import Case

    body = {"unit_id": world.town_a_office.pk, "complainants": [{"name": "李四", "address": "甲镇和平村"}],
            "request": "请求", "facts_reasons": "事实", "title": "标题"}
    if where == "complainant_name":
        body["complainants"][0]["name"] = NUL
    else:
        body[where] = NUL
    r = api_as("clerk_a").post("/api/v1/cases", body, key="nul")
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert Case.objects.count() == 0


@pytest.mark.parametrize("param", ["q", "number", "category"])
def test_nul_in_a_list_filter_is_422(world, api_as, param):
    r = api_as("clerk_a").get("/api/v1/cases", **{param: NUL})
    assert r.status_code == 422 and r.json()["code"] == "invalid"


def test_nul_in_an_idempotency_key_or_a_case_number_is_refused_not_a_500(world, api_as):
    clerk = api_as("clerk_a")
    body = {"unit_id": world.town_a_office.pk, "complainants": [{"name": "李四", "address": "甲镇"}],
            "request": "请求", "facts_reasons": "事实"}
    assert clerk.post("/api/v1/cases", body, key="k\x00").status_code == 400
    r = clerk.post("/api/v1/cases/by-number/T1%00/rate", {"access_code": "ABCD2345", "satisfaction": "satisfied"})
    assert r.status_code == 404


@pytest.mark.parametrize("path, params", [
    ("/open311/v2/services.json", {"jurisdiction_id": NUL}),
    ("/open311/v2/requests.json", {"service_request_id": NUL}),
    ("/open311/v2/requests.xml", {"service_code": NUL}),
    ("/open311/v2/requests/T1%00.json", {}),
    ("/open311/v2/tokens/T1%00.json", {}),
])
def test_nul_anywhere_in_an_open311_request_is_400(client, world, path, params):
    r = client.get(path, params)
    assert r.status_code == 400


def test_nul_in_an_open311_post_is_400_and_writes_nothing(client, world):
    from casework.cases.models import Case

    key = ApiToken.issue(world.users["clerk_a"], "open311")[1]
    r = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "城乡建设", "first_name": NUL,
                                                  "last_name": "张", "address_string": "甲镇", "description": "d"})
    assert r.status_code == 400 and Case.objects.count() == 0
