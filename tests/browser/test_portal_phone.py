"""The citizen's case page on a phone (390×844), in a real browser, with axe: the matter's title, the
office that handles it with its published address, telephone and reception hours (信访工作条例
Art 18 ¶1, 21 ¶2), forms whose labels lead to their own fields, and errors said in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from casework import limits
from casework.cases.actions import case_accept, case_reply
from casework.cases.models import Case
from tests.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
OFFICE = {"address": "东县甲镇人民路8号甲镇信访办接待大厅（镇政府一楼东侧）", "phone": "0710-61000001",
          "reception_hours": "工作日 8:30—12:00、14:30—17:30"}


def _fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_case_page_on_a_phone_names_the_matter_and_the_office_and_its_forms_work(world, screen):
    # given: a matter answered three days ago, at an office that publishes its contact
    for k, v in OFFICE.items():
        setattr(world.town_a_office, k, v)
    world.town_a_office.save()
    when = timezone.localdate() - dt.timedelta(days=3)
    r = register(world, received_on=when, title="幸福村村道损坏两年无人修理，请求尽快整体修复")
    case_accept(world.handler_a, case_id=r.case.pk, on=when)
    case_reply(world.handler_a, case_id=r.case.pk, outcome="supported", reasons="经现场核实，村道确有损坏。",
               opinion="列入明年养护计划。", legal_basis="《信访工作条例》第三十二条", on=when)

    # when: the citizen looks it up on a phone
    citizen = screen("portal-phone", **PHONE)
    page = citizen.go("/portal/lookup/")
    assert citizen.axe() == []
    page.get_by_label("案件编号").fill(r.case.number)
    page.get_by_label("查询码").fill(r.access_code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-testid=title]")
    citizen.shot("case-page")

    # then: the title and the office with its contact, on a page as wide as the phone
    assert page.get_by_test_id("title").inner_text() == "幸福村村道损坏两年无人修理，请求尽快整体修复"
    office = page.get_by_test_id("office")
    assert world.town_a_office.name in office.inner_text()
    for value in OFFICE.values():
        assert value in office.inner_text()
    assert office.get_by_role("link", name=OFFICE["phone"]).get_attribute("href") == f"tel:{OFFICE['phone']}"
    assert _fits_the_screen(page)
    assert citizen.axe() == []

    # and each label leads to its own field although three forms share the page
    page.get_by_label("请求和理由").fill("修补不能解决问题")
    assert page.evaluate("() => document.activeElement.id") == "id_review-reason"
    page.locator("summary", has_text="撤回信访事项").click()
    page.get_by_label("撤回说明").fill("不撤回")
    assert page.evaluate("() => document.activeElement.id") == "id_withdraw-reason"
    assert page.locator("#id_review-reason").input_value() == "修补不能解决问题"

    # when: the rating comment is too long, the page says so in words, and nothing is recorded
    too_long = "很" * (limits.RATING_COMMENT.max_length + 20)
    page.get_by_label("满意", exact=True).check()
    page.get_by_label(re.compile(r"^您的意见")).fill(too_long)
    assert len(page.locator("#id_rate-comment").input_value()) == len(too_long)  # the browser cut nothing
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector(".error")
    citizen.shot("rating-too-long")
    assert (f"您的意见不得超过 {limits.RATING_COMMENT.max_length} 字（现有 {len(too_long)} 字）"
            in page.locator(".error").first.inner_text())
    assert Case.objects.get(pk=r.case.pk).satisfaction == ""
    assert _fits_the_screen(page)
    assert citizen.axe() == []
