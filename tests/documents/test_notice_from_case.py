"""The notices built from real cases and their events (actions from casework.cases.actions, real database)."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from casework.cases.actions import (
    PersonData, case_accept, case_approve_extension, case_decide_rereview, case_decide_review, case_forward,
    case_redirect, case_register, case_reply, case_request_extension, case_request_rereview, case_request_review,
)
from casework.cases.actors import Actor
from casework.cases.models import Case
from casework.documents import from_case as fc
from casework.documents.layout import chinese_date
from casework.documents.notices import render_notice

REPLY = {
    "outcome": "partly",
    "reasons": "经现场查看，村道确有损坏，修复资金已列入明年计划。",
    "opinion": "由村委会组织临时修补，明年纳入道路改造。",
    "legal_basis": "《农村公路建设管理办法》第二十条。",
}


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    return re.sub(r"—\d+—", "", text)


def _register(world, **kw):
    args = dict(
        unit_id=world.units["town_a_office"].pk,
        complainants=[PersonData(name="张三", address="甲镇幸福村3组", phone="13800000000")],
        channel="visit", request="请求修复村道", facts_reasons="村道损坏两年无人修理，雨天无法通行。",
        title="请求修复村道",
    )
    args.update(kw)
    return case_register(world.users["clerk_a"], **args)


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def replied(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case_reply(world.users["handler_a"], case_id=reg.case.pk, **REPLY)
    return _fresh(reg.case)


def test_receipt_from_a_registered_case(world):
    world.units["town_a_office"].short_name = "甲镇信访办"
    world.units["town_a_office"].save()
    reg = _register(world)
    notice = fc.receipt_from_case(_fresh(reg.case), access_code=reg.access_code, serial=7)
    assert notice.accepted_on is None and notice.issuer == "甲镇信访办" and notice.addressee == "张三"
    assert notice.number == f"甲镇信访办〔{timezone.localdate().year}〕7号"
    text = _text(render_notice(notice))
    for part in ("信访事项登记回执", f"事项编号：{reg.case.number}", f"查询码：{reg.access_code}", "走访",
                 f"{chinese_date(reg.case.received_on)}以走访形式提出的“请求修复村道”", "张三："):
        assert part in text, part


def test_receipt_after_acceptance_is_the_acceptance_notice(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    notice = fc.receipt_from_case(_fresh(reg.case))
    assert notice.accepted_on == timezone.localdate()
    assert "信访事项受理告知书" in _text(render_notice(notice))


def test_group_case_is_addressed_to_its_representatives(world):
    reg = _register(world, complainants=[PersonData(name="张三", address="甲镇"), PersonData(name="李四", address="甲镇")],
                    group_size=12)
    notice = fc.receipt_from_case(_fresh(reg.case))
    assert notice.addressee == "张三、李四等12人" and notice.group


def test_forwarding_notice_from_the_forward_event(world):
    reg = _register(world)
    case_forward(world.users["clerk_a"], case_id=reg.case.pk, to_unit_id=world.units["county_housing"].pk,
                 note="该事项属于东县住房和城乡建设局的职责范围")
    notice = fc.forwarding_from_case(_fresh(reg.case))
    assert notice.issuer == "甲镇信访办" and notice.to_unit == "东县住房和城乡建设局"
    text = _text(render_notice(notice))
    assert "将该事项转送东县住房和城乡建设局办理" in text and "15日内书面告知你接收情况" in text


def test_redirect_notice_from_the_redirect_event(world):
    reg = _register(world)
    case_redirect(world.users["clerk_a"], case_id=reg.case.pk, route="litigation", reason="该事项属于民事纠纷")
    notice = fc.redirect_from_case(_fresh(reg.case), next_step="向东县人民法院提起民事诉讼")
    text = _text(render_notice(notice))
    assert "经审查，该事项属于民事纠纷。" in text and "第三十一条第（一）项" in text and "向东县人民法院提起民事诉讼" in text


def test_extension_notice_from_the_extension_events(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case_request_extension(world.users["handler_a"], case_id=reg.case.pk, days=15, reason="需要现场勘查并听取村民意见")
    case_approve_extension(world.users["official_a"], case_id=reg.case.pk)
    case = _fresh(reg.case)
    notice = fc.extension_from_case(case)
    assert notice.extension_days == 15 and notice.new_due == case.due_on and notice.new_due > notice.original_due
    text = _text(render_notice(notice))
    assert "延长15日" in text and f"{chinese_date(case.due_on)}前办结" in text and "需要现场勘查并听取村民意见" in text


def test_handling_opinion_from_the_reply_event(replied):
    notice = fc.handling_opinion_from_case(replied, review_body="东县信访局", serial=3)
    assert notice.findings == REPLY["reasons"] and notice.outcome == "partly"
    text = _text(render_notice(notice))
    for part in ("信访事项处理意见书", "一、投诉请求", "请求修复村道", "二、事实和理由", "村道损坏两年无人修理",
                 REPLY["reasons"], "三、处理意见", "部分予以支持", REPLY["opinion"], "四、法律法规依据",
                 REPLY["legal_basis"], "自收到本意见书之日起30日内，向东县信访局请求复查", f"事项编号：{replied.number}"):
        assert part in text, part


def test_review_and_rereview_opinions_from_their_events(world, replied):
    me = Actor.complainant(replied.pk)
    case_request_review(me, case_id=replied.pk, review_unit_id=world.units["county_bureau"].pk, reason="修补不彻底")
    case_decide_review(world.users["county_handler"], case_id=replied.pk, outcome="not_supported",
                       opinion="维持原处理意见")
    review = fc.review_opinion_from_case(_fresh(replied), rereview_body="A市信访局",
                                         legal_basis="《信访工作条例》第三十五条。")
    assert review.issuer == "东县信访局" and review.original_issuer == "甲镇信访办"
    text = _text(render_notice(review))
    assert "修补不彻底" in text and "不予支持" in text and "向A市信访局请求复核" in text

    case_request_rereview(me, case_id=replied.pk, rereview_unit_id=world.units["city_bureau"].pk, reason="仍不服")
    case_decide_rereview(world.users["city_handler"], case_id=replied.pk, outcome="not_supported", opinion="复核维持")
    rereview = fc.rereview_opinion_from_case(_fresh(replied), legal_basis="《信访工作条例》第三十六条。")
    assert rereview.issuer == "A市信访局" and rereview.review_issuer == "东县信访局"
    text = _text(render_notice(rereview))
    assert "同一事实和理由" in text and "不再受理" in text and "复核维持" in text


def test_supervision_notice_chases_the_current_clock(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case = _fresh(reg.case)
    due = timezone.localdate().replace(day=1)
    notice = fc.supervision_from_case(case, supervising_unit=world.units["county_bureau"], reply_due=due,
                                      situation="临近办理期限，尚未报送办理情况")
    assert notice.addressee == "甲镇信访办" and notice.handling_due == case.due_on
    assert notice.handling_rule == "《信访工作条例》第34条规定的办理期限"
    text = _text(render_notice(notice))
    assert "甲镇信访办：" in text and f"事项编号为{case.number}" in text and "现对该事项予以督办" in text


def test_overrides_replace_fields(replied):
    notice = fc.handling_opinion_from_case(replied, review_body="东县信访局", addressee="张三（代理人：王五）")
    assert notice.addressee == "张三（代理人：王五）"
