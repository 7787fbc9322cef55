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
from casework.documents import catalogue
from casework.documents import from_case as fc
from casework.documents.layout import chinese_date
from casework.documents.models import IssuedDocument
from casework.documents.notices import render_notice

REPLY = {
    "outcome": "explained",
    "reasons": "经现场查看，村道确有损坏，修复资金已列入明年计划。",
    "opinion": "由村委会组织临时修补，明年纳入道路改造。",
    "legal_basis": "《农村公路建设管理办法》第二十条。",
}
UPHELD = {"decision": "uphold", "findings": "原处理意见认定事实清楚。", "opinion": "维持原处理意见",
          "legal_basis": "《信访工作条例》第三十五条。"}


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


def _issued(case, kind: str):
    doc = IssuedDocument.objects.filter(case=case, kind=kind).order_by("-id").first()
    assert doc is not None, f"no {kind} issued"
    return doc, catalogue.issued_notice(doc, _fresh(case))


@pytest.fixture
def replied(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case_reply(world.users["handler_a"], case_id=reg.case.pk, **REPLY)
    return _fresh(reg.case)


def test_receipt_from_a_registered_case_xinfang_art_22_23(world):
    """登记回执: the registering unit, dated the day it registered, identified by the case number (no 发文字号)."""
    reg = _register(world)
    notice = fc.receipt(_fresh(reg.case), access_code=reg.access_code)
    assert notice.accepted_on is None and notice.issuer == "甲镇信访办" and notice.addressee == "张三"
    assert notice.number == "" and notice.date == timezone.localdate()
    text = _text(render_notice(notice))
    for part in ("信访事项登记回执", f"事项编号：{reg.case.number}", f"查询码：{reg.access_code}", "走访",
                 f"{chinese_date(reg.case.received_on)}以走访形式提出的“请求修复村道”", "张三："):
        assert part in text, part


def test_acceptance_is_its_own_document_and_the_receipt_stays_the_receipt_xinfang_art_23_34(world):
    """The 登记回执 and the 受理告知书 are two documents: accepting issues the second (numbered by the accepting
    unit, dated the day of acceptance); the receipt's link still gives the receipt."""
    reg = _register(world)
    before = catalogue.render_for_case(_fresh(reg.case), "receipt")[1]
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case = _fresh(reg.case)
    assert catalogue.render_for_case(case, "receipt")[1] == before
    doc, notice = _issued(case, "acceptance")
    assert notice.accepted_on == timezone.localdate() and doc.unit == world.units["town_a_office"]
    assert doc.number == f"甲镇信访办受字〔{timezone.localdate().year}〕1号" == notice.number
    assert "信访事项受理告知书" in _text(render_notice(notice))
    keys = [d["key"] for d in catalogue.documents_for_case(case)]
    assert keys == ["receipt", f"acceptance-{doc.pk}"]


def test_group_case_is_addressed_to_its_representatives(world):
    reg = _register(world, complainants=[PersonData(name="张三", address="甲镇"), PersonData(name="李四", address="甲镇")],
                    group_size=12)
    notice = fc.receipt(_fresh(reg.case))
    assert notice.addressee == "张三、李四等12人" and notice.group
    assert "你们于" in _text(render_notice(notice))


def test_forwarding_notice_from_the_forward_event_xinfang_art_22(world):
    reg = _register(world)
    case_forward(world.users["clerk_a"], case_id=reg.case.pk, to_unit_id=world.units["county_housing"].pk,
                 note="该事项属于东县住房和城乡建设局的职责范围")
    doc, notice = _issued(reg.case, "forwarding")
    assert notice.issuer == "甲镇信访办" == doc.unit.name and notice.to_unit == "东县住房和城乡建设局"
    text = _text(render_notice(notice))
    assert "将该事项转送东县住房和城乡建设局办理" in text and "15日内书面告知您接收情况" in text


def test_redirect_notice_from_the_redirect_event_xinfang_art_31(world):
    reg = _register(world)
    case_redirect(world.users["clerk_a"], case_id=reg.case.pk, route="litigation", reason="该事项属于民事纠纷")
    _, notice = _issued(reg.case, "redirect")
    text = _text(render_notice(notice))
    assert "经审查，该事项属于民事纠纷。" in text and "第三十一条第（一）项" in text


def test_extension_notice_from_the_extension_events_xinfang_art_34(world):
    reg = _register(world)
    case_accept(world.users["handler_a"], case_id=reg.case.pk)
    case_request_extension(world.users["handler_a"], case_id=reg.case.pk, days=15, reason="需要现场勘查并听取村民意见")
    case_approve_extension(world.users["official_a"], case_id=reg.case.pk)
    case = _fresh(reg.case)
    _, notice = _issued(case, "extension")
    assert notice.extension_days == 15 and notice.new_due == case.due_on and notice.new_due > notice.original_due
    text = _text(render_notice(notice))
    assert "延长15日" in text and f"{chinese_date(case.due_on)}前办结" in text and "需要现场勘查并听取村民意见" in text


def test_handling_opinion_names_a_review_body_the_review_action_accepts_xinfang_art_32_35(world, replied):
    """Art 35 (RULES.md §0): a township office's opinion is reviewed by the county government, and the notice
    names it."""
    doc, notice = _issued(replied, "handling_opinion")
    assert notice.findings == REPLY["reasons"] and notice.outcome == "explained"
    assert notice.review_body == "东县人民政府"
    assert doc.number == f"甲镇信访办处字〔{timezone.localdate().year}〕1号"
    text = _text(render_notice(notice))
    for part in ("信访事项处理意见书", "一、投诉请求", "请求修复村道", "二、事实和理由", "村道损坏两年无人修理",
                 REPLY["reasons"], "三、处理意见", "予以解释说明", REPLY["opinion"], "四、法律法规依据",
                 REPLY["legal_basis"], "自收到本意见书之日起30日内，向东县人民政府请求复查", f"事项编号：{replied.number}",
                 doc.number):
        assert part in text, part


def test_review_and_rereview_opinions_from_their_events_xinfang_art_35_36(world, replied):
    me = Actor.complainant(replied.pk)
    case_request_review(me, case_id=replied.pk, review_unit_id=world.units["county_gov"].pk, reason="修补不彻底")
    case_decide_review(world.users["gov_handler"], case_id=replied.pk, **UPHELD)
    handling, _ = _issued(replied, "handling_opinion")
    doc, review = _issued(replied, "review_opinion")
    assert review.issuer == "东县人民政府" and review.original_issuer == "甲镇信访办"
    assert review.original_number == handling.number and review.rereview_body == "A市人民政府"
    text = _text(render_notice(review))
    assert "修补不彻底" in text and "本机关决定：维持甲镇信访办于" in text and "向A市人民政府请求复核" in text
    assert "《信访工作条例》第三十五条。" in text and doc.number.startswith("东县人民政府复查字〔")

    case_request_rereview(me, case_id=replied.pk, rereview_unit_id=world.units["city_gov"].pk, reason="仍不服")
    case_decide_rereview(world.users["city_gov_handler"], case_id=replied.pk,
                         **{**UPHELD, "opinion": "复核维持", "legal_basis": "《信访工作条例》第三十六条。"})
    _, rereview = _issued(replied, "rereview_opinion")
    assert rereview.issuer == "A市人民政府" and rereview.review_issuer == "东县人民政府"
    assert rereview.review_number == doc.number
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


def test_a_receipt_is_dated_the_day_of_the_registration_it_records_xinfang_art_22(world):
    """A letter registered with an earlier date (entered today, as the demo's history is) gets a 登记回执 of that
    day, as the event records it, not of the day the record was typed."""
    import datetime as dt

    on = timezone.localdate() - dt.timedelta(days=40)
    reg = _register(world, received_on=on)
    notice = fc.receipt(_fresh(reg.case))
    assert notice.registered_on == on and notice.date == on
    assert f"本机关已于{chinese_date(on)}予以登记" in re.sub(r"\s+", "", _text(render_notice(notice)))
