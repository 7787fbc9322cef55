"""Every notice renders to a PDF whose extracted text has the parts the rules require.

Articles: 信访工作条例 (2022) Art 22, 23, 28, 31(1)-(4), 32, 34, 35, 36; 人民调解法 Art 29, 31, 33.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

from casework.documents import notices as n
from casework.documents.layout import chinese_date
from casework.rules.lifecycle import OUTCOME_LABELS, ROUTE_LABELS
from notice_samples import samples

NAMES = list(samples())

TITLES = {
    "receipt": "信访事项登记回执",
    "accepted": "信访事项受理告知书",
    "forwarding": "信访事项转送告知书",
    "redirect": "信访事项告知书",
    "extension": "信访事项延期办理告知书",
    "handling": "信访事项处理意见书",
    "review": "信访事项复查意见书",
    "rereview": "信访事项复核意见书",
    "review_receipt": "信访事项复查申请回执",
    "supervision": "信访事项督办通知",
    "mediation": "人民调解协议书",
}


@pytest.mark.parametrize("name", NAMES)
def test_every_notice_has_title_number_addressee_signature_and_date(rendered, name):
    r = rendered[name]
    assert r.pdf.startswith(b"%PDF-")
    text = r.text()
    data = r.data
    assert TITLES[name] in text
    issuer = getattr(data, "issuer", None) or data.committee
    if name != "mediation":
        assert text.startswith(issuer)  # title: issuing body + document type
    if name != "review_receipt":  # a receipt is identified by the case number
        assert re.search(r"〔20\d\d〕\d+号", text) and data.number in text  # 发文字号 with 六角括号
    if hasattr(data, "addressee"):
        assert f"{data.addressee}：" in text  # 主送, full-width colon
    date = chinese_date(data.date)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date)
    assert f"{issuer}{date}" in text  # signature, then the date under it
    assert "—1—" in r.text(0, page_numbers=True)  # page number


def test_dates_are_written_2026年11月30日(rendered):
    assert "2026年11月30日" in rendered["handling"].text()
    assert "2026年9月28日" in rendered["handling"].text()  # no leading zeros
    assert not re.search(r"年0\d月|月0\d日", rendered["handling"].text())


def test_receipt_gives_case_number_access_code_received_date_and_route(rendered):
    text = rendered["receipt"].text()
    for part in ("事项编号：K1-2026-00015", "查询码：K7QW3ZPA", "2026年11月27日", "走访",
                 "“要求补发拖欠工资”", "第二十二条、第二十三条", "15日内书面告知您处理途径和程序", "查询办理进展和结果"):
        assert part in text, part


def test_receipt_to_another_unit_says_where_it_goes():
    data = dataclasses.replace(samples()["receipt"], handling_unit="东县住房和城乡建设局", access_code="")
    text = _text(n.receipt_notice(data))
    assert "将转送东县住房和城乡建设局办理" in text and "接收情况以及处理途径和程序" in text
    assert "查询码：" not in text  # none given, none printed


def test_acceptance_notice_gives_the_60_day_limit(rendered):
    text = rendered["accepted"].text()
    for part in ("本机关已于2026年11月30日受理", "第三十四条", "自受理之日起60日内办结", "延长期限不得超过30日",
                 "东县住房和城乡建设局物业管理科具体承办"):
        assert part in text, part


def test_forwarding_notice_names_the_competent_unit_and_its_15_days(rendered):
    text = rendered["forwarding"].text()
    for part in ("第二十二条", "属地管理、分级负责，谁主管、谁负责", "2026年11月30日将该事项转送东县住房和城乡建设局办理",
                 "第二十三条第三款", "15日内书面告知您接收情况以及处理途径和程序", "东县人民路18号",
                 "事项编号：K1-2026-00016"):
        assert part in text, part


def test_redirect_notice_names_the_route_the_reason_and_the_article(rendered):
    text = rendered["redirect"].text()
    for part in ("劳动争议", "应当通过仲裁解决", "第三十一条第（二）项", "导入相应的法定程序",
                 "向东县劳动人事争议仲裁委员会申请劳动争议仲裁", "法定期限"):
        assert part in text, part


@pytest.mark.parametrize("route,item", [("litigation", "（一）"), ("arbitration", "（二）"),
                                        ("party_appeal", "（三）"), ("administrative", "（四）")])
def test_each_art_31_route_has_its_item(route, item):
    doc = n.build_document(dataclasses.replace(samples()["redirect"], route=route))
    body = "".join(b.text for b in doc.blocks)
    assert f"第三十一条第{item}项" in body and n.ROUTES[route][1] in body


def test_route_and_outcome_keys_match_the_lifecycle():
    assert set(n.ROUTES) | set(n.BODY_ROUTES) == {str(k) for k in ROUTE_LABELS}
    assert set(n.OUTCOME_PHRASES) == {str(k) for k in OUTCOME_LABELS}


def test_extension_notice_gives_reasons_and_the_new_due_date(rendered):
    text = rendered["extension"].text()
    for part in ("第三十四条", "自受理之日起60日内办结，即于2026年11月30日前办结", "经本机关负责人批准",
                 "延长30日", "2026年12月30日前办结", "延期理由：该事项涉及小区近五年的物业服务收费"):
        assert part in text, part


def test_extension_over_30_days_is_refused():
    with pytest.raises(n.NoticeError, match="1至30日"):
        n.extension_notice(dataclasses.replace(samples()["extension"], extension_days=31))


def test_handling_opinion_has_the_art_32_parts_and_the_review_right(rendered):
    text = rendered["handling"].text()
    data = samples()["handling"]
    parts = ["第三十二条", "一、投诉请求", "二、事实和理由", "（一）您反映的事实和理由", "（二）经调查核实的事实",
             "三、处理意见", "四、法律法规依据", "本机关对您的投诉请求予以支持",
             "如您对本处理意见不服，可以自收到本意见书之日起30日内，向东县人民政府请求复查（《信访工作条例》第三十五条）",
             "附件：东县幸福小区物业服务收费核查情况"]
    parts += [re.sub(r"\s+", "", x) for x in (data.request, data.facts_reasons, data.findings, data.opinion,
                                              data.legal_basis)]
    for part in parts:
        assert part in text, part
    assert text.index("一、投诉请求") < text.index("二、事实和理由") < text.index("三、处理意见") \
        < text.index("四、法律法规依据") < text.index("请求复查")


@pytest.mark.parametrize("outcome,phrase", [("supported", "予以支持"), ("explained", "予以解释说明"),
                                            ("not_supported", "不予支持")])
def test_handling_outcome_wording_xinfang_art_32(outcome, phrase):
    """Art 32 (RULES.md §0): the three outcomes, in the words of the regulation."""
    doc = n.build_document(dataclasses.replace(samples()["handling"], outcome=outcome))
    assert any(f"投诉请求{phrase}。" in b.text for b in doc.blocks)


def test_a_handling_opinion_answers_each_request_xinfang_art_32():
    """RULES.md §0: several requests, one outcome each, each named in the opinion."""
    data = dataclasses.replace(samples()["handling"], outcome="", outcomes=(
        ("退还2025年多收取的电梯运行费1200元", "supported"), ("赔偿误工损失", "not_supported")))
    text = _text(n.handling_opinion(data))
    assert "本机关对您的投诉请求逐项处理如下：" in text
    assert "1.对“退还2025年多收取的电梯运行费1200元”的请求，予以支持；" in text
    assert "2.对“赔偿误工损失”的请求，不予支持。" in text


def test_an_old_partly_opinion_is_reprinted_as_it_was_issued():
    """docs/decisions/0001: a 处理意见书 issued as 「部分支持」 before the three of Art 32 were enforced still
    prints, as issued; no new notice can say it (the action refuses ``partly``)."""
    doc = n.build_document(dataclasses.replace(samples()["handling"], outcome="partly"))
    assert any("投诉请求部分予以支持。" in b.text for b in doc.blocks)


def test_unknown_outcome_and_missing_parts_are_refused():
    with pytest.raises(n.NoticeError, match="未知的处理结果"):
        n.build_document(dataclasses.replace(samples()["handling"], outcome="maybe"))
    with pytest.raises(n.NoticeError, match="法律法规依据"):
        n.build_document(dataclasses.replace(samples()["handling"], legal_basis="  "))
    with pytest.raises(n.NoticeError, match="复查机关"):
        n.build_document(dataclasses.replace(samples()["handling"], review_body=""))
    with pytest.raises(n.NoticeError, match="未知的法定途径"):
        n.build_document(dataclasses.replace(samples()["redirect"], route="petition"))


def test_review_opinion_cites_art_35_and_gives_the_rereview_right(rendered):
    text = rendered["review"].text()
    for part in ("您不服东县住房和城乡建设局于2026年11月30日作出的《信访事项处理意见书》（东县住建局〔2026〕15号）",
                 "2026年12月10日向本机关请求复查", "第三十五条", "一、复查请求", "二、复查认定的事实和理由",
                 "三、复查意见", "四、法律法规依据",
                 "经复查，本机关决定：维持东县住房和城乡建设局于2026年11月30日作出的处理意见。",
                 "可以自收到本复查意见书之日起30日内，向A市人民政府请求复核（《信访工作条例》第三十六条第一款）",
                 "2027年1月8日"):
        assert part in text, part


@pytest.mark.parametrize("decision,phrase", [("uphold", "维持"), ("revoke", "撤销"), ("change", "变更")])
def test_review_decisions_are_the_review_bodys_not_art_32_outcomes_xinfang_art_35(decision, phrase):
    """RULES.md §0: a 复查 body upholds, revokes or changes the opinion, with reasons and legal basis."""
    doc = n.build_document(dataclasses.replace(samples()["review"], decision=decision))
    body = "".join(b.text for b in doc.blocks)
    assert f"本机关决定：{phrase}东县住房和城乡建设局于2026年11月30日作出的处理意见。" in body
    assert "请求复核" in body
    with pytest.raises(n.NoticeError, match="复查（复核）结论"):
        n.build_document(dataclasses.replace(samples()["review"], decision="not_supported"))


def test_an_order_to_redo_names_the_unit_and_offers_review_of_its_new_opinion_xinfang_art_35():
    """RULES.md §0 责令重新处理: the unit that replied handles it again; no re-review is offered for an order."""
    data = dataclasses.replace(samples()["review"], decision="redo", rereview_body="",
                               redo_unit="东县住房和城乡建设局")
    text = _text(n.review_opinion(data))
    assert "撤销东县住房和城乡建设局于2026年11月30日作出的处理意见，责令东县住房和城乡建设局重新处理" in text
    assert "东县住房和城乡建设局将重新办理该事项，并向您出具信访处理意见书" in text
    assert "请求复核" not in text


def test_review_request_receipt_gives_the_30_days_of_the_review_xinfang_art_35_36():
    text = _text(n.review_request_receipt(samples()["review_receipt"]))
    for part in ("东县人民政府信访事项复查申请回执", "张三：", "您不服东县住房和城乡建设局于2026年11月30日作出的",
                 "本机关已于2026年12月10日收到您的复查请求", "第三十五条", "自收到复查请求之日起30日内提出复查意见",
                 "事项编号：K1-2026-00015"):
        assert part in text, part
    rereview = _text(n.review_request_receipt(dataclasses.replace(samples()["review_receipt"], stage="rereview")))
    assert "信访事项复核申请回执" in rereview and "第三十六条第一款" in rereview and "听证所需时间不计算在内" in rereview


def test_rereview_opinion_is_final(rendered):
    text = rendered["rereview"].text()
    for part in ("您不服东县人民政府于2027年1月8日作出的《信访事项复查意见书》", "第三十六条",
                 "本机关于2027年1月25日举行了听证", "一、复核请求", "三、复核意见", "终结意见",
                 "第三十六条第三款", "仍然以同一事实和理由提出投诉请求的，信访部门和其他机关、单位不再受理"):
        assert part in text, part
    assert "请求复核" not in text.split("终结意见")[1]  # no further remedy offered


def test_supervision_notice_goes_to_the_unit_with_its_own_deadline(rendered):
    text = rendered["supervision"].text()
    for part in ("东县住房和城乡建设局：", "事项编号为K1-2026-00016", "办理期限至2026年11月30日",
                 "尚未出具信访处理意见书", "现对该事项予以督办", "于2026年12月10日前将办理情况书面报送本机关",
                 "本督办事项的办结期限为2026年12月10日", "第三十条第三款"):
        assert part in text, part


def test_supervision_notice_custom_requirements():
    data = dataclasses.replace(samples()["supervision"], requirements=["约见信访人当面答复", "5日内报告"])
    body = [b.text for b in n.build_document(data).blocks]
    assert "1. 约见信访人当面答复；" in body and "2. 5日内报告。" in body


def test_mediation_agreement_has_the_art_29_contents_and_the_art_33_right(rendered):
    text = rendered["mediation"].text()
    data = samples()["mediation"]
    parts = ["甲方：孙七，住东县甲镇和平村3组", "乙方：周八", "一、纠纷的主要事实", "二、争议事项", "三、各方当事人的责任",
             "四、调解协议内容", "五、履行方式、期限", "（人民调解员：吴九）",
             "1.乙方于2026年12月15日前自费恢复公共排水沟原状。", "2.乙方赔偿甲方院墙修复费用人民币2000元。",
             "签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效",
             "自本协议生效之日起三十日内共同向人民法院申请司法确认（《中华人民共和国人民调解法》第三十三条）",
             "本协议一式三份，当事人各执一份，东县甲镇人民调解委员会留存一份",
             "当事人（签名、盖章或者按指印）：", "甲方：", "乙方：", "人民调解员（签名）：",
             "东县甲镇人民调解委员会2026年11月30日"]
    parts += [re.sub(r"\s+", "", x) for x in (data.facts, data.disputed_issues, data.responsibility, data.performance)]
    for part in parts:
        assert part in text, part


def test_mediation_agreement_needs_two_parties_terms_and_enough_copies():
    m = samples()["mediation"]
    with pytest.raises(n.NoticeError, match="两方"):
        n.build_document(dataclasses.replace(m, parties=m.parties[:1]))
    with pytest.raises(n.NoticeError, match="协议的内容"):
        n.build_document(dataclasses.replace(m, terms=["  "]))
    with pytest.raises(n.NoticeError, match="至少3份"):
        n.build_document(dataclasses.replace(m, copies=2))


def test_one_person_is_addressed_as_您_throughout(rendered):
    """A letter to one person says 您, never 你 nor 信访人…其 (issue 11 item 6)."""
    for name in ("receipt", "accepted", "forwarding", "redirect", "extension", "handling", "review", "rereview",
                 "review_receipt"):
        text = rendered[name].text()
        assert "您" in text and not re.search(r"你(?!们)", text), name
        assert "信访人" not in text, name


def test_group_complainants_are_addressed_as_你们():
    data = dataclasses.replace(samples()["handling"], addressee="张三、李四等12人", group=True)
    text = _text(n.handling_opinion(data))
    assert "张三、李四等12人：" in text and "你们于2026年9月28日提出" in text and "如你们对本处理意见不服" in text


def test_long_issuer_breaks_the_title_into_two_lines():
    data = dataclasses.replace(samples()["extension"], issuer="东县人力资源和社会保障局")
    doc = n.build_document(data)
    from casework.documents.layout import title_lines

    assert title_lines(doc.title) == ["东县人力资源和社会保障局", "信访事项延期办理告知书"]


def test_pdf_metadata_and_tags(rendered):
    reader = rendered["handling"].reader
    assert reader.metadata.title == "东县住房和城乡建设局信访事项处理意见书"
    assert reader.metadata.author == "东县住房和城乡建设局"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN" and "/StructTreeRoot" in root  # a tagged PDF, for screen readers
    assert root["/MarkInfo"]["/Marked"]


def test_not_a_notice():
    with pytest.raises(TypeError):
        n.render_notice(object())


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    return re.sub(r"—\d+—", "", text)

