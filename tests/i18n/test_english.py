"""The staff workspace, the mediation pages and the public portal in English, through Django's i18n.

Chinese is the default and the source language: a browser that asks for nothing (or for a
language we do not have) gets Chinese. A browser that asks for English (Accept-Language, or
the cookie the header's language switcher sets) gets every word of the interface in English;
what stays Chinese is what people wrote (names, addresses, requests, unit names, case and
notice numbers) and what is marked as Chinese with a ``lang`` attribute (the switcher's
"简体中文").

The check: take the text a person sees or hears (text outside <script>/<style>, and the
title / aria-label / placeholder / alt attributes), remove every string stored in the
database (the user data), and find no Chinese character or Chinese punctuation left.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

from casework.cases.actions import case_accept, case_reply
from casework.cases.actions.supervision import supervision_issue
from casework.mediation import actions as M
from casework.mediation.models import Dispute
from tests.conftest import register
from tests.mediation.conftest import complete_details, mworld, new_dispute  # noqa: F401  (mworld is a fixture)

# CJK ideographs (with extension A and the compatibility block), CJK punctuation (、。《》「」〔〕)
# and the full-width forms (（）：，；).
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
DATA_APPS = {"auth", "organisation", "cases", "mediation", "audit", "portal", "documents"}  # documents: 发文字号


class _VisibleText(HTMLParser):
    """The text of a page as a person meets it, leaving out what is marked as Chinese."""

    SKIP = {"script", "style"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, skipped)
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.open)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        skipped = tag in self.SKIP or a.get("lang", "").lower().startswith("zh")
        if not (skipped or self._skipping()):
            self.chunks += [a[name] for name in self.ATTRIBUTES if a.get(name)]
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.chunks.append(a["value"])
        if tag not in self.VOID:
            self.open.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        if not self._skipping():
            self.chunks.append(data)


def _strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value.strip())
        out.update(line.strip() for line in value.splitlines())
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, out)


def user_data() -> list[str]:
    """Every text stored in the database that contains Chinese, longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        if names:
            for row in model.objects.values_list(*names):
                _strings(row, found)
    return sorted((s for s in found if CHINESE.search(s)), key=len, reverse=True)


def chinese_left(html: str) -> list[str]:
    """The visible chunks of the page that still hold Chinese once the user data is taken out."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    data = user_data()
    left = []
    for chunk in parser.chunks:
        for value in data:
            chunk = chunk.replace(value, " ")
        if CHINESE.search(chunk):
            left.append(chunk.strip())
    return left


def english(response, *expected: str) -> str:
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert chinese_left(html) == []
    shown = unescape(html)
    for text in expected:
        assert text in shown, text
    return html


def en_client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


# -- scenarios ------------------------------------------------------------------------


@pytest.fixture
def handled(world):
    """A case of 甲镇 accepted by its handler, with a supervision notice from the county awaiting the answer."""
    case = register(world, received_on=timezone.localdate() - dt.timedelta(days=10)).case
    case_accept(world.handler_a, case_id=case.pk, note="已受理，安排走访核实")
    supervision_issue(world.supervisor, case_id=case.pk, instruction="请于五个工作日内答复信访人", days=5)
    return case


@pytest.fixture
def replied(world):
    """A case with a handling opinion: outcome, documents, the review window."""
    r = register(world)
    case_accept(world.handler_a, case_id=r.case.pk)
    case_reply(world.handler_a, case_id=r.case.pk, outcome="explained", reasons="经核实，村道确有损坏",
               opinion="纳入今年修缮计划", legal_basis="《信访工作条例》第三十二条")
    return r


@pytest.fixture
def settled(mworld):
    """A dispute mediated to a written agreement whose confirmation window closes soon, and one still open."""
    d = new_dispute(mworld)
    M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="双方同意按原界址重砌围墙", attendees="王大、李二")
    today = timezone.localdate()
    complete_details(mworld, d)
    M.dispute_draft_agreement(mworld.village_mediator, dispute_id=d.pk, facts_responsibility="围墙越界半米",
                              terms="王大拆除越界部分\n李二承担一半费用", performance_manner="当面交付",
                              performance_deadline=today)
    M.dispute_sign_agreement(mworld.village_mediator, dispute_id=d.pk, mediator_signed=True, sealed=True,
                             signatures={p: "signed" for p in d.parties.values_list("pk", flat=True)})
    Dispute.objects.filter(pk=d.pk).update(confirmation_due_on=today + dt.timedelta(days=3))
    new_dispute(mworld, dispute_type="neighbour", facts="楼上漏水")
    return d


# -- staff pages ----------------------------------------------------------------------


def test_login_page_in_english(db):
    english(en_client().get("/accounts/login/"), "Log in", "Username", "Password", 'lang="zh-Hans"')


def test_wrong_password_message_in_english(world):
    english(en_client().post("/accounts/login/", {"username": "clerk_a", "password": "wrong"}),
            "The username or password is not correct.")


def test_my_work_in_english(world, handled):
    html = english(en_client(world.handler_a).get("/"),
                   "My work", "Overdue", "Due within 3 days", "Search and filter", "Being handled",
                   "Supervision notices awaiting your answer", "Page 1 of 1")
    assert handled.number in html


def test_my_work_filters_in_english(world, handled):
    english(en_client(world.handler_a).get("/", {"received_from": "2026-03-02", "received_to": "2026-03-01"}),
            "The end date cannot be before the start date", "Urgency", "All")


def test_intake_desk_in_english(world):
    english(en_client(world.clerk_a).get("/intake/"),
            "Register a grievance", "Complainants", "Add a complainant (representative)", "Visit", "Letter",
            "Forward to the competent unit", "Register (Ctrl+Enter)")


def test_intake_errors_in_english(world):
    response = en_client(world.clerk_a).post("/intake/", {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "unit_id": world.town_a_office.pk, "channel": "visit", "next_step": "forward"})
    english(response, "Please fill in", "Please choose the unit to forward to")


def test_registered_page_in_english(world):
    client = en_client(world.clerk_a)
    response = client.post("/intake/", {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "赵六", "p-0-address": "甲镇东街1号", "unit_id": world.town_a_office.pk, "channel": "letter",
        "request": "请求解决路灯不亮", "facts_reasons": "东街路灯坏了三个月"})
    assert response.status_code == 302
    english(client.get(response["Location"]), "Registered", "Access code", "Open the case")


def test_case_workspace_of_the_handler_in_english(world, handled):
    english(en_client(world.handler_a).get(f"/cases/{handled.pk}/"),
            "Status: ", "Being handled", "Time limits", "Handling period", "Regulations on Petition Work, Art. 34",
            "Available actions", "Issue the handling opinion", "Request an extension", "Explained",
            "Answer the supervision notice", "Recuse yourself", "History", "Accept")


def test_case_workspace_of_the_supervisor_in_english(world, handled):
    english(en_client(world.supervisor).get(f"/cases/{handled.pk}/"),
            "Issue a supervision notice", "Supervision instructions", "Time limit (working days)")


def test_case_workspace_after_the_reply_in_english(world, replied):
    english(en_client(world.handler_a).get(f"/cases/{replied.case.pk}/"),
            "Replied", "Outcome: ", "Explained", "Documents", "Registration receipt", "Handling opinion",
            "Window to request review")


def test_case_workspace_of_the_unit_complained_about_in_english(world):
    case = register(world, respondent_unit_ids=[world.county_bureau.pk]).case
    english(en_client(world.supervisor).get(f"/cases/{case.pk}/"), "Your unit is complained about")


def test_an_action_done_is_said_in_english(world, handled):
    client = en_client(world.handler_a)
    response = client.post(f"/cases/{handled.pk}/act/record_step/",
                           {"record_step-kind": "investigation", "record_step-note": "到现场查看"})
    assert response.status_code == 302
    english(client.get(response["Location"]), "Done: Record a step")


def test_supervision_board_in_english(world, handled):
    english(en_client(world.supervisor).get("/supervision/"),
            "Overdue cases (the longest overdue first)", "On-time reply rate", "Timeliness and satisfaction by unit",
            "Supervision notices",
            "Awaiting answer")


@pytest.mark.parametrize("query, expected", [
    ({}, ["Deadline calculator", "Start date", "Handling period: 60 days (Regulations on Petition Work, Art. 34)",
          "Window to object to a forwarding: 5 working days"]),
    ({"start": "2026-03-02", "rule": "handling"}, ["Due date: ", "May 6, 2026", "2026-05-06", "Basis: "]),
    ({"start": "2026-12-01", "rule": "handling"}, ["Provisional: the holiday schedule"]),
    ({"start": "2026-03-02", "days": "abc"}, ["The number of days must be a whole number"]),
], ids=["form", "answer", "provisional", "error"])
def test_due_date_calculator_in_english(world, query, expected):
    english(en_client(world.clerk_a).get("/tools/due-date/", query), *expected)


# -- mediation ------------------------------------------------------------------------


def test_mediation_board_in_english(mworld, settled):
    english(en_client(mworld.village_mediator).get("/mediation/"),
            "People's mediation", "Register a dispute", "Window for judicial confirmation closing soon",
            "Performance deadline reached", "Open disputes of this unit", "Awaiting mediation", "Neighbour dispute",
            "Settlements by level", "Village (community)")


def test_dispute_page_in_english(mworld, settled):
    english(en_client(mworld.village_mediator).get(f"/mediation/{settled.pk}/"),
            "Land or homestead boundary dispute", "Agreement reached", "Mediation sessions (Art. 27)",
            "Written agreement, effective", "Judicial confirmation:", "Follow up on performance",
            "People's Mediation Law, Art. 31, 32", "Declare a conflict of interest")


def test_refused_dispute_page_in_english(mworld):
    d = new_dispute(mworld)
    M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party_id=d.parties.get(person__name="李二").pk,
                           routes_told=True)
    english(en_client(mworld.village_mediator).get(f"/mediation/{d.pk}/"),
            "Mediation refused by a party", "they may protect their rights by arbitration")


def test_dispute_register_page_in_english(mworld):
    english(en_client(mworld.village_mediator).get("/mediation/new/"),
            "Register a dispute", "Parties (at least two", "Add a party", "Type of dispute", "Tenancy dispute")


# -- portal ---------------------------------------------------------------------------


def test_portal_home_in_english(db):
    english(en_client().get("/portal/"), "Online grievances", "Submit a grievance", "Check progress")


def test_portal_submit_in_english(world):
    client = en_client()
    english(client.get("/portal/submit/"), "Grievance office to address", "Facts and reasons", "Please choose")
    english(client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七"}),
            "Please fill in")
    done = client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
                                           "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"})
    english(done, "Submitted", "Write down or take a screenshot", "View progress")


def test_portal_lookup_in_english(world):
    r = register(world)
    client = en_client()
    english(client.get("/portal/lookup/"), "Check progress", "Case number", "Access code")
    english(client.post("/portal/lookup/", {"number": r.case.number, "code": "WRONGCODE"}),
            "The case number or access code is not correct.")


def test_portal_case_in_english(world, replied):
    client = en_client()
    assert client.post("/portal/lookup/", {"number": replied.case.number, "code": replied.access_code}).status_code == 302
    english(client.get(f"/portal/case/{replied.case.number}/"),
            "Current status: ", "Replied", "If you disagree with the handling opinion", "Progress",
            "Handling opinion issued", "Request review", "Rating", "Are you satisfied with the outcome?",
            "Mostly satisfied")


# -- Chinese by default, English on request --------------------------------------------


@pytest.mark.parametrize("accept", [None, "zh-CN,zh;q=0.9", "fr-FR,fr;q=0.8", "de"])
def test_chinese_is_the_default(db, accept):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    for url, chinese in [("/accounts/login/", "用户名"), ("/portal/", "我要反映")]:
        html = Client(**headers).get(url).content.decode()
        assert '<html lang="zh-Hans">' in html
        assert chinese in html
        assert 'lang="en">English</button>' in html  # the switcher offers English, in English


def test_staff_pages_are_chinese_by_default(world, handled):
    client = Client()
    client.force_login(world.handler_a)
    html = client.get(f"/cases/{handled.pk}/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "办理期限" in html and "信访工作条例 第34条" in html and "出具处理意见书" in html
    assert "Handling period" not in html


def test_the_switcher_sets_the_language_and_goes_back(world):
    client = Client()
    client.force_login(world.clerk_a)
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="next" value="/"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    english(client.get("/"), "My work")
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/portal/"})
    assert back["Location"] == "/portal/"
    assert "我要反映" in client.get("/portal/").content.decode()


def test_the_portal_switcher_keeps_the_page(db):
    client = Client()
    html = client.get("/portal/lookup/").content.decode()
    assert 'name="next" value="/portal/lookup/"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/lookup/"})
    english(client.get("/portal/lookup/"), "Check progress", 'lang="zh-Hans">简体中文</button>')


def test_the_csv_export_speaks_the_language_of_the_page(world, handled):
    chinese = Client()
    chinese.force_login(world.handler_a)
    assert b"".join(chinese.get("/export.csv").streaming_content).decode().startswith("\ufeff案件编号,标题,状态")
    body = b"".join(en_client(world.handler_a).get("/export.csv").streaming_content).decode()
    assert body.startswith("\ufeffCase number,Title,Status,Outcome,Review decision,Re-review decision,Channel")
    assert "Being handled" in body and "Visit" in body
