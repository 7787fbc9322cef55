"""In a real browser: while the clerk types, the panel beside the intake form suggests a category and unit,
and shows the earlier case of the same person; one click registers the new message and merges it into that
case (信访工作条例 Art 19 ¶3). The supervisor's hot-issues board and the panel pass axe."""


import pytest
from django.core.management import call_command

from casework.cases.actions import PersonData
from casework.cases.models import Case
from tests.conftest import register
from tests.insight.test_insight_product import PLANT, closed_cases, fresh_index  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db(transaction=True)


def test_suggestion_fills_the_form_and_one_click_merges_a_resubmission(world, screen):
    closed_cases(world)
    call_command("train_router", "--no-progress", "--no-evaluate")
    earlier = register(world, request="维修洞井路", facts_reasons="A3区洞井路的道路破损严重，雨天积水，希望尽快维修路面。",
                       complainants=[PersonData(name="李四", address="甲镇东村", phone="13911112222")]).case

    clerk = screen("6-insight")
    clerk.login("clerk_a")
    page = clerk.go("/intake/")
    page.get_by_label("姓名（名称）").fill("李四")
    page.get_by_label("住址").fill("甲镇东村")
    page.get_by_label("联系电话").fill("13911112222")
    page.get_by_label("投诉请求").fill("再次请求维修洞井路")
    page.get_by_label("事实和理由").fill("A3区洞井路的道路破损严重，雨天积水，上次反映后仍未维修。")
    first = page.locator(".pick-category").first
    first.wait_for()
    assert first.inner_text() == "城乡建设"
    page.wait_for_selector(f"text={earlier.number}")
    assert page.locator("#insight").get_by_text("同一信访人（联系电话相同）").count() == 1
    clerk.shot("intake-insight")
    first.click()
    assert page.get_by_label("事项分类").input_value() == "城乡建设"

    page.get_by_role("button", name=f"登记并并入 {earlier.number}").click()
    page.wait_for_selector("text=已登记并并入")
    clerk.shot("merged")
    new = Case.objects.order_by("-pk").first()
    assert new.pk > earlier.pk
    assert (new.state, new.merged_into_id, new.category) == ("closed", earlier.pk, "城乡建设")
    assert clerk.axe() == []


def test_workspace_panel_and_hot_issues_board_are_accessible(world, screen):
    for i, text in enumerate(PLANT):
        register(world, facts_reasons=text, request="取缔搅拌站",
                 complainants=[PersonData(name=f"居民{i}", address="丽发新城", phone=f"1380000{i:04d}")])
    staff = screen("7-hot")
    staff.login("supervisor")
    page = staff.go("/hot/")
    assert page.locator("section.hot").count() == 1
    staff.shot("hot-issues")
    assert staff.axe() == []
    page.locator("section.hot summary").click()
    page.locator("section.hot li a").first.click()
    page.wait_for_selector("#case-insight .related-list")
    staff.shot("workspace-related")
    assert page.locator("#case-insight .related").count() >= 1
    assert staff.axe() == []
