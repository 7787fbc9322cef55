"""Who may do what to which case, through the JSON API: actors × action endpoints × states.

The same scope and checks as the UI (tests/cases/test_authorization.py holds the full matrix
on the action functions); here the question is what the HTTP layer makes of them: the right
status for every refusal, no hint in an error body that an invisible case exists, and nothing
written when a request is refused.

The expectations come from tables written out below by hand, never from the code under test:

- who sees which case: the clerk of 甲镇 (where every case was registered) and the county's
  督办 (supervisor; 甲镇 is in his county) see all of them; the clerk of 乙镇, the handler of
  the unit complained about (东县公安局), the city's handler (none of the cases reached the
  city) and a token holder without any role see none;
- in which roles they act: the clerk of 甲镇 as 登记受理人员 while 甲镇信访办 has the case
  (not while it is forwarded to 东县住建局), the supervisor as 督办 everywhere below him;
- a review request that comes on paper is registered by the intake clerk of the body asked (东县人民政府,
  「上一级」 of 甲镇, Art 35): that clerk reaches the replied case for that one action and no other;
- each action: from which states, by which roles (信访工作条例 as DESIGN.md's lifecycle table
  puts it).

So for an action an actor takes on a case in a state: no token → 401; cannot see it → 404;
sees it but the state does not allow the action → 409; the state allows it but not for their
roles → 403; else it is done (200, or 204 for recusal). A body that does not parse → 422 for
anyone with a token. Every case, built once per module (inside one transaction rolled back at
the end), is in 甲镇 and names 东县公安局 as the unit complained about.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from casework.api.models import ApiToken, IdempotencyRecord
from casework.audit.models import Event
from django.utils import timezone

from casework.cases.actions import (
    PersonData, case_accept, case_decide_rereview, case_decide_review, case_forward, case_register, case_reply,
    case_request_rereview, case_request_review,
)
from casework.cases.actors import Actor
from casework.cases.models import Case, CaseUnit, Recusal
from casework.documents.models import IssuedDocument
import tests.conftest as root_conftest

BASE = "/api/v1"

CLERK, HANDLER, OFFICIAL, SUPERVISOR, COMPLAINANT = (
    "intake_clerk", "handler", "accountable_official", "supervisor", "complainant")
STATES = ("registered", "forwarded", "accepted", "replied")
OPEN = {"registered", "forwarded", "accepted", "replied", "review", "reviewed", "rereview", "hearing"}

ACTORS = ("clerk_a", "clerk_b", "police_handler", "supervisor", "city_handler", "gov_clerk", "outsider", "anonymous")

# Who sees the case of each state (all registered at 甲镇信访办; "forwarded" sits at 东县住建局).
SEES: dict[str, set[str]] = {
    "clerk_a": set(STATES),  # 甲镇信访办 registered every one of them
    "supervisor": set(STATES),  # 东县信访局 督办: 甲镇 is in 东县
    "clerk_b": set(),  # 乙镇: another township
    "police_handler": set(),  # the unit complained about: not a unit the cases passed through
    "city_handler": set(),  # A市信访局: no case has gone up to the city
    "gov_clerk": set(),  # 东县人民政府: none of these (only the final case went through its review)
    "outsider": set(),  # a token, no membership at all
    "anonymous": set(),
}

# The roles each acts in on each state's case.
ROLES: dict[str, dict[str, set[str]]] = {
    "clerk_a": {"registered": {CLERK}, "forwarded": set(), "accepted": {CLERK}, "replied": {CLERK}},
    "supervisor": {state: {SUPERVISOR} for state in STATES},
}

# action -> (from which states, by which roles); written from the lifecycle as DESIGN.md describes it.
LIFECYCLE: dict[str, tuple[set[str], set[str]]] = {
    "forward": ({"registered", "forwarded"}, {CLERK, HANDLER}),  # Art 22
    "object": ({"forwarded"}, {HANDLER, OFFICIAL}),  # Art 23 ¶3
    "redirect": ({"registered", "forwarded"}, {CLERK, HANDLER, OFFICIAL}),  # Art 31(1)-(4)
    "accept": ({"registered", "forwarded"}, {HANDLER, OFFICIAL}),  # Art 34
    "assign": ({"accepted"}, {OFFICIAL, SUPERVISOR}),  # Art 24
    "record_step": ({"accepted", "review", "rereview", "hearing"}, {HANDLER, OFFICIAL}),
    "request_extension": ({"accepted"}, {HANDLER}),  # Art 34
    "approve_extension": ({"accepted"}, {OFFICIAL}),  # Art 34
    "refuse_extension": ({"accepted"}, {OFFICIAL}),  # Art 34
    "reply": ({"accepted"}, {HANDLER, OFFICIAL}),  # Art 32
    "request_review": ({"replied"}, {COMPLAINANT, CLERK}),  # Art 35
    "decide_review": ({"review"}, {HANDLER, OFFICIAL}),
    "request_rereview": ({"reviewed"}, {COMPLAINANT, CLERK}),  # Art 36
    "start_hearing": ({"rereview"}, {HANDLER, OFFICIAL}),
    "end_hearing": ({"hearing"}, {HANDLER, OFFICIAL}),
    "decide_rereview": ({"rereview"}, {HANDLER, OFFICIAL}),
    # Art 19: withdrawal is the complainant's own act (the portal); staff record one from a signed letter
    "record_withdrawal": (OPEN, {CLERK, HANDLER}),
    "order_redo": ({"review", "rereview"}, {HANDLER, OFFICIAL}),  # Art 35, 36: 责令重新处理
    "merge": ({"registered", "forwarded"}, {CLERK, HANDLER}),  # Art 19 ¶3
    # Art 30 ¶3: who is complained about is named or corrected by those who have the case; a supervisor's leave
    "set_respondents": (set(STATES), {CLERK, HANDLER, OFFICIAL, SUPERVISOR}),
    "allow_respondent_handling": (OPEN, {SUPERVISOR}),
    "record_delivery": ({"replied"}, {CLERK, HANDLER, OFFICIAL}),  # Art 35: the window runs from delivery
    "decide_objection": ({"objected"}, {CLERK, HANDLER, OFFICIAL}),  # Art 23 ¶3: the sending body decides
    "refuse_repeat": ({"registered", "forwarded"}, {CLERK, HANDLER, OFFICIAL}),  # Art 36 ¶3
}


# The unit that has each state's case, and the body one level up from it (review, re-review: Art 35, 36).
CURRENT = {"registered": "town_a_office", "forwarded": "county_housing", "accepted": "town_a_office",
           "replied": "town_a_office"}
ONE_LEVEL_UP = {"town_a_office": "county_gov", "county_housing": "county_gov"}  # RULES.md §0
BODY_CLERKS = {"county_gov": {"gov_clerk"}}  # the intake clerks of each review body
REQUESTS = ("request_review", "request_rereview")  # the clerk's role is held in the body asked


def body_for(action: str, b: "Built", state: str = "registered") -> dict:
    """A body that passes every check but who and when: the refusals below are about those only."""
    u, w = b.world.units, b.world.users
    up = u[ONE_LEVEL_UP[CURRENT[state]]].pk
    return {
        "forward": {"to_unit_id": u["county_bureau"].pk, "note": "属县信访局职责"},
        "object": {"reason": "不属本单位职责"},
        "redirect": {"route": "litigation", "reason": "属民事纠纷，应向法院起诉"},
        "accept": {},
        "assign": {"lead_unit_id": u["town_a_office"].pk, "accountable_official_id": w["official_a"].pk},
        "record_step": {"note": "电话联系信访人", "kind": "contact"},
        "request_extension": {"days": 15, "reason": "需现场勘查"},
        "approve_extension": {"days": 15},
        "refuse_extension": {"reason": "现有期限足够"},
        "reply": {"outcome": "explained", "reasons": "属实", "opinion": "限期修复", "legal_basis": "条例第32条"},
        "request_review": {"review_unit_id": up, "reason": "不服处理意见"},
        "decide_review": DECIDED,
        "request_rereview": {"rereview_unit_id": up, "reason": "不服复查意见"},
        "start_hearing": {"note": "公开听证"},
        "end_hearing": {"note": "听证结束"},
        "decide_rereview": DECIDED,
        "order_redo": {k: v for k, v in DECIDED.items() if k != "decision"},
        "record_withdrawal": {"reason": "已协商解决", "letter": SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed")},
        "merge": {"into_case_id": b.cases["merge_target"].pk},
        "set_respondents": {"unit_ids": [u["county_police"].pk], "official_ids": [], "reason": "核实后更正"},
        "allow_respondent_handling": {"unit_id": u["county_police"].pk, "reason": "唯一有权处理的机关"},
        "record_delivery": {"received_on": timezone.localdate().isoformat(), "manner": "post"},
        "decide_objection": {"agree": True, "reason": "核实属实"},
        "refuse_repeat": {"final_case_id": b.cases["final"].pk, "reason": "同一事实和理由"},
        "recuse": {"reason": "与信访人系亲属"},
    }[action]


DECIDED = {"decision": "uphold", "findings": "原处理意见认定事实清楚", "opinion": "维持",
           "legal_basis": "《信访工作条例》第三十五条"}


def expected(actor: str, action: str, state: str) -> int:
    if actor == "anonymous":
        return 401
    if action in REQUESTS:
        states, roles = LIFECYCLE[action]
        clerk = actor in BODY_CLERKS.get(ONE_LEVEL_UP[CURRENT[state]], set())
        if state not in SEES[actor] and not (clerk and state in states):
            return 404
        if state not in states:
            return 409
        return 200 if clerk and CLERK in roles else 403
    if state not in SEES[actor]:
        return 404
    if action == "recuse":
        return 204  # anyone who sees a case may stand aside from it (Art 28 ¶3)
    states, roles = LIFECYCLE[action]
    if state not in states:
        return 409
    if not (ROLES[actor][state] & roles):
        return 403
    return 200


# -- the world and the cases, once per module ------------------------------------------------------



class Built:
    def __init__(self, world, cases: dict[str, Case], tokens: dict[str, str]):
        self.world, self.cases, self.tokens = world, cases, tokens

    def client(self, actor: str) -> "Api":
        return Api(self.tokens.get(actor))


class Api:
    def __init__(self, token: str | None):
        self.c = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def post(self, path: str, body=None, *, raw: bytes | None = None, key: str | None = None):
        headers = dict(self.headers, **({"Idempotency-Key": key} if key else {}))
        if any(isinstance(v, SimpleUploadedFile) for v in (body or {}).values()):  # a file: multipart
            return self.c.post(path, data=body, headers=headers)
        data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False)
        return self.c.post(path, data=data, content_type="application/json", headers=headers)

    def get(self, path: str, **params):
        return self.c.get(path, params, headers=self.headers)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back after the module; each test runs in a savepoint (``db``)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = root_conftest.world.__wrapped__(None)
            u, w = world.units, world.users
            clerk, handler = w["clerk_a"], w["handler_a"]

            def new(title: str) -> Case:
                return case_register(
                    clerk, unit_id=u["town_a_office"].pk,
                    complainants=[PersonData("张三", "甲镇幸福村3组", "13800000000")], channel="visit",
                    title=title, request="请求修复村道", facts_reasons="村道损坏两年无人修理。", category="城乡建设",
                    respondent_unit_ids=[u["county_police"].pk],
                ).case

            cases = {state: new(f"机密事项-{state}") for state in STATES}
            case_forward(clerk, case_id=cases["forwarded"].pk, to_unit_id=u["county_housing"].pk)
            for state in ("accepted", "replied"):
                case_accept(handler, case_id=cases[state].pk)
            case_reply(handler, case_id=cases["replied"].pk, outcome="explained", reasons="属实", opinion="限期修复",
                       legal_basis="条例第32条")
            cases["merge_target"] = new("机密事项-merge-target")
            final = new("机密事项-final")  # a matter finally decided on re-review (Art 36 ¶3)
            case_accept(handler, case_id=final.pk)
            case_reply(handler, case_id=final.pk, outcome="explained", reasons="属实", opinion="限期修复",
                       legal_basis="条例第32条")
            me = Actor.complainant(final.pk)
            case_request_review(me, case_id=final.pk, review_unit_id=u["county_gov"].pk, reason="不服")
            case_decide_review(w["gov_handler"], case_id=final.pk, **DECIDED)
            case_request_rereview(me, case_id=final.pk, rereview_unit_id=u["city_gov"].pk, reason="不服")
            case_decide_rereview(w["city_gov_handler"], case_id=final.pk, **DECIDED)
            cases["final"] = final
            tokens = {a: ApiToken.issue(w[a], "matrix")[1] for a in ACTORS if a != "anonymous"}
            yield Built(world, {k: Case.objects.get(pk=c.pk) for k, c in cases.items()}, tokens)
            transaction.set_rollback(True)


def snapshot(case_id: int) -> tuple:
    """The case row as stored, and how many events, unit links, recusals, idempotency records there are."""
    columns = ", ".join(f'c."{f.column}"' for f in Case._meta.concrete_fields)
    counts = ", ".join(f"(SELECT COUNT(*) FROM {m._meta.db_table})"
                       for m in (IssuedDocument, Case, Event, CaseUnit, Recusal, IdempotencyRecord))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, {counts} FROM {Case._meta.db_table} c WHERE c.id = %s", [case_id])
        return cursor.fetchone()


def assert_no_leak(response, case: Case) -> None:
    text = response.content.decode()
    assert case.number not in text and case.title not in text and "张三" not in text, text


# -- the matrix ----------------------------------------------------------------------------------

ENDPOINTS = [*LIFECYCLE, "recuse"]


def test_the_tables_name_every_action_endpoint_of_the_api(client):
    """A new action endpoint must be added to the tables above before this passes."""
    paths = client.get("/api/openapi.json").json()["paths"]
    actions = {p.rsplit("/", 1)[1].replace("-", "_") for p in paths if p.startswith(f"{BASE}/cases/{{case_id}}/")}
    assert actions - {"timeline", "insight"} == set(ENDPOINTS)  # reads; the insight read has its own tests


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ENDPOINTS)
@pytest.mark.parametrize("actor", ACTORS)
def test_action_through_the_api(built, db, actor, action, state):
    case = built.cases[state]
    want = expected(actor, action, state)
    before = snapshot(case.pk)
    r = built.client(actor).post(f"{BASE}/cases/{case.pk}/{action.replace('_', '-')}", body_for(action, built, state),
                                 key=f"{actor}-{action}-{state}")
    assert r.status_code == want, (r.status_code, r.content.decode())
    if want >= 400:
        err = r.json()
        assert err["code"] == {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "wrong_state"}[want]
        assert err["message"]
        assert snapshot(case.pk) == before, "a refused request changed something"
        if want in (401, 404):
            assert_no_leak(r, case)
    else:
        after = snapshot(case.pk)
        assert after[-4] == before[-4] + 1, "a done action writes exactly one event"
        assert after[-1] == before[-1] + 1, "and one idempotency record"


@pytest.mark.parametrize("state", ("registered", "replied"))
@pytest.mark.parametrize("actor", ACTORS)
def test_reading_through_the_api(built, db, actor, state):
    """Detail and timeline: 200 to whoever sees the case; 404 with nothing of it to anyone else."""
    case = built.cases[state]
    api = built.client(actor)
    for path in (f"{BASE}/cases/{case.pk}", f"{BASE}/cases/{case.pk}/timeline"):
        r = api.get(path)
        want = 401 if actor == "anonymous" else 200 if state in SEES[actor] else 404
        assert r.status_code == want, (path, r.status_code, r.content.decode())
        if want != 200:
            assert_no_leak(r, case)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_listing_shows_exactly_the_cases_one_sees(built, db, actor):
    r = built.client(actor).get(f"{BASE}/cases", limit=200)
    assert r.status_code == 200
    listed = {c["id"] for c in r.json()["items"]}
    mine = {built.cases[s].pk for s in SEES[actor]} | (
        {built.cases["merge_target"].pk, built.cases["final"].pk} if SEES[actor] else set())
    if actor == "gov_clerk":  # 东县人民政府 reviewed the final case (Art 35): it passed through that body
        mine.add(built.cases["final"].pk)
    assert listed == mine
    for state in set(STATES) - SEES[actor]:
        r = built.client(actor).get(f"{BASE}/cases", number=built.cases[state].number)
        assert r.json()["items"] == [] and built.cases[state].number not in r.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_a_body_that_does_not_parse_is_422_for_anyone_with_a_token_and_changes_nothing(built, db, actor):
    """Validation does not depend on the case, so it says nothing about whether it exists."""
    for state in ("registered", "accepted"):
        case = built.cases[state]
        before = snapshot(case.pk)
        for action, raw in [("forward", b'{"to_unit_id": "x"}'), ("object", b'{"reason": "r", "surprise": 1}'),
                            ("reply", b'{"outcome": "maybe"}'), ("record_step", b"{not json")]:
            r = built.client(actor).post(f"{BASE}/cases/{case.pk}/{action.replace('_', '-')}", raw=raw)
            want = 401 if actor == "anonymous" else 400 if raw.startswith(b"{not") else 422
            assert r.status_code == want, (action, r.status_code, r.content.decode())
            assert_no_leak(r, case)
        assert snapshot(case.pk) == before


@pytest.mark.parametrize("actor", ["clerk_b", "police_handler", "outsider", "supervisor"])
def test_a_refused_request_leaves_no_idempotency_record_so_a_retry_is_refused_again(built, db, actor):
    case = built.cases["registered"]
    api = built.client(actor)
    want = expected(actor, "accept", "registered")
    first = api.post(f"{BASE}/cases/{case.pk}/accept", {}, key="same-key")
    again = api.post(f"{BASE}/cases/{case.pk}/accept", {}, key="same-key")
    assert first.status_code == again.status_code == want and first.json() == again.json()
    assert not IdempotencyRecord.objects.filter(key="same-key").exists()


@pytest.mark.parametrize("actor", ["clerk_b", "police_handler", "city_handler", "outsider"])
def test_registering_at_a_unit_one_is_not_the_clerk_of_is_403_and_writes_nothing(built, db, actor):
    u = built.world.units
    before = snapshot(built.cases["registered"].pk)
    r = built.client(actor).post(f"{BASE}/cases", {
        "unit_id": u["town_a_office"].pk, "complainants": [{"name": "李四", "address": "甲镇"}],
        "request": "请求", "facts_reasons": "事实",
    }, key="register-elsewhere")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert snapshot(built.cases["registered"].pk) == before


def test_a_retried_recusal_gets_the_first_answer_though_the_case_is_now_out_of_sight(built, db):
    """Art 28 ¶3: after recusing, the case is hidden from the person; a retry must not turn into a 404."""
    case = built.cases["registered"]
    api = built.client("clerk_a")
    first = api.post(f"{BASE}/cases/{case.pk}/recuse", body_for("recuse", built), key="recuse-once")
    again = api.post(f"{BASE}/cases/{case.pk}/recuse", body_for("recuse", built), key="recuse-once")
    fresh = api.post(f"{BASE}/cases/{case.pk}/recuse", body_for("recuse", built), key="recuse-twice")
    assert first.status_code == again.status_code == 204 and again.content == b""
    assert fresh.status_code == 404
    assert Recusal.objects.filter(case=case).count() == 1
    assert api.get(f"{BASE}/cases/{case.pk}").status_code == 404
