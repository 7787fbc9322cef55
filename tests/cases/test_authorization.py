"""Who may do what to which case: every actor × every action × every state, on the real database.

DESIGN.md quality bar: 「Every role × every action × every case state is covered by an
authorization test; no endpoint returns another jurisdiction's case.」

The expected outcome of each combination is derived here from tables written
out by hand (who holds which role in which unit, where each built case is, and
the lifecycle as DESIGN.md and 信访工作条例 describe it), never by asking the
code under test. Where the code disagrees with these tables, the test fails.

Scope rules the tables encode:
- staff see a case that passed through one of their units, and supervisors see
  every case of their jurisdiction's subtree;
- staff who recused themselves (Art 28 ¶3) or are named as complained about see nothing of it;
- the complainant (case number + access code) sees their own case only; the deadline job sees all;
- on a case they can see, staff act in the roles they hold in the unit that has the case now,
  plus 督办 (supervisor) where they supervise its jurisdiction; members of a unit complained
  about act in no role at all (Art 30 ¶3).

All cases are built once per module inside one transaction that is rolled back
at the end (``module_db``); each combination runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from casekit import REPLY, UPHELD, build_world, drive, register
from casework.audit.models import Event
from casework.cases.access import case_get, case_view, cases_visible_to, roles_on_case
from casework.cases.actions import (
    PersonData,
    case_accept,
    case_approve_extension,
    case_assign,
    case_decide_objection,
    case_decide_rereview,
    case_decide_review,
    case_end_hearing,
    case_expire_window,
    case_forward,
    case_merge,
    case_object,
    case_order_redo,
    case_rate,
    case_record_delivery,
    case_record_step,
    case_record_withdrawal,
    case_recuse,
    case_redirect,
    case_refuse_extension,
    case_refuse_repeat,
    case_allow_respondent_handling,
    case_set_respondents,
    case_register,
    case_reply,
    case_request_extension,
    case_request_rereview,
    case_request_review,
    case_start_hearing,
    case_withdraw,
)
from casework.cases.actions.common import acting_on
from casework.cases.actions.transition import case_transition
from casework.cases.actors import Actor
from casework.cases.errors import CaseworkError, NotFound
from casework.cases.models import Case, CaseUnit
from casework.documents.models import IssuedDocument
from casework.organisation.models import Membership
from casework.organisation.services import jurisdiction_create, unit_create
from casework.rules.lifecycle import TRANSITIONS, State

pytestmark = pytest.mark.usefixtures("module_db")

# -- the tables (written out by hand) ------------------------------------------------------------

CLERK, HANDLER, OFFICIAL = "intake_clerk", "handler", "accountable_official"
SUPERVISOR, MEDIATOR, ADMIN = "supervisor", "mediator", "administrator"
COMPLAINANT, SYSTEM = "complainant", "system"

PARENT = {"province": None, "city": "province", "county": "city", "town_a": "county", "town_b": "county",
          "other_city": "province"}

UNIT_JURISDICTION = {
    "town_a_office": "town_a", "town_b_office": "town_b", "county_bureau": "county", "county_housing": "county",
    "county_police": "county", "city_bureau": "city", "province_bureau": "province",
    "other_city_office": "other_city", "county_gov": "county", "city_gov": "city",
}

MEMBERS: dict[str, dict[str, set[str]]] = {
    # tests/conftest.py's world, copied from its docstring
    "clerk_a": {"town_a_office": {CLERK}},
    "handler_a": {"town_a_office": {HANDLER}},
    "official_a": {"town_a_office": {OFFICIAL}},
    "mediator_a": {"town_a_office": {MEDIATOR}},
    "clerk_b": {"town_b_office": {CLERK}},
    "handler_b": {"town_b_office": {HANDLER}},
    "supervisor": {"county_bureau": {SUPERVISOR}},
    "county_clerk": {"county_bureau": {CLERK}},
    "county_handler": {"county_bureau": {HANDLER}},
    "county_official": {"county_bureau": {OFFICIAL}},
    "admin_user": {"county_bureau": {ADMIN}},
    "housing_handler": {"county_housing": {HANDLER}},
    "housing_official": {"county_housing": {OFFICIAL}},
    "police_handler": {"county_police": {HANDLER}},
    "city_handler": {"city_bureau": {HANDLER}},
    "city_official": {"city_bureau": {OFFICIAL}},
    "city_supervisor": {"city_bureau": {SUPERVISOR}},
    "gov_clerk": {"county_gov": {CLERK}},
    "gov_handler": {"county_gov": {HANDLER}},
    "gov_official": {"county_gov": {OFFICIAL}},
    "city_gov_clerk": {"city_gov": {CLERK}},
    "city_gov_handler": {"city_gov": {HANDLER}},
    "city_gov_official": {"city_gov": {OFFICIAL}},
    "outsider": {},
    # added by this module
    "police_supervisor": {"county_police": {HANDLER}, "county_bureau": {SUPERVISOR}},  # complained about, and above
    "accused_official": {"town_a_office": {HANDLER}, "city_bureau": {SUPERVISOR}},  # named in the complaints
    "other_city_clerk": {"other_city_office": {CLERK}},  # another city under the same province
    "former_clerk": {"town_a_office": {CLERK}},  # account deactivated
}
INACTIVE = {"former_clerk"}
STAFF = tuple(MEMBERS)
ACTORS = (*STAFF, "anonymous", "complainant_self", "complainant_other", "system")

RESPONDENT_UNITS = {"county_police"}  # named in every state case
RESPONDENT_OFFICIALS = {"accused_official"}

# Where each built case is: its jurisdiction, the unit that has it now, every unit it passed through.
A = "town_a_office"


@dataclass(frozen=True)
class Where:
    jurisdiction: str
    current: str
    linked: frozenset[str]
    respondents: bool = False  # names county_police and accused_official
    recused: frozenset[str] = frozenset()


def _state_case(current: str, *linked: str) -> Where:
    return Where("town_a", current, frozenset({A, *linked}), respondents=True)


STATE_CASES: dict[str, Where] = {
    State.REGISTERED: _state_case(A),
    State.FORWARDED: _state_case("county_housing", "county_housing"),
    State.OBJECTED: _state_case(A, "county_housing"),  # the receiving unit objected: the sender decides
    State.REDIRECTED: _state_case(A),
    State.ACCEPTED: _state_case(A),
    State.REPLIED: _state_case(A),
    State.REVIEW: _state_case("county_gov", "county_gov"),
    State.REVIEWED: _state_case("county_gov", "county_gov"),
    State.REREVIEW: _state_case("city_gov", "county_gov", "city_gov"),
    State.HEARING: _state_case("city_gov", "county_gov", "city_gov"),
    State.FINAL: _state_case("city_gov", "county_gov", "city_gov"),
    State.CLOSED: _state_case(A),
}
CASES: dict[str, Where] = {
    **{str(s): w for s, w in STATE_CASES.items()},
    # the same states with the facts an action's guards need
    "pending_extension": _state_case(A),  # accepted, an extension awaits approval
    "expired_replied": _state_case(A),  # replied 100 days ago: the review window passed
    "undelivered_replied": _state_case(A),  # replied, the reply's delivery not yet recorded (Art 35)
    "expired_reviewed": _state_case("county_gov", "county_gov"),  # reviewed 100 days ago
    # the open case a resubmission is merged into: forwarded up through every level
    "merge_target": Where("town_a", "city_bureau", frozenset({A, "county_housing", "county_bureau", "city_bureau"})),
    # other cases, for the visibility checks
    "b_registered": Where("town_b", "town_b_office", frozenset({"town_b_office"})),
    "b_review": Where("town_b", "county_gov", frozenset({"town_b_office", "county_gov"})),
    "other_city": Where("other_city", "other_city_office", frozenset({"other_city_office"})),
    "recused": Where("town_a", A, frozenset({A}), recused=frozenset({"handler_a"})),
}
VARIANT = {("approve_extension", State.ACCEPTED): "pending_extension",
           ("record_delivery", State.REPLIED): "undelivered_replied",
           ("refuse_extension", State.ACCEPTED): "pending_extension",
           ("expire_window", State.REPLIED): "expired_replied",
           ("expire_window", State.REVIEWED): "expired_reviewed"}

OFFICIAL_OF = {A: "official_a", "county_housing": "housing_official", "county_bureau": "county_official",
               "city_bureau": "city_official", "county_gov": "gov_official", "city_gov": "city_gov_official"}
# 「上一级」 (Art 35, RULES.md §0): a township's body is reviewed by the county government, a county department
# by the county government (or its sector one level up), a government by the government one level up.
HIGHER = {A: "county_gov", "county_housing": "county_gov", "county_bureau": "county_gov", "county_gov": "city_gov",
          "city_bureau": "city_gov", "city_gov": "province_bureau"}
REQUESTS = ("request_review", "request_rereview")
NOTICE_ACTS = {"forward", "redirect", "refuse_repeat", "accept", "approve_extension", "reply", "decide_review", "decide_rereview",
               "order_redo"}  # registered by the complainant, or by the body asked

# The lifecycle, as DESIGN.md's table and 信访工作条例 describe it: (from states, to state or None, roles).
S = State
OPEN = frozenset(State) - {S.REDIRECTED, S.FINAL, S.CLOSED}
BEFORE_REPLY = frozenset({S.REGISTERED, S.FORWARDED})
AFTER_REPLY = frozenset({S.REPLIED, S.REVIEW, S.REVIEWED, S.REREVIEW, S.HEARING, S.FINAL, S.CLOSED})
SPEC: dict[str, tuple[frozenset, State | None, frozenset[str]]] = {
    "register": (frozenset(), S.REGISTERED, frozenset({CLERK, COMPLAINANT})),  # Art 17, 19, 22
    "forward": (BEFORE_REPLY, S.FORWARDED, frozenset({CLERK, HANDLER})),  # Art 22, 23 ¶3
    "object": (frozenset({S.FORWARDED}), S.OBJECTED, frozenset({HANDLER, OFFICIAL})),  # Art 23 ¶3
    # Art 23 ¶3 「核实同意」: the sending body, holding the case, agrees or not
    "agree_objection": (frozenset({S.OBJECTED}), S.REGISTERED, frozenset({CLERK, HANDLER, OFFICIAL})),
    "refuse_objection": (frozenset({S.OBJECTED}), S.FORWARDED, frozenset({CLERK, HANDLER, OFFICIAL})),
    "refuse_repeat": (BEFORE_REPLY, S.CLOSED, frozenset({CLERK, HANDLER, OFFICIAL})),  # Art 36 ¶3
    "record_delivery": (frozenset({S.REPLIED}), None, frozenset({CLERK, HANDLER, OFFICIAL})),  # Art 35
    "redirect": (BEFORE_REPLY, S.REDIRECTED, frozenset({CLERK, HANDLER, OFFICIAL})),  # Art 28 ¶2, 31(1)-(4)
    "accept": (BEFORE_REPLY, S.ACCEPTED, frozenset({HANDLER, OFFICIAL})),  # Art 31(6), 34
    "assign": (frozenset({S.ACCEPTED}), None, frozenset({OFFICIAL, SUPERVISOR})),  # Art 24
    "record_step": (frozenset({S.ACCEPTED, S.REVIEW, S.REREVIEW, S.HEARING}), None,
                    frozenset({HANDLER, OFFICIAL})),  # Art 31(6)
    "request_extension": (frozenset({S.ACCEPTED}), None, frozenset({HANDLER})),  # Art 34
    "approve_extension": (frozenset({S.ACCEPTED}), None, frozenset({OFFICIAL})),  # Art 34 本机关负责人
    "refuse_extension": (frozenset({S.ACCEPTED}), None, frozenset({OFFICIAL})),  # Art 34: who may approve may refuse
    "reply": (frozenset({S.ACCEPTED}), S.REPLIED, frozenset({HANDLER, OFFICIAL})),  # Art 32
    "request_review": (frozenset({S.REPLIED}), S.REVIEW, frozenset({COMPLAINANT, CLERK})),  # Art 35
    "decide_review": (frozenset({S.REVIEW}), S.REVIEWED, frozenset({HANDLER, OFFICIAL})),  # Art 35
    "request_rereview": (frozenset({S.REVIEWED}), S.REREVIEW, frozenset({COMPLAINANT, CLERK})),  # Art 36 ¶1
    "start_hearing": (frozenset({S.REREVIEW}), S.HEARING, frozenset({HANDLER, OFFICIAL})),  # Art 36 ¶2
    "end_hearing": (frozenset({S.HEARING}), S.REREVIEW, frozenset({HANDLER, OFFICIAL})),  # Art 36 ¶2
    "decide_rereview": (frozenset({S.REREVIEW}), S.FINAL, frozenset({HANDLER, OFFICIAL})),  # Art 36 ¶1, ¶3
    "withdraw": (OPEN, S.CLOSED, frozenset({COMPLAINANT})),  # Art 19: the complainant's own act
    "record_withdrawal": (OPEN, S.CLOSED, frozenset({CLERK, HANDLER})),  # a signed letter, its scan attached
    "order_redo": (frozenset({S.REVIEW, S.REREVIEW}), S.ACCEPTED, frozenset({HANDLER, OFFICIAL})),  # Art 35, 36
    "merge": (BEFORE_REPLY, S.CLOSED, frozenset({CLERK, HANDLER})),  # Art 19 ¶3
    "expire_window": (frozenset({S.REPLIED, S.REVIEWED}), S.CLOSED, frozenset({SYSTEM})),  # Art 35, 36
    "rate": (AFTER_REPLY, None, frozenset({COMPLAINANT})),  # Art 21 ¶2
    # Art 30 ¶3: who is complained about is named or corrected by those who have the case, in any state
    "set_respondents": (frozenset(State), None, frozenset({CLERK, HANDLER, OFFICIAL, SUPERVISOR})),
    "allow_respondent_handling": (OPEN, None, frozenset({SUPERVISOR})),  # a supervisor's leave, with a reason
}
# where the case goes when the action is allowed (None: it stays where it is)
UNIT_AFTER = {"forward": lambda cur: "town_b_office" if cur == "county_housing" else "county_housing",
              "object": lambda cur: A, "refuse_objection": lambda cur: "county_housing", "request_review": HIGHER.get, "request_rereview": HIGHER.get,
              "order_redo": lambda cur: A}  # back to the unit that replied


def test_the_spec_covers_every_action_of_the_lifecycle_table():
    """The hand-written table names every transition there is, so the matrix below misses none."""
    assert set(SPEC) == set(TRANSITIONS)


# -- expectations, from the tables only ----------------------------------------------------------


def _ancestors_and_self(jurisdiction: str) -> set[str]:
    out = set()
    while jurisdiction:
        out.add(jurisdiction)
        jurisdiction = PARENT[jurisdiction]
    return out


def supervises(actor: str, jurisdiction: str) -> bool:
    return actor not in INACTIVE and any(
        SUPERVISOR in roles and UNIT_JURISDICTION[unit] in _ancestors_and_self(jurisdiction)
        for unit, roles in MEMBERS.get(actor, {}).items()
    )


def staff_sees(actor: str, key: str) -> bool:
    where = CASES[key]
    if actor in INACTIVE or actor in where.recused or (where.respondents and actor in RESPONDENT_OFFICIALS):
        return False
    # mediators and administrators do not see grievances through their unit (PIPL Art 34, 51(4))
    units = {u for u, roles in MEMBERS.get(actor, {}).items() if roles - {MEDIATOR, ADMIN}}
    return bool(where.linked & units) or supervises(actor, where.jurisdiction)


def sees(actor: str, key: str, own_case: str) -> bool:
    """``own_case``: the case whose complainant ``complainant_self`` is."""
    if actor == "system":
        return True
    if actor == "complainant_self":
        return key == own_case
    if actor == "complainant_other":
        return key == "b_registered"
    if actor == "anonymous":
        return False
    return staff_sees(actor, key)


def expected_roles(actor: str, key: str) -> set[str]:
    where = CASES[key]
    if actor == "system":
        return {SYSTEM}
    if actor in ("complainant_self", "complainant_other"):
        return {COMPLAINANT}  # on a case they can see, i.e. their own
    if actor == "anonymous" or actor in INACTIVE:
        return set()
    if where.respondents and any(unit in RESPONDENT_UNITS for unit in MEMBERS[actor]):
        return set()  # Art 30 ¶3: a unit complained about never acts on the complaint
    roles = MEMBERS[actor].get(where.current, set()) & {CLERK, HANDLER, OFFICIAL}
    if supervises(actor, where.jurisdiction):
        roles = roles | {SUPERVISOR}
    return roles


def complained_about(actor: str) -> bool:
    """In a unit, or the official, every state case names as complained about (Art 30 ¶3)."""
    return actor in RESPONDENT_OFFICIALS or bool(RESPONDENT_UNITS & set(MEMBERS.get(actor, {})))


def review_intake(actor: str, key: str, state: State) -> bool:
    """The review body's intake clerk registers a request that came on paper (Art 35, 36 ¶1): they reach a
    case they cannot otherwise see, while the request can be made, unless they are recused, complained
    about, or in a unit complained about."""
    where = CASES[key]
    body = HIGHER[where.current]
    return (actor not in INACTIVE and CLERK in MEMBERS.get(actor, {}).get(body, set())
            and state in SPEC["request_review" if state == S.REPLIED else "request_rereview"][0]
            and not (where.respondents and (actor in RESPONDENT_OFFICIALS
                                            or RESPONDENT_UNITS & set(MEMBERS.get(actor, {}))))
            and actor not in where.recused)


def expected(actor: str, action: str, state: State) -> str:
    """Either "allowed" or the name of the error the actor gets."""
    sources, _, roles = SPEC[action]
    if action in REQUESTS:  # the clerk's role is held in the body asked, not in the unit that has the case
        key = VARIANT.get((action, state), str(state))
        where = CASES[key]
        intake = state in sources and review_intake(actor, key, state)
        if not sees(actor, key, own_case=key) and not intake:
            return "NotFound"
        if state not in sources:
            return "Conflict"
        complained = where.respondents and RESPONDENT_UNITS & set(MEMBERS.get(actor, {}))
        clerk = actor not in INACTIVE and CLERK in MEMBERS.get(actor, {}).get(HIGHER[where.current], set())
        held = {COMPLAINANT} if actor.startswith("complainant") else ({CLERK} if clerk and not complained else set())
        return "allowed" if held & roles else "Forbidden"
    if action == "register":  # a new case at the unit that has this state's case
        unit = STATE_CASES[state].current
        may = actor in ("complainant_self", "complainant_other") or (
            actor not in INACTIVE and CLERK in MEMBERS.get(actor, {}).get(unit, set()))
        return "allowed" if may else "Forbidden"
    key = VARIANT.get((action, state), str(state))
    if not sees(actor, key, own_case=key):
        return "NotFound"
    if action == "merge" and not sees(actor, "merge_target", own_case=key):
        return "NotFound"  # the target is fetched through the same scope before anything else
    if action == "refuse_repeat" and not (sees(actor, str(S.FINAL), own_case=key) and not complained_about(actor)):
        return "NotFound"  # the final case too, and a unit complained about does not act on it (Art 30 ¶3)
    if state not in sources:
        return "Conflict"
    if not (expected_roles(actor, key) & roles):
        return "Forbidden"
    return "allowed"


# -- the world and the cases, built once ---------------------------------------------------------


@dataclass
class Built:
    world: object
    cases: dict[str, Case]
    pristine: dict[int, tuple]  # snapshot() of every built case

    def case(self, key: str) -> Case:
        return self.cases[key]

    def who(self, actor: str, own_case: Case):
        if actor == "system":
            return Actor.system()
        if actor == "complainant_self":
            return Actor.complainant(own_case.pk)
        if actor == "complainant_other":
            return Actor.complainant(self.cases["b_registered"].pk)
        if actor == "anonymous":
            return AnonymousUser()
        return self.world.users[actor]


def _snapshot_sql() -> str:
    case, event, link = Case._meta.db_table, Event._meta.db_table, CaseUnit._meta.db_table
    document = IssuedDocument._meta.db_table
    columns = ", ".join(f'c."{f.column}"' for f in Case._meta.concrete_fields)
    return (
        f"SELECT {columns}, (SELECT COUNT(*) FROM {event} e WHERE e.case_id = c.id), (SELECT COUNT(*) FROM {case}),"
        f" (SELECT COUNT(*) FROM {event}), (SELECT COUNT(*) FROM {link}), (SELECT COUNT(*) FROM {document})"
        f" FROM {case} c WHERE c.id = %s"
    )


def snapshot(case_id: int) -> tuple:
    """In one query: every column of the case row, its events, and how many cases, events and unit links
    there are in all (the matrix runs thousands of these; the ORM's compiling would dominate)."""
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql(), [case_id])
        return cursor.fetchone()


def _totals(snap: tuple) -> tuple[int, int, int, int]:
    return snap[-4:]  # cases, events, unit links, issued documents


def _case_events(snap: tuple) -> int:
    return snap[-5]


def _column(snap: tuple, name: str):
    return snap[[f.column for f in Case._meta.concrete_fields].index(name)]


def _add_to_world(w) -> None:
    User = get_user_model()
    j, u = w.jurisdictions, w.units
    j["other_city"] = jurisdiction_create(name="B市", code="C2", level="city", parent=j["province"])
    u["province_bureau"] = unit_create(name="西地省信访局", kind="petition_office", jurisdiction=j["province"])
    u["other_city_office"] = unit_create(name="B市信访局", kind="petition_office", jurisdiction=j["other_city"])
    for name in ("police_supervisor", "accused_official", "other_city_clerk", "former_clerk"):
        w.users[name] = User.objects.create_user(name, password="pw-" + name)
        for unit, roles in MEMBERS[name].items():
            for role in roles:
                Membership.objects.create(user=w.users[name], unit=u[unit], role=role)
    w.users["former_clerk"].is_active = False
    w.users["former_clerk"].save(update_fields=["is_active"])


@pytest.fixture(scope="module")
def built(module_db) -> Built:
    w = build_world(None)
    _add_to_world(w)
    u, users = w.units, w.users
    complained = {"respondent_unit_ids": [u["county_police"].pk],
                  "respondent_official_ids": [users["accused_official"].pk]}
    cases: dict[str, Case] = {}
    for state in State:
        cases[str(state)] = drive(w, state, **complained)
    cases["pending_extension"] = drive(w, "pending_extension", **complained)
    long_ago = timezone.localdate() - dt.timedelta(days=100)
    cases["expired_replied"] = drive(w, State.REPLIED, on=long_ago, **complained)
    cases["expired_reviewed"] = drive(w, State.REVIEWED, on=long_ago, **complained)
    undelivered = register(w, **complained).case
    case_accept(users["handler_a"], case_id=undelivered.pk)
    case_reply(users["handler_a"], case_id=undelivered.pk, **REPLY)
    cases["undelivered_replied"] = undelivered

    target = register(w).case
    case_forward(users["clerk_a"], case_id=target.pk, to_unit_id=u["county_housing"].pk)
    case_forward(users["housing_handler"], case_id=target.pk, to_unit_id=u["county_bureau"].pk)
    case_forward(users["county_handler"], case_id=target.pk, to_unit_id=u["city_bureau"].pk)
    cases["merge_target"] = target

    cases["b_registered"] = register(w, by="clerk_b", unit="town_b_office").case
    b_review = register(w, by="clerk_b", unit="town_b_office").case
    case_accept(users["handler_b"], case_id=b_review.pk)
    case_reply(users["handler_b"], case_id=b_review.pk, **REPLY)
    case_request_review(Actor.complainant(b_review.pk), case_id=b_review.pk, review_unit_id=u["county_gov"].pk,
                        reason="不服")
    cases["b_review"] = b_review
    cases["other_city"] = register(w, by="other_city_clerk", unit="other_city_office").case
    recused = register(w).case
    case_recuse(users["handler_a"], case_id=recused.pk, reason="信访人是其亲属")
    cases["recused"] = recused

    cases = {k: Case.objects.get(pk=c.pk) for k, c in cases.items()}
    return Built(w, cases, {c.pk: snapshot(c.pk) for c in cases.values()})


# -- the facts the tables rest on ----------------------------------------------------------------


def test_the_members_table_is_the_world(built, db):
    """MEMBERS above is what the database holds (else the expectations below rest on nothing)."""
    held: dict[str, dict[str, set[str]]] = {name: {} for name in STAFF}
    unit_key = {unit.pk: key for key, unit in built.world.units.items()}
    for m in Membership.objects.select_related("user"):
        held.setdefault(m.user.username, {}).setdefault(unit_key[m.unit_id], set()).add(m.role)
    assert held == MEMBERS
    assert {k: UNIT_JURISDICTION[k] for k in built.world.units} == {
        k: next(j for j, obj in built.world.jurisdictions.items() if obj.pk == unit.jurisdiction_id)
        for k, unit in built.world.units.items()}
    assert {k for k, user in built.world.users.items() if not user.is_active} == INACTIVE
    jurisdictions = built.world.jurisdictions
    key_of = {j.pk: k for k, j in jurisdictions.items()}
    assert {k: key_of.get(j.parent_id) for k, j in jurisdictions.items()} == PARENT


def test_each_built_case_is_where_the_table_says(built, db):
    """State, current unit, every unit passed through, jurisdiction: as CASES says."""
    unit_key = {unit.pk: key for key, unit in built.world.units.items()}
    jurisdiction_key = {j.pk: key for key, j in built.world.jurisdictions.items()}
    for key, where in CASES.items():
        case = built.case(key)
        linked = {unit_key[pk] for pk in CaseUnit.objects.filter(case=case).values_list("unit_id", flat=True)}
        assert (unit_key[case.current_unit_id], linked, jurisdiction_key[case.jurisdiction_id]) == (
            where.current, set(where.linked), where.jurisdiction), key
        assert bool(case.respondent_officials.exists()) is where.respondents, key
    for state in State:
        assert built.case(str(state)).state == state
    assert built.case("pending_extension").extension_pending_days == 15
    assert built.case("expired_replied").state == "replied" and built.case("expired_reviewed").state == "reviewed"
    assert built.case("merge_target").state == "forwarded"


# -- the matrix ----------------------------------------------------------------------------------


def _expire_window(who, case: Case, built: Built) -> None:
    """``case_expire_window`` acts as the deadline job only; anyone else is put through the same choke point."""
    if isinstance(who, Actor) and who.kind == SYSTEM:
        case_expire_window(case_id=case.pk)
        return
    with acting_on(who, case.pk) as (actor, locked):
        case_transition(actor, locked, "expire_window")


def _unit(built: Built, key: str) -> int:
    return built.world.units[key].pk


def _current(case: Case, built: Built) -> str:
    return next(k for k, unit in built.world.units.items() if unit.pk == case.current_unit_id)


CALLS = {
    "register": lambda who, case, b: case_register(
        who, unit_id=case.current_unit_id, complainants=[PersonData(name="王五", address="甲镇")], channel="visit",
        request="请求答复", facts_reasons="事实和理由"),
    "forward": lambda who, case, b: case_forward(
        who, case_id=case.pk, to_unit_id=_unit(b, UNIT_AFTER["forward"](_current(case, b))), note="转送"),
    "object": lambda who, case, b: case_object(who, case_id=case.pk, reason="不属本单位职责"),
    "redirect": lambda who, case, b: case_redirect(who, case_id=case.pk, route="litigation", reason="应诉讼"),
    "agree_objection": lambda who, case, b: case_decide_objection(who, case_id=case.pk, agree=True, reason="核实属实"),
    "refuse_objection": lambda who, case, b: case_decide_objection(who, case_id=case.pk, agree=False, reason="属其职责"),
    "refuse_repeat": lambda who, case, b: case_refuse_repeat(
        who, case_id=case.pk, final_case_id=b.case(str(State.FINAL)).pk, reason="同一事实和理由"),
    "record_delivery": lambda who, case, b: case_record_delivery(
        who, case_id=case.pk, received_on=timezone.localdate(), manner="post"),
    "accept": lambda who, case, b: case_accept(who, case_id=case.pk),
    "assign": lambda who, case, b: case_assign(
        who, case_id=case.pk, accountable_official_id=b.world.users[OFFICIAL_OF[_current(case, b)]].pk),
    "record_step": lambda who, case, b: case_record_step(who, case_id=case.pk, note="电话联系信访人", kind="contact"),
    "request_extension": lambda who, case, b: case_request_extension(who, case_id=case.pk, days=10, reason="需勘查"),
    "approve_extension": lambda who, case, b: case_approve_extension(who, case_id=case.pk),
    "refuse_extension": lambda who, case, b: case_refuse_extension(who, case_id=case.pk, reason="现有期限足够"),
    "reply": lambda who, case, b: case_reply(who, case_id=case.pk, **REPLY),
    "request_review": lambda who, case, b: case_request_review(
        who, case_id=case.pk, review_unit_id=_unit(b, HIGHER[_current(case, b)]), reason="不服"),
    "decide_review": lambda who, case, b: case_decide_review(who, case_id=case.pk, **UPHELD),
    "request_rereview": lambda who, case, b: case_request_rereview(
        who, case_id=case.pk, rereview_unit_id=_unit(b, HIGHER[_current(case, b)]), reason="不服"),
    "start_hearing": lambda who, case, b: case_start_hearing(who, case_id=case.pk, note="听证"),
    "end_hearing": lambda who, case, b: case_end_hearing(who, case_id=case.pk, note="听证结束"),
    "decide_rereview": lambda who, case, b: case_decide_rereview(who, case_id=case.pk, **UPHELD),
    "order_redo": lambda who, case, b: case_order_redo(
        who, case_id=case.pk, findings="原处理意见认定事实不清", opinion="责令重新调查核实后出具处理意见",
        legal_basis="《信访工作条例》第三十五条"),
    "withdraw": lambda who, case, b: case_withdraw(who, case_id=case.pk, reason="撤回"),
    "record_withdrawal": lambda who, case, b: case_record_withdrawal(
        who, case_id=case.pk, reason="信访人来信撤回", letter=SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed")),
    "merge": lambda who, case, b: case_merge(who, case_id=case.pk, into_case_id=b.case("merge_target").pk),
    "expire_window": _expire_window,
    "rate": lambda who, case, b: case_rate(who, case_id=case.pk, satisfaction="satisfied"),
    "set_respondents": lambda who, case, b: case_set_respondents(
        who, case_id=case.pk, unit_ids=[b.world.units["county_police"].pk],
        official_ids=[b.world.users["accused_official"].pk], reason="核实后更正"),
    "allow_respondent_handling": lambda who, case, b: case_allow_respondent_handling(
        who, case_id=case.pk, unit_id=b.world.units["county_police"].pk, reason="唯一有权处理的机关"),
}

PAIRS = [(state, action) for state in State for action in TRANSITIONS]


@pytest.mark.parametrize("state, action", PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_matrix(built, db, state, action):
    """Every actor × this action × this state. Allowed iff the actor can see the case, the state is a
    source of the action and the actor's roles on the case include one the action allows. Refused:
    NotFound (no hint the case exists) for those who cannot see it, Conflict for the wrong state,
    Forbidden for the wrong role; and nothing changes. Each actor's attempt runs in its own savepoint,
    rolled back after it, so every actor meets the same case."""
    failures = []
    for actor in ACTORS:
        try:
            with transaction.atomic():
                try:
                    _attempt(built, state, action, actor)
                finally:
                    transaction.set_rollback(True)
        except AssertionError as failure:
            failures.append(f"{actor}: {failure}")
    assert not failures, f"{len(failures)} of {len(ACTORS)} actors:\n" + "\n".join(failures)


def _attempt(built: Built, state: State, action: str, actor: str) -> None:
    # given
    key = VARIANT.get((action, state), str(state))
    case = built.case(key)
    who = built.who(actor, case)
    want = expected(actor, action, state)
    # when
    try:
        result = CALLS[action](who, case, built)
        got, error = "allowed", None
    except CaseworkError as e:
        got, error = type(e).__name__, e
    # then
    context = f"{action} on {key} with roles {sorted(expected_roles(actor, key))}"
    assert got == want, f"{context}: expected {want}, got {got} ({getattr(error, 'message', '')})"
    if got == "allowed":
        _assert_took_effect(built, case, action, actor, result)
    else:
        assert error.code == {"NotFound": "not_found", "Conflict": "wrong_state", "Forbidden": "forbidden"}[got]
        if got == "NotFound":
            assert case.number not in error.message and case.title not in error.message, "NotFound leaks the case"
        after, before = snapshot(case.pk), built.pristine[case.pk]
        assert after[:-4] == before[:-4], f"{context}: the case or its events changed although refused"
        assert _totals(after) == _totals(before), f"{context}: rows were written although refused"


def _assert_took_effect(built: Built, case: Case, action: str, actor: str, result) -> None:
    _, target, _ = SPEC[action]
    before, after = built.pristine[case.pk], snapshot(case.pk)
    cases, events, _, _ = _totals(before)
    if action == "register":
        new = result.case
        assert (new.state, new.current_unit_id) == ("registered", case.current_unit_id)
        assert _totals(after)[:2] == (cases + 1, events + 1)
        assert list(Event.objects.filter(case=new).values_list("verb", flat=True)) == ["register"]
        return
    assert _column(after, "state") == (target or _column(before, "state"))
    assert _case_events(after) == _case_events(before) + 1  # exactly one event
    assert _totals(after)[:2] == (cases, events + 1)
    # the notice the act calls for is issued with it, once (信访工作条例 Art 22, 23, 31, 32, 34-36)
    assert _totals(after)[3] == _totals(before)[3] + (1 if action in NOTICE_ACTS else 0)
    event = Event.objects.filter(case=case).order_by("-id").first()
    assert event.verb == action
    kind = {"system": "system", "complainant_self": "complainant"}.get(actor, "staff")
    assert (event.actor_kind, event.actor_id) == (kind, built.world.users[actor].pk if kind == "staff" else None)
    if action in UNIT_AFTER:
        assert _column(after, "current_unit_id") == _unit(built, UNIT_AFTER[action](CASES[str(case.state)].current))


# -- who sees which case ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [*STAFF, "anonymous"])
def test_cases_visible_to_is_exactly_the_expected_set(built, db, actor):
    """One scoping function decides (STYLE.md, Scope every query): units passed through, plus the
    supervisor's subtree, minus recusals (Art 28 ¶3) and complaints naming the person."""
    # given
    user = AnonymousUser() if actor == "anonymous" else built.world.users[actor]
    key_of = {c.pk: k for k, c in built.cases.items()}
    # when
    visible = {key_of[pk] for pk in cases_visible_to(user).values_list("pk", flat=True)}
    # then
    assert visible == {k for k in CASES if actor != "anonymous" and staff_sees(actor, k)}


@pytest.mark.parametrize("actor", ACTORS)
def test_case_get_finds_exactly_the_cases_the_actor_may_see(built, db, actor):
    """``case_get`` (by id and by number) applies the same rule as ``cases_visible_to``, for every built
    case; what it may not show is NotFound, with nothing of the case in the message."""
    for key, case in built.cases.items():
        who = built.who(actor, case if actor == "complainant_self" else built.case("registered"))
        own = key if actor == "complainant_self" else "registered"
        for lookup in ({"case_id": case.pk}, {"number": case.number}):
            try:
                found = case_get(who, **lookup)
            except NotFound as e:
                assert not sees(actor, key, own_case=own), f"{actor} should find {key} by {lookup}"
                assert case.number not in e.message
            else:
                assert sees(actor, key, own_case=own), f"{actor} must not find {key} by {lookup}"
                assert found.pk == case.pk


def test_no_case_leaks_across_jurisdictions(built, db):
    """No one outside a jurisdiction sees its cases: not the neighbouring township, not the other city's
    office, and a county supervisor does not see the neighbouring city's case."""
    users, cases = built.world.users, built.cases
    assert set(cases_visible_to(users["other_city_clerk"])) == {cases["other_city"]}
    assert cases["other_city"] not in set(cases_visible_to(users["supervisor"]))
    assert cases["other_city"] not in set(cases_visible_to(users["city_supervisor"]))
    assert not {cases["b_registered"], cases["b_review"]} & set(cases_visible_to(users["clerk_a"]))
    assert not {cases[str(s)] for s in State} & set(cases_visible_to(users["clerk_b"]))
    for actor in ("clerk_b", "handler_b", "other_city_clerk", "police_handler", "outsider"):
        with pytest.raises(NotFound):
            case_get(users[actor], case_id=cases["registered"].pk)
        with pytest.raises(NotFound):
            case_get(users[actor], number=cases["registered"].number)


@pytest.mark.parametrize("state", list(State))
def test_roles_on_case_are_what_the_tables_say(built, db, state):
    """The roles each actor may act in, per state: the unit that has the case now, plus 督办 above."""
    case = built.case(str(state))
    for actor in ACTORS:
        if not sees(actor, str(state), own_case=str(state)):
            continue
        assert set(roles_on_case(built.who(actor, case), case)) == expected_roles(actor, str(state)), actor


@pytest.mark.parametrize("state", list(State))
def test_the_unit_complained_about_never_sees_identity_or_materials_xinfang_art_30_3(built, db, state):
    """Art 30 ¶3: 「不得将信访人的检举、揭发材料以及有关情况透露…给被检举、揭发的…单位」. Its handler
    cannot see the case at all; its member who supervises from above sees the case but neither the
    complainant's identity nor the materials, and may take no action on it."""
    # given
    case = built.case(str(state))
    users = built.world.users
    # then
    with pytest.raises(NotFound):
        case_get(users["police_handler"], case_id=case.pk)
    seen = case_get(users["police_supervisor"], case_id=case.pk)
    shown = case_view(users["police_supervisor"], seen)
    assert (shown.identity, shown.materials) == (False, False)
    assert roles_on_case(users["police_supervisor"], seen) == frozenset()
    plain = case_view(users["supervisor"], case_get(users["supervisor"], case_id=case.pk))
    assert (plain.identity, plain.materials) == (True, True)


@pytest.mark.parametrize("state", list(State))
def test_an_official_complained_about_never_sees_the_case_xinfang_art_30_3(built, db, state):
    """Art 30 ¶3: the person complained about sees nothing of the complaint, although they work in the
    unit that handles it and supervise from the city above."""
    case = built.case(str(state))
    accused = built.world.users["accused_official"]
    assert case not in set(cases_visible_to(accused))
    with pytest.raises(NotFound):
        case_get(accused, case_id=case.pk)
    with pytest.raises(NotFound):
        case_get(accused, number=case.number)
    assert roles_on_case(accused, case) == frozenset()
    assert built.case("merge_target") in set(cases_visible_to(accused))  # a case not about them: seen as usual
