"""The JSON API: same scope and checks as the UI, JSON errors, idempotent retries."""

import pytest

from casework.audit.models import Event
from casework.cases.models import Case, Person

BASE = "/api/v1"


def body(world, **over):
    b = {
        "unit_id": world.town_a_office.pk,
        "complainants": [{"name": "李四", "address": "甲镇和平村5组", "phone": "13900000000"}],
        "channel": "web",
        "request": "请求解决小区噪音问题",
        "facts_reasons": "夜间施工扰民已三个月。",
        "category": "环境保护",
    }
    b.update(over)
    return b


def test_register_returns_number_and_access_code_and_writes_one_event(world, api_as):
    """信访工作条例 Art 19, 22: a registered case has a number at once; the complainant gets a code."""
    # given
    clerk = api_as("clerk_a")
    # when
    r = clerk.post(f"{BASE}/cases", body(world))
    # then
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["number"].startswith("T1-") and len(data["access_code"]) == 8
    assert data["state"] == "registered" and data["due_rule"] == "receipt_notice"
    assert Event.objects.filter(case_id=data["id"]).count() == 1


def test_same_idempotency_key_returns_first_answer_and_creates_nothing(world, api_as):
    # given
    clerk = api_as("clerk_a")
    first = clerk.post(f"{BASE}/cases", body(world), key="k-1")
    # when
    again = clerk.post(f"{BASE}/cases", body(world), key="k-1")
    other = clerk.post(f"{BASE}/cases", body(world, request="另一件事"), key="k-1")
    # then
    assert again.status_code == 201 and again.json() == first.json()
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "raw, status, code",
    [
        (b"{not json", 400, "malformed"),
        (b'{"unit_id": "x"}', 422, "invalid"),
    ],
)
def test_bad_json_is_a_clear_4xx_and_writes_nothing(world, api_as, raw, status, code):
    r = api_as("clerk_a").post(f"{BASE}/cases", raw=raw)
    assert r.status_code == status and r.json()["code"] == code and r.json()["message"]
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_unknown_fields_six_representatives_and_unknown_unit_are_refused(world, api_as):
    """Art 20 ¶3: at most five representatives on a group visit."""
    clerk = api_as("clerk_a")
    six = [{"name": f"代表{i}", "address": "甲镇"} for i in range(6)]
    assert clerk.post(f"{BASE}/cases", body(world, surprise=1)).status_code == 422
    assert clerk.post(f"{BASE}/cases", body(world, channel="visit", complainants=six)).status_code == 400
    r = clerk.post(f"{BASE}/cases", body(world, unit_id=999999))
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    assert Case.objects.count() == 0


def test_no_token_is_401_and_another_township_sees_404(world, api_as):
    created = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()
    assert api_as(None).get(f"{BASE}/cases").status_code == 401
    r = api_as("clerk_b").get(f"{BASE}/cases/{created['id']}")
    assert r.status_code == 404 and created["number"] not in r.content.decode()
    assert api_as("clerk_b").get(f"{BASE}/cases").json()["items"] == []


def test_lifecycle_through_the_api(world, api_as):
    """Forward (Art 22) → accept (Art 34) → reply (Art 32): each action its own endpoint."""
    created = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()
    cid = created["id"]
    r = api_as("clerk_a").post(f"{BASE}/cases/{cid}/forward", {"to_unit_id": world.county_housing.pk})
    assert r.status_code == 200 and r.json()["state"] == "forwarded"
    r = api_as("housing_handler").post(f"{BASE}/cases/{cid}/accept", {})
    assert r.json()["state"] == "accepted" and r.json()["due_rule"] == "handling"
    decided = {"decision": "uphold", "findings": "属实", "opinion": "维持", "legal_basis": "《信访工作条例》第三十五条"}
    wrong = api_as("housing_handler").post(f"{BASE}/cases/{cid}/decide-review", decided)
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_state"
    old_shape = api_as("housing_handler").post(f"{BASE}/cases/{cid}/decide-review", {"outcome": "supported", "opinion": "x"})
    assert old_shape.status_code == 422  # an Art 32 outcome is not a review decision (Art 35)
    r = api_as("housing_handler").post(
        f"{BASE}/cases/{cid}/reply",
        {"outcome": "supported", "reasons": "经核实属实", "opinion": "限期修复", "legal_basis": "《公路法》"},
    )
    assert r.status_code == 200 and r.json()["state"] == "replied"
    assert (r.json()["outcome"], r.json()["review_decision"]) == ("supported", "")
    tl = api_as("housing_handler").get(f"{BASE}/cases/{cid}/timeline").json()
    assert [e["verb"] for e in tl["events"]] == ["register", "forward", "accept", "reply"]


def test_review_decision_and_per_request_outcomes_through_the_api_xinfang_art_32_35(world, api_as):
    """Art 32: one outcome per request; Art 35: the review body's decision beside the reply's outcome."""
    from casework.cases.actions import case_request_review
    from casework.cases.actors import Actor

    cid = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()["id"]
    api_as("handler_a").post(f"{BASE}/cases/{cid}/accept", {})
    reply = {"reasons": "经核实属实", "opinion": "限期修复", "legal_basis": "《公路法》",
             "outcomes": [{"request": "修复村道", "outcome": "supported"},
                          {"request": "赔偿损失", "outcome": "not_supported"}]}
    partly = api_as("handler_a").post(f"{BASE}/cases/{cid}/reply", {**reply, "outcome": "partly", "outcomes": []})
    assert partly.status_code == 422
    r = api_as("handler_a").post(f"{BASE}/cases/{cid}/reply", reply)
    assert r.status_code == 200 and r.json()["outcome"] == "" and r.json()["request_outcomes"] == reply["outcomes"]
    case_request_review(Actor.complainant(cid), case_id=cid, review_unit_id=world.county_gov.pk, reason="不服")
    missing = api_as("gov_handler").post(f"{BASE}/cases/{cid}/decide-review",
                                         {"decision": "uphold", "findings": "属实", "opinion": "维持"})
    assert missing.status_code == 422  # the legal basis is required
    r = api_as("gov_handler").post(f"{BASE}/cases/{cid}/decide-review",
                                   {"decision": "change", "findings": "部分属实", "opinion": "变更",
                                    "legal_basis": "《信访工作条例》第三十五条"})
    assert r.status_code == 200 and (r.json()["state"], r.json()["review_decision"]) == ("reviewed", "change")
    assert r.json()["request_outcomes"] == reply["outcomes"]  # the reply's outcomes stay


def test_cursor_pagination_walks_every_case_once(world, api_as):
    clerk = api_as("clerk_a")
    ids = {clerk.post(f"{BASE}/cases", body(world, request=f"事项{i}")).json()["id"] for i in range(5)}
    seen, cursor = [], None
    while True:
        page = clerk.get(f"{BASE}/cases", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)


def test_openapi_schema_and_docs_are_served(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and "/api/v1/cases/{case_id}/reply" in r.json()["paths"]
    assert client.get("/api/docs").status_code == 200


def test_register_answers_with_what_the_case_detail_shows(world, api_as):
    """The registration's answer is built from the rows it inserted; it is the case as a reader sees it."""
    clerk = api_as("clerk_a")
    group = body(world, complainants=[{"name": "李四", "address": "甲镇和平村5组", "phone": "139"},
                                      {"name": "王五", "address": "甲镇和平村6组"}], group_size=30)
    for b in (body(world), group, body(world, respondent_unit_ids=[world.county_police.pk])):
        r = clerk.post(f"{BASE}/cases", b, key=f"k-{b.get('group_size')}-{b.get('respondent_unit_ids')}")
        assert r.status_code == 201, r.content
        answer = r.json()
        assert answer.pop("access_code")
        assert answer == clerk.get(f"{BASE}/cases/{answer['id']}").json()


def test_register_answer_withholds_identity_from_a_reader_whose_unit_is_complained_about_xinfang_art_30_3(world, api_as):
    """Art 30 ¶3: a clerk who also belongs to the unit complained about does not get the identity back."""
    from casework.organisation.models import Membership

    Membership.objects.create(user=world.clerk_a, unit=world.county_police, role="handler")
    r = api_as("clerk_a").post(f"{BASE}/cases", body(world, respondent_unit_ids=[world.county_police.pk]))
    assert r.status_code == 201, r.content
    assert r.json()["complainants"] is None and r.json()["request"] is None


# One registration through the API, token to commit. The bound is what the code reaches now: a
# change that adds a statement to every registration has to raise it here, on purpose. On
# PostgreSQL the case's rows go in as one statement that also locks the chain head, and the event
# with its new chain head as another; on both, the case-number counter's upsert also reads the
# holiday schedule's token.
REGISTER_STATEMENTS = {"postgresql": 7, "sqlite": 12}


def test_one_registration_through_the_api_takes_a_bounded_number_of_statements(world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk = api_as("clerk_a")
    assert clerk.post(f"{BASE}/cases", body(world), key="first").status_code == 201  # chain and counter rows exist
    with CaptureQueriesContext(connection) as ctx:
        r = clerk.post(f"{BASE}/cases", body(world, request="另一件事"), key="second")
    assert r.status_code == 201, r.content
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) <= REGISTER_STATEMENTS[connection.vendor], "\n".join(statements)


def test_a_token_acts_only_while_it_and_its_user_are_valid_and_sees_through_active_units_only(world, api_as):
    """The token's user and memberships come in one query; revoked tokens, inactive users and
    inactive units still count for nothing."""
    from django.utils import timezone

    from casework.api.models import ApiToken

    case_id = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()["id"]
    clerk = api_as("clerk_a")
    assert clerk.get(f"{BASE}/cases/{case_id}").status_code == 200
    outsider = api_as("outsider")  # no membership at all: authenticated, sees nothing
    assert outsider.get(f"{BASE}/cases").json()["items"] == []
    assert outsider.post(f"{BASE}/cases", body(world)).status_code == 403

    world.town_a_office.is_active = False
    world.town_a_office.save()
    assert clerk.get(f"{BASE}/cases/{case_id}").status_code == 404  # the unit no longer counts
    assert clerk.get(f"{BASE}/cases").json()["items"] == []
    world.town_a_office.is_active = True
    world.town_a_office.save()

    ApiToken.objects.filter(user=world.clerk_a).update(revoked_at=timezone.now())
    assert clerk.get(f"{BASE}/cases/{case_id}").status_code == 401
    fresh = api_as("clerk_a")
    world.clerk_a.is_active = False
    world.clerk_a.save()
    assert fresh.get(f"{BASE}/cases/{case_id}").status_code == 401


def test_a_retried_action_gets_the_first_answer_and_changes_nothing_more(world, api_as):
    """The action runs before its answer is recorded; on a retry the key's first answer wins and
    whatever the retry did is rolled back (here: the case is no longer in the state to forward)."""
    from casework.api.models import IdempotencyRecord
    from casework.cases.models import CaseNumberCounter

    clerk = api_as("clerk_a")
    case_id = clerk.post(f"{BASE}/cases", body(world), key="reg").json()["id"]
    forward = {"to_unit_id": world.county_housing.pk, "note": "请住建局办理"}
    first = clerk.post(f"{BASE}/cases/{case_id}/forward", forward, key="fwd")
    events = Event.objects.count()
    again = clerk.post(f"{BASE}/cases/{case_id}/forward", forward, key="fwd")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert Event.objects.count() == events
    retried = clerk.post(f"{BASE}/cases", body(world), key="reg")  # runs, then finds the key taken: undone
    assert retried.status_code == 201 and retried.json()["id"] == case_id
    assert Case.objects.count() == 1 and CaseNumberCounter.objects.get().last == 1  # no number used up
    assert IdempotencyRecord.objects.count() == 2


def test_the_token_loads_the_same_user_units_and_memberships_the_orm_does(world):
    """api.auth reads them with one hand-written statement: same values, same types (aware datetimes, bools)."""
    from django.utils import timezone

    from casework.api.auth import token_memberships
    from casework.api.models import ApiToken, token_digest
    from casework.organisation.models import Membership

    user = world.clerk_a
    user.last_login = timezone.now()
    user.save()
    _, token = ApiToken.issue(user, "test")
    loaded = token_memberships(token_digest(token))
    orm = list(Membership.objects.filter(user=user, unit__is_active=True)
               .select_related("user", "unit__jurisdiction").order_by("id"))

    def values(obj):
        return {f.attname: (type(getattr(obj, f.attname)), getattr(obj, f.attname)) for f in obj._meta.concrete_fields}

    assert loaded and len(loaded) == len(orm)
    for mine, theirs in zip(loaded, orm):
        assert values(mine) == values(theirs)
        assert values(mine.user) == values(theirs.user) and values(mine.unit) == values(theirs.unit)
        assert values(mine.unit.jurisdiction) == values(theirs.unit.jurisdiction)
    assert timezone.is_aware(loaded[0].user.last_login) and loaded[0].user.is_active is True


def test_delivery_objection_repeat_and_routes_through_the_api_xinfang_art_23_3_35_36_3(world, api_as):
    """Art 35: delivery recorded starts the review window; Art 23 ¶3: the sender decides on an objection;
    Art 36 ¶3 and Art 22 ¶2 through their endpoints; bad input is a 4xx that changes nothing."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    cid = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()["id"]
    api_as("handler_a").post(f"{BASE}/cases/{cid}/accept", {})
    r = api_as("handler_a").post(f"{BASE}/cases/{cid}/reply",
                                 {"outcome": "supported", "reasons": "属实", "opinion": "修复", "legal_basis": "《公路法》"})
    assert (r.json()["due_rule"], r.json()["reply_received_on"]) == ("", None)
    events = Event.objects.filter(case_id=cid).count()
    bad = api_as("handler_a").post(f"{BASE}/cases/{cid}/record-delivery", {"received_on": str(today), "manner": "fax"})
    future = api_as("handler_a").post(f"{BASE}/cases/{cid}/record-delivery",
                                      {"received_on": str(today + dt.timedelta(days=2)), "manner": "post"})
    assert (bad.status_code, future.status_code) == (422, 400)
    assert Event.objects.filter(case_id=cid).count() == events
    r = api_as("handler_a").post(f"{BASE}/cases/{cid}/record-delivery", {"received_on": str(today), "manner": "post"})
    assert r.status_code == 200, r.content
    assert (r.json()["due_rule"], r.json()["reply_received_on"], r.json()["reply_delivery"]) == (
        "review_request", str(today), "post")

    other = api_as("clerk_a").post(f"{BASE}/cases", body(world)).json()["id"]
    api_as("clerk_a").post(f"{BASE}/cases/{other}/forward", {"to_unit_id": world.county_housing.pk})
    r = api_as("housing_handler").post(f"{BASE}/cases/{other}/object", {"reason": "不属本局职责"})
    assert r.json()["state"] == "objected"
    r = api_as("clerk_a").post(f"{BASE}/cases/{other}/decide-objection", {"agree": True, "reason": "核实属实"})
    assert (r.status_code, r.json()["state"]) == (200, "registered")

    repeat = api_as("clerk_a").post(f"{BASE}/cases/{other}/refuse-repeat", {"final_case_id": cid, "reason": "相同"})
    assert repeat.status_code == 400 and "尚未复核终结" in repeat.json()["message"]
    missing_body = api_as("clerk_a").post(f"{BASE}/cases/{other}/redirect", {"route": "accusation", "reason": "检举"})
    assert missing_body.status_code == 400 and "承办机关" in missing_body.json()["message"]
    r = api_as("clerk_a").post(f"{BASE}/cases/{other}/redirect",
                               {"route": "accusation", "reason": "检举村干部", "body": "东县纪委监委"})
    assert (r.status_code, r.json()["state"]) == (200, "redirected")
