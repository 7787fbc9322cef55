"""The whole journey in a real browser: a clerk registers a walk-in case and forwards it,
the handler accepts, replies and records the reply's delivery, the citizen looks it up on a phone, requests review of
the county government (「上一级」 of a county department) and gets a receipt, and the
reviewer decides, whose 复查意见书 is downloaded and read (信访工作条例 Art 19, 22, 32, 35)."""

import re

import pytest
from django.utils import timezone

from casework.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_walk_in_to_review_decision(world, screen):
    # given: the intake clerk at 甲镇 registers a walk-in and forwards it to the county housing bureau
    clerk = screen("1-clerk")
    clerk.login("clerk_a")
    page = clerk.go("/intake/")
    page.get_by_label("姓名（名称）").fill("张三")
    page.get_by_label("住址").fill("甲镇幸福村3组")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("投诉请求").fill("请求修复幸福村村道")
    page.get_by_label("事实和理由").fill("村道损坏两年无人修理，雨天无法通行。")
    page.get_by_label("事项分类").fill("城乡建设")
    page.get_by_label("登记后").select_option("forward")
    clerk.pick("转送至", "东县住房和城乡建设局")
    clerk.shot("intake-filled")
    page.get_by_role("button", name=re.compile("登记")).click()
    code = page.get_by_test_id("access-code").inner_text().strip()
    number = page.locator(".code").first.inner_text().strip()
    clerk.shot("registered")
    case = Case.objects.get(number=number)
    assert case.state == "forwarded"

    # when: the handler accepts and replies
    handler = screen("2-handler")
    handler.login("housing_handler")
    handler.page.get_by_role("link", name=number).click()
    handler.shot("workspace-forwarded")
    handler.page.locator("summary", has_text=re.compile("^受理")).click()
    handler.page.get_by_role("button", name="受理").click()
    handler.page.wait_for_selector("text=已受理")

    # the handler needs more time (Art 34) and asks; the bureau's head approves from 我的工作
    handler.page.locator("summary", has_text="申请延期").click()
    form = handler.page.locator("form[action$='/act/request_extension/']")
    form.get_by_label("延长天数").fill("20")
    form.get_by_label("延期理由").fill("需委托第三方检测路基")
    form.get_by_role("button", name="申请延期").click()
    handler.page.wait_for_selector("text=已申请延期")
    case.refresh_from_db()
    due_before = case.due_on
    head = screen("2b-head")
    head.login("housing_official")
    pending = head.page.locator("section[aria-labelledby=ext-h]")
    assert pending.get_by_text("需委托第三方检测路基").is_visible()
    pending.get_by_role("button", name=f"批准延期：{number}，20 日").click()
    head.page.wait_for_selector("text=已批准延期")
    head.shot("extension-approved")
    case.refresh_from_db()
    assert case.extension_days_granted == 20 and case.due_on > due_before

    handler.go(f"/cases/{case.pk}/")
    handler.page.locator("summary", has_text="出具处理意见书").click()
    form = handler.page.locator("form[action$='/act/reply/']")
    form.get_by_label("解释说明", exact=True).check()
    form.get_by_label("事实和理由").fill("经现场核实，村道确有损坏。")
    form.get_by_label("处理意见").fill("列入明年农村公路养护计划，先行修补坑洼路段。")
    form.get_by_label("法律法规依据").fill("《农村公路建设管理办法》第二十五条")
    handler.shot("reply-filled")
    form.get_by_role("button", name="出具处理意见书").click()
    handler.page.wait_for_selector("text=已答复")
    handler.shot("replied")
    case.refresh_from_db()
    assert case.state == "replied" and case.outcome == "explained"
    assert handler.page.get_by_test_id("delivery").inner_text().startswith("处理意见书送达尚未登记")

    # and records that the complainant received it in person today: the review window runs from then (Art 35)
    handler.page.locator("summary", has_text="登记处理意见书送达").click()
    form = handler.page.locator("form[action$='/act/record_delivery/']")
    form.get_by_label("送达日期").fill(timezone.localdate().isoformat())
    form.get_by_label("送达方式").select_option(label="当面送达")
    handler.shot("delivery-filled")
    form.get_by_role("button", name="登记处理意见书送达").click()
    handler.page.wait_for_selector("[data-testid=delivery]:has-text('当面送达')")
    case.refresh_from_db()
    assert (case.reply_received_on, case.reply_delivery, case.due_rule) == (
        timezone.localdate(), "in_person", "review_request")

    # then: the citizen, on a phone, looks it up and asks for review within 30 days
    citizen = screen("3-citizen", **PHONE)
    page = citizen.go("/portal/lookup/")
    page.get_by_label("案件编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-testid=state]")
    citizen.shot("status")
    assert page.get_by_test_id("state").inner_text() == "已答复"
    assert "送达" in page.get_by_test_id("review-window").inner_text()
    with page.expect_download() as got:
        page.get_by_role("link", name="信访事项处理意见书").click()
    pdf_path = got.value.path()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages).replace("\n", "")
    assert "处理意见书" in text and "复查" in text and "《农村公路建设管理办法》" in text
    offered = page.get_by_label("向哪个机关申请").locator("option").all_inner_texts()
    assert offered == ["东县人民政府"]  # 「上一级」 of a county department with no city counterpart here
    page.get_by_label("请求和理由").fill("修补不能解决问题，请求整体修复。")
    page.get_by_role("button", name="申请复查").click()
    page.wait_for_selector("[data-testid=review-submitted]")
    citizen.shot("review-requested")
    with page.expect_download() as got:
        page.get_by_test_id("review-receipt").click()
    receipt = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(got.value.path()).pages))
    assert "复查申请回执" in receipt and "东县人民政府" in receipt

    # and the reviewer at the county government decides: 维持, with findings and the legal basis (Art 35)
    reviewer = screen("4-reviewer")
    reviewer.login("gov_handler")
    reviewer.go(f"/cases/{case.pk}/")
    reviewer.page.locator("summary", has_text="出具复查意见").click()
    form = reviewer.page.locator("form[action$='/act/decide_review/']")
    form.get_by_label("维持").check()
    form.get_by_label("认定的事实和理由").fill("原办理单位已到现场核实，认定事实清楚。")
    form.get_by_label("意见").fill("原处理意见并无不当，予以维持。")
    form.get_by_label("法律法规依据").fill("《信访工作条例》第三十五条；《农村公路建设管理办法》第二十五条")
    form.get_by_role("button", name="出具复查意见").click()
    reviewer.page.wait_for_selector("text=已复查")
    reviewer.shot("review-decided")
    case.refresh_from_db()
    assert case.state == "reviewed" and (case.outcome, case.review_decision) == ("explained", "uphold")
    assert reviewer.page.get_by_test_id("review-decision").inner_text() == "维持"
    assert reviewer.page.get_by_test_id("outcome").inner_text() == "解释说明"

    # the 复查意见书, downloaded from the workspace and read
    link = reviewer.page.get_by_role("link", name="信访事项复查意见书")
    pdf = reviewer.context.request.get(reviewer.base + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    import io

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages))
    for part in ("东县人民政府", "信访事项复查意见书", "本机关决定：维持东县住房和城乡建设局", "原办理单位已到现场核实",
                 "《农村公路建设管理办法》第二十五条", "向A市人民政府请求复核", "复查字〔"):
        assert part in text, part


def test_form_errors_appear_beside_the_field(world, screen):
    clerk = screen("5-errors")
    clerk.login("clerk_a")
    page = clerk.go("/intake/")
    page.get_by_label("姓名（名称）").fill("张三")
    page.get_by_role("button", name=re.compile("登记")).click()
    page.wait_for_selector(".error")
    clerk.shot("intake-errors")
    assert page.locator(".error").count() >= 2  # request, facts (without an address it is registered: Art 22 ¶1)
    assert "请填写投诉请求" in page.locator(".error").all_inner_texts()[0]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("path, who, phone", [
    ("/accounts/login/", None, False),
    ("/", "clerk_a", False),
    ("/intake/", "clerk_a", False),
    ("/supervision/", "supervisor", False),
    ("/hot/", "supervisor", False),
    ("/tools/due-date/?start=2026-11-30&rule=handling", "clerk_a", False),
    ("/portal/", None, True),
    ("/portal/submit/", None, True),
    ("/portal/lookup/", None, True),
])
def test_key_pages_have_no_serious_accessibility_violations(world, screen, path, who, phone):
    s = screen("axe", **(PHONE if phone else {}))
    if who:
        s.login(who)
    s.go(path)
    assert s.axe() == []


def test_case_workspace_and_portal_case_are_accessible(world, screen):
    from tests.conftest import register

    r = register(world)
    staff = screen("axe-case")
    staff.login("clerk_a")
    staff.go(f"/cases/{r.case.pk}/")
    assert staff.axe() == []
    citizen = screen("axe-portal-case", **PHONE)
    page = citizen.go("/portal/lookup/")
    page.get_by_label("案件编号").fill(r.case.number)
    page.get_by_label("查询码").fill(r.access_code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-testid=state]")
    assert citizen.axe() == []
