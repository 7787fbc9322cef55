"""我的工作 and the supervision board in a real browser (信访工作条例 Art 34, 35, 45(1)): the head of the unit
approves an extension from 我的工作 and the button is gone; another is refused with reasons; a reviewing
body finds the new review request on top; the supervisor sees the overdue group visit; every page passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casework.cases.actions import PersonData, case_request_extension
from casework.cases.models import Case
from tests.cases.casekit import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_head_of_unit_decides_extensions_from_my_work(world, screen):
    # given two extension requests at 甲镇信访办, one of them a group visit
    first = drive(world, "accepted", group_size=30,
                  complainants=[PersonData("王一", "甲镇一组"), PersonData("王二", "甲镇二组")])
    second = drive(world, "accepted")
    case_request_extension(world.handler_a, case_id=first.pk, days=20, reason="需委托第三方鉴定房屋安全")
    case_request_extension(world.handler_a, case_id=second.pk, days=10, reason="信访人外出务工，需等候约谈")
    world.official_a.last_name, world.official_a.first_name = "郑", "军"
    world.official_a.save(update_fields=["last_name", "first_name"])

    # when the head of the unit opens 我的工作
    head = screen("b1-head")
    head.login("official_a")
    page = head.page
    pending = page.locator("section[aria-labelledby=ext-h]")
    assert pending.get_by_text("需委托第三方鉴定房屋安全").is_visible()
    assert pending.get_by_text("集体访 30 人").is_visible()
    assert page.locator("header .me").inner_text() == "郑军"
    head.shot("extension-requests")
    assert head.axe() == []

    # then approving the first returns to 我的工作, and its button is gone
    pending.get_by_role("button", name=f"批准延期：{first.number}，20 日").click()
    page.wait_for_selector("text=已批准延期")
    head.shot("approved")
    assert page.get_by_role("button", name=f"批准延期：{first.number}，20 日").count() == 0
    assert page.get_by_role("button", name=f"批准延期：{second.number}，10 日").count() == 1
    assert Case.objects.get(pk=first.pk).extension_days_granted == 20

    # and the second is refused, with reasons, from the same list
    row = pending.locator("tr", has_text=second.number)
    row.locator("summary", has_text="不予批准").click()
    row.get_by_label("不予批准的理由").fill("约谈可在现有期限内完成")
    row.get_by_role("button", name="不予批准延期").click()
    page.wait_for_selector("text=目前没有待您审批的延期申请")
    head.shot("refused")
    case = Case.objects.get(pk=second.pk)
    assert (case.extension_pending_days, case.extension_days_granted) == (0, 0)
    assert head.axe() == []

    # the workspace no longer offers either decision
    page.goto(head.base + f"/cases/{first.pk}/")
    assert page.locator("summary", has_text="批准延期").count() == 0
    assert page.locator("summary", has_text="不予批准延期").count() == 0


def test_reviewing_body_and_supervisor_boards(world, screen):
    # given a new review request at 东县人民政府 (「上一级」 of 甲镇, Art 35) and an overdue group visit at 甲镇信访办
    review = drive(world, "review")
    long_ago = timezone.localdate() - dt.timedelta(days=80)
    late = drive(world, "accepted", on=long_ago, group_size=12,
                 complainants=[PersonData("李一", "甲镇一组"), PersonData("李二", "甲镇二组")])

    reviewer = screen("b2-reviewer")
    reviewer.login("gov_handler")
    reviews = reviewer.page.locator("section[aria-labelledby=rv-h]")
    assert reviews.locator("tr", has_text=review.number).locator(".badge.new").is_visible()
    reviewer.shot("new-review-request")
    assert reviewer.axe() == []

    supervisor = screen("b3-supervisor")
    supervisor.login("supervisor")
    page = supervisor.go("/supervision/")
    row = page.locator("section[aria-labelledby=o-h] tr", has_text=late.number)
    assert row.get_by_text("集体访 12 人").is_visible()
    assert row.get_by_text("20 日").is_visible()  # 80 days since acceptance, 60 allowed (Art 34)
    # one reply on time (the case now in review), one answer overdue: 50% (Art 34, 45(1))
    assert page.get_by_text("按期答复率 50%（按期答复 1 件 / 应答复 2 件").is_visible()
    supervisor.shot("board")
    assert supervisor.axe() == []


def test_searchable_unit_picker_is_accessible(world, screen):
    """The forward picker: type to search, grouped by jurisdiction, announced by its label; axe with it open."""
    from tests.conftest import register

    case = register(world).case
    clerk = screen("b4-picker")
    clerk.login("clerk_a")
    page = clerk.go(f"/cases/{case.pk}/")
    page.locator("summary", has_text="转送").first.click()
    box = page.get_by_role("combobox", name="转送至")
    box.focus()
    page.keyboard.type("住房")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.get_by_role("option", name="东县住房和城乡建设局").wait_for(state="visible")
    assert listbox.get_by_role("option", name="甲镇信访办").count() == 0  # the unit that has it: not a target
    clerk.shot("picker-open")
    assert clerk.axe() == []
