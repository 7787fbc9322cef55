"""我的工作 for the head of a unit and for a reviewing body (信访工作条例 Art 34, 35, 36).

The head of the unit (包案领导 / 本机关负责人) decides extension requests right there; the body one level up
sees new review and re-review requests before anything else. What is offered comes from the lifecycle
table and its preconditions (``lifecycle.offered``), so a decided request offers nothing more.
"""

from __future__ import annotations

import pytest
from django.test import Client

from casework.audit.models import Event
from casework.cases.actions import case_record_step, case_request_extension, supervision_issue
from casework.cases.models import Case
from tests.cases.casekit import drive


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def asked(world) -> Case:
    """Accepted at 甲镇信访办; its handler asks for 20 more days."""
    case = drive(world, "accepted")
    case_request_extension(world.handler_a, case_id=case.pk, days=20, reason="需委托第三方鉴定房屋安全")
    return Case.objects.get(pk=case.pk)


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_the_head_sees_the_request_with_its_days_and_reasons_xinfang_art_34(world, asked):
    """Art 34: the head of the unit approves, and the complainant is told the reasons: both are in front of them."""
    html = client_for(world.official_a).get("/").content.decode()
    pending = section(html, "ext-h")
    assert asked.number in pending and "20 日" in pending and "需委托第三方鉴定房屋安全" in pending
    assert f'/cases/{asked.pk}/act/approve_extension/' in pending and f'/cases/{asked.pk}/act/refuse_extension/' in pending


@pytest.mark.parametrize("who", ["handler_a", "clerk_a", "supervisor", "housing_official"])
def test_no_one_else_is_offered_the_decision_xinfang_art_34(world, asked, who):
    """Only the head of the unit that has the case decides: the handler, the clerk, the supervisor above and the
    head of another unit are not offered it."""
    html = client_for(world.users[who]).get("/").content.decode()
    assert "approve_extension" not in html and "refuse_extension" not in html


def test_approving_from_my_work_returns_there_and_the_request_is_gone_xinfang_art_34(world, asked):
    """One click approves the days asked for (one event); back on 我的工作 nothing is left to approve."""
    client = client_for(world.official_a)
    before = Event.objects.filter(case=asked).count()
    response = client.post(f"/cases/{asked.pk}/act/approve_extension/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    case = Case.objects.get(pk=asked.pk)
    assert (case.extension_pending_days, case.extension_days_granted) == (0, 20)
    assert Event.objects.filter(case=asked).count() == before + 1
    html = client.get("/").content.decode()
    assert "approve_extension" not in html and "目前没有待您审批的延期申请" in html
    workspace = client.get(f"/cases/{asked.pk}/").content.decode()
    assert "act/approve_extension/" not in workspace and "act/refuse_extension/" not in workspace


def test_refusing_needs_a_reason_and_changes_nothing_without_one_xinfang_art_34(world, asked):
    client = client_for(world.official_a)
    before = Event.objects.filter(case=asked).count()
    response = client.post(f"/cases/{asked.pk}/act/refuse_extension/", {"next": "/", "refuse_extension-reason": ""})
    assert response.status_code == 400
    assert Case.objects.get(pk=asked.pk).extension_pending_days == 20
    assert Event.objects.filter(case=asked).count() == before
    response = client.post(f"/cases/{asked.pk}/act/refuse_extension/",
                           {"next": "/", "refuse_extension-reason": "鉴定可在现有期限内完成"})
    assert response.status_code == 302
    case = Case.objects.get(pk=asked.pk)
    assert (case.extension_pending_days, case.extension_days_granted) == (0, 0)
    assert Event.objects.filter(case=asked, verb="refuse_extension").count() == 1


def test_next_never_leaves_the_site(world, asked):
    response = client_for(world.official_a).post(f"/cases/{asked.pk}/act/approve_extension/",
                                                 {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{asked.pk}/"


def test_a_reviewing_body_sees_new_review_requests_first_xinfang_art_35_36(world):
    """Art 35: the body one level up answers within 30 days of the request: 东县人民政府's handler finds the new
    request (nothing done on it yet) at the top of 我的工作, marked new; once a step is recorded it is no longer new."""
    # given two review requests at 东县人民政府, the older one already worked on
    worked = drive(world, "review")
    case_record_step(world.gov_handler, case_id=worked.pk, note="调阅原处理卷宗")
    fresh = drive(world, "review")
    supervision_issue(world.supervisor, case_id=fresh.pk, instruction="请按期答复", days=5)  # not the body's own work
    client = client_for(world.gov_handler)
    # when
    reviews = section(client.get("/").content.decode(), "rv-h")
    # then: the new one first, marked
    assert reviews.index(fresh.number) < reviews.index(worked.number)
    new_row = reviews[reviews.index(fresh.number):reviews.index(worked.number)]
    assert "badge new" in new_row
    assert "badge new" not in reviews[reviews.index(worked.number):]
    html = client.get("/").content.decode()
    assert html.index('id="rv-h"') < html.index('id="list-h"')


def test_the_reviewing_section_is_only_for_the_bodies_holding_a_review(world):
    drive(world, "review")
    assert 'id="rv-h"' not in client_for(world.handler_a).get("/").content.decode()
