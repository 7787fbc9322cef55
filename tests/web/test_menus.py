"""Menus by role: each person sees what they can use, and every entry they see answers 200.

The roles (tests/conftest.py's world): 登记受理人员 clerk_a, 承办人员 handler_a, 包案领导 official_a, 督办人员
supervisor, 调解员 mediator_a, 系统管理员 admin_user (a role without grievances), a superuser, someone with no
role at all. The intake form offers a clerk only the routes the lifecycle table lets them take.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from casework.cases.models import Case
from casework.organisation.models import Membership

NAV = re.compile(r'<nav aria-label="主导航"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')

EXPECTED = {  # what each role's menu holds, written out by hand
    "clerk_a": ["我的工作", "登记", "人民调解", "期限计算"],
    "handler_a": ["我的工作", "期限计算"],
    "official_a": ["我的工作", "期限计算"],
    "supervisor": ["我的工作", "督办", "热点问题", "期限计算"],
    "mediator_a": ["人民调解", "期限计算"],
    "admin_user": ["期限计算"],
    "superuser": ["期限计算", "系统管理"],
    "outsider": ["期限计算"],
}


def menu_of(client: Client) -> list[tuple[str, str]]:
    html = client.get("/tools/due-date/").content.decode()  # a page everyone signed in may open
    return [(href, label.strip()) for href, label in LINK.findall(NAV.search(html).group(1))]


@pytest.fixture
def people(world):
    User = get_user_model()
    users = dict(world.users)
    users["superuser"] = User.objects.create_superuser("root", password="pw-root")
    return users


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_its_menu_and_every_entry_answers_200(people, who):
    # given
    client = Client()
    client.force_login(people[who])
    # when
    menu = menu_of(client)
    # then
    assert [label for _, label in menu] == EXPECTED[who]
    for href, label in menu:
        response = client.get(href)
        assert response.status_code == 200, (who, label, href, response.status_code)


@pytest.mark.parametrize("who, path", [
    ("handler_a", "/intake/"), ("handler_a", "/supervision/"), ("handler_a", "/hot/"),
    ("mediator_a", "/supervision/"), ("clerk_a", "/hot/"),
])
def test_a_page_left_out_of_the_menu_refuses_with_a_reason(people, who, path):
    """What the menu leaves out is what the page refuses: a 403 with a sentence, never an empty board."""
    client = Client()
    client.force_login(people[who])
    response = client.get(path)
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()


def test_someone_without_grievance_work_lands_on_their_own_board(people):
    """A mediator has no grievances (PIPL Art 34: access as the duty requires): 我的工作 takes them to 人民调解."""
    client = Client()
    client.force_login(people["mediator_a"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/mediation/"


def test_someone_with_no_role_is_told_so(people):
    client = Client()
    client.force_login(people["admin_user"])
    html = client.get("/").content.decode()
    assert "系统管理员（东县信访局）" in html and "没有办理信访事项的岗位" in html


# -- the intake form's routes come from the lifecycle table ---------------------------------------


ROUTES = re.compile(r'<select name="next_step"[^>]*>(.*?)</select>', re.S)


def routes_offered(client: Client) -> list[str]:
    html = client.get("/intake/").content.decode()
    return re.findall(r'<option value="([^"]*)"', ROUTES.search(html).group(1))


def test_a_clerk_is_not_offered_acceptance_xinfang_art_31_6(world):
    """受理 (Art 31(6)) is the handler's or the official's (the lifecycle table): a clerk who only registers is
    offered 仅登记, 转送 and 告知其他途径; one who also handles at the unit is offered 受理 too."""
    clerk = Client()
    clerk.force_login(world.clerk_a)
    assert routes_offered(clerk) == ["", "forward", "redirect"]
    Membership.objects.create(user=world.clerk_a, unit=world.town_a_office, role="handler")
    assert routes_offered(clerk) == ["", "forward", "accept", "redirect"]


def test_a_route_not_offered_is_refused_before_anything_is_registered_xinfang_art_31_6(world):
    """Posting 本单位受理 anyway: the form says why, and no case is registered (never 「已登记」 then 「没有受理的权限」)."""
    clerk = Client()
    clerk.force_login(world.clerk_a)
    before = Case.objects.count()
    response = clerk.post("/intake/", {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "张三", "p-0-address": "甲镇幸福村3组", "unit_id": world.town_a_office.pk, "channel": "visit",
        "request": "请求修复村道", "facts_reasons": "村道损坏", "next_step": "accept",
    })
    assert response.status_code == 400
    assert Case.objects.count() == before
    assert "不能“本单位受理”" in response.content.decode()
