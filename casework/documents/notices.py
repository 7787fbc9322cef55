"""The formal notices Casework issues, one function each: plain data in, PDF bytes out.

Each notice takes a small frozen dataclass (no Django models), so the module can
be tested alone and reused by the staff workspace, the portal and batch jobs;
``from_case.py`` builds the dataclasses from a case and its events. The wording
is what a county office prints; the articles are those of the 信访工作条例 (2022)
and the 人民调解法 (see shared/law/RULES.md). A letter to one person says 您 throughout,
to a group 你们; statutory periods come from ``casework.rules.clocks`` and are written as
their law writes them (the 条例 「30日」, the 人民调解法 「三十日」); 一式三份 in Chinese numerals:

=====================  ===========================================  =================
function               document                                      rules
=====================  ===========================================  =================
receipt_notice         信访事项登记回执 / 信访事项受理告知书              Art 22, 23, 34
forwarding_notice      信访事项转送告知书                               Art 22, 23 ¶3
redirect_notice        信访事项告知书 (another legal route)             Art 28 ¶2, 31(1)-(4)
                       (duty: 依法履行职责; accusation: 纪检监察机关)     Art 31(5); Art 22 ¶2
repeat_refusal         信访事项不予受理告知书 (finally decided)           Art 36 ¶3
extension_notice       信访事项延期办理告知书                           Art 34
handling_opinion       信访事项处理意见书                               Art 32, 35
review_opinion         信访事项复查意见书                               Art 35, 36 ¶1
rereview_opinion       信访事项复核意见书                               Art 36
review_request_receipt 信访事项复查（复核）申请回执                       Art 35, 36 ¶1
supervision_notice     信访事项督办通知                                 (督查督办)
mediation_agreement    人民调解协议书 (and its draft)                    人民调解法 Art 29, 31, 33
=====================  ===========================================  =================

The 调解终止告知书 (人民调解法 Art 26) is in ``mediation_notices.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from casework.rules.clocks import RULES

from .layout import (
    H1, H2, Block, Document, P, Signatory, _css_families, cn_numeral, document_number, font_families, paragraphs,
    render_pdf,
)
from .notice_base import (  # noqa: F401 (re-exported: callers import them from here)
    CONFIRMATION_DAYS, DECISION_PHRASES, HANDLING_DAYS, LEGACY_OUTCOME_PHRASES, MAX_EXTENSION_DAYS, MEDIATION_LAW,
    BODY_ROUTES, NOTICE_DAYS, OUTCOME_PHRASES, REGULATION, REVIEW_REQUEST_DAYS, ROUTES, Notice, NoticeError, ToComplainant,
    _d, _need, _outcome, _sentence,
)
from .review_notices import (  # noqa: F401
    RereviewOpinion, ReviewOpinion, ReviewRequestReceipt, _rereview, _review, _review_receipt, rereview_opinion,
    review_opinion, review_request_receipt,
)

__all__ = [
    "ExtensionNotice", "ForwardingNotice", "HandlingOpinion", "MediationAgreement", "MediationParty", "NoticeError",
    "ReceiptNotice", "RedirectNotice", "RepeatRefusalNotice", "RereviewOpinion", "ReviewOpinion", "ReviewRequestReceipt", "SupervisionNotice",
    "OUTCOME_PHRASES", "ROUTES", "build_document", "document_number", "extension_notice", "forwarding_notice",
    "handling_opinion", "mediation_agreement", "receipt_notice", "redirect_notice", "render_notice", "repeat_refusal",
    "rereview_opinion", "review_opinion", "review_request_receipt", "supervision_notice", "DECISION_PHRASES",
]


# --- 登记回执 / 受理告知书 (Art 22, 23, 34) ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReceiptNotice(ToComplainant):
    """At registration (登记回执), or once the matter is accepted (受理告知书, when ``accepted_on`` is set)."""

    received_on: dt.date
    matter: str  # the matter in a few words: 要求补发拖欠工资
    channel: str = ""  # 走访、来信、来电、网上信访 …
    access_code: str = ""  # shown once, at registration
    registered_on: dt.date | None = None  # default: the day received
    accepted_on: dt.date | None = None
    handling_unit: str = ""  # where it goes: the unit that will handle it
    handling_days: int = HANDLING_DAYS  # Art 34
    query: str = ""  # where to look progress up (Art 18 ¶1, 21 ¶2)


def _receipt(n: ReceiptNotice) -> Document:
    you = n.you
    matter = _sentence(_need(n.matter, "信访事项"))
    received = _d(_need(n.received_on, "收到日期"))
    how = f"以{n.channel}形式" if n.channel else ""
    here = not n.handling_unit or n.handling_unit == n.issuer
    blocks: list[Block] = []
    if n.accepted_on:
        title = [n.issuer, "信访事项受理告知书"]
        blocks.append(P(f"{you}于{received}{how}提出的“{matter}”信访事项，本机关已于{_d(n.accepted_on)}受理。"))
        if not here:
            blocks.append(P(f"该事项由{n.handling_unit}具体承办。"))
        blocks.append(P(
            f"依照{REGULATION}第三十四条的规定，该事项应当自受理之日起{n.handling_days}日内办结；"
            f"情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不得超过{MAX_EXTENSION_DAYS}日，"
            f"并告知{you}延期理由。"
            f"办结后，本机关将出具信访处理意见书。"
        ))
    else:
        title = [n.issuer, "信访事项登记回执"]
        registered = _d(n.registered_on or n.received_on)
        blocks.append(P(f"{you}于{received}{how}提出的“{matter}”信访事项，本机关已于{registered}予以登记。"))
        if here:
            blocks.append(P(
                f"依照{REGULATION}第二十二条、第二十三条的规定，本机关将自收到该事项之日起{NOTICE_DAYS}日内"
                f"书面告知{you}处理途径和程序。"
            ))
        else:
            blocks.append(P(
                f"依照{REGULATION}第二十二条的规定，按照属地管理、分级负责，谁主管、谁负责的原则，"
                f"该事项将转送{n.handling_unit}办理。{n.handling_unit}将依照第二十三条第三款的规定，"
                f"自收到该事项之日起{NOTICE_DAYS}日内书面告知{you}接收情况以及处理途径和程序。"
            ))
    if n.case_number:
        blocks.append(P(f"事项编号：{n.case_number}"))
    if n.access_code:
        blocks.append(P(f"查询码：{n.access_code}（请妥善保管，不要告诉他人）"))
    where = n.query or "本机关公布的网上信访平台或者来访接待场所"
    blocks.append(P(f"{you}可以凭事项编号和查询码，通过{_sentence(where)}查询办理进展和结果。"))
    blocks.append(P("特此告知。"))
    return n._doc(title, blocks, n.addressee, subject=n.case_number)


def receipt_notice(notice: ReceiptNotice) -> bytes:
    """登记回执 (at registration) or 受理告知书 (accepted): case number, access code, dates, where it goes."""
    return render_pdf(_receipt(notice))


# --- 转送告知书 (Art 22, 23 ¶3) ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ForwardingNotice(ToComplainant):
    received_on: dt.date
    matter: str
    forwarded_on: dt.date
    to_unit: str  # the competent unit
    to_unit_contact: str = ""  # its address and phone
    reason: str = ""  # why it is that unit's matter


def _forwarding(n: ForwardingNotice) -> Document:
    you, to = n.you, _need(n.to_unit, "接收单位")
    blocks = [
        P(f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
          f"收悉。"),
        P(
            f"经审查，{_sentence(n.reason) or f'该事项属于{to}的职责范围'}。依照{REGULATION}第二十二条的规定，"
            f"按照属地管理、分级负责，谁主管、谁负责的原则，本机关已于{_d(_need(n.forwarded_on, '转送日期'))}"
            f"将该事项转送{to}办理。"
        ),
        P(
            f"依照{REGULATION}第二十三条第三款的规定，{to}将自收到该事项之日起{NOTICE_DAYS}日内书面告知{you}接收情况"
            f"以及处理途径和程序。"
            + (f"{to}的联系方式：{_sentence(n.to_unit_contact)}。" if n.to_unit_contact else "")
        ),
        P(f"{you}可以凭事项编号和查询码查询办理进展和结果。"),
        P("特此告知。"),
    ]
    return n._case_doc("信访事项转送告知书", blocks)


def forwarding_notice(notice: ForwardingNotice) -> bytes:
    return render_pdf(_forwarding(notice))


# --- 告知书: another legal route (Art 28 ¶2, 31(1)-(4)) ---------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RedirectNotice(ToComplainant):
    received_on: dt.date
    matter: str
    route: str  # Art 31(1)-(4): litigation / arbitration / party_appeal / administrative; duty (31(5)); accusation
    reason: str  # why the matter belongs there
    next_step: str = ""  # what to do and where: 向东县劳动人事争议仲裁委员会申请劳动争议仲裁
    body: str = ""  # duty / accusation: the organ whose duty it is, the 纪检监察机关 that receives it


def _redirect(n: RedirectNotice) -> Document:
    you = n.you
    if n.route in BODY_ROUTES:
        return _to_a_body(n)
    try:
        item, procedure = ROUTES[n.route]
    except KeyError:
        raise NoticeError(f"未知的法定途径：{n.route!r}（应为 {'、'.join((*ROUTES, *BODY_ROUTES))}）") from None
    blocks = [
        P(f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
          f"收悉。"),
        P(
            f"经审查，{_sentence(_need(n.reason, '告知理由'))}。该事项属于应当通过{procedure}解决的事项。"
            f"依照{REGULATION}第二十八条、第三十一条第{item}项的规定，该事项应当导入相应的法定程序处理，"
            f"本机关不再按照信访程序办理。"
        ),
    ]
    if n.next_step:
        blocks.append(P(f"请{you}依照有关法律法规的规定，{_sentence(n.next_step)}。"))
    blocks += [
        P(f"有关法律法规对提起诉讼、申请仲裁、申请行政复议等规定了期限，请{you}注意在法定期限内依法行使权利。"),
        P("特此告知。"),
    ]
    return n._case_doc("信访事项告知书", blocks)


def _to_a_body(n: RedirectNotice) -> Document:
    """A 检举控告 referred to the 纪检监察机关 (Art 22 ¶2), or a request that an organ perform its statutory duty,
    which that organ performs or answers (Art 31(5)). The reporter's materials never reach the person or unit
    reported (Art 30 ¶3)."""
    you, body = n.you, _sentence(_need(n.body, "承办机关"))
    blocks = [P(f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
                f"收悉。")]
    if n.route == "accusation":
        blocks += [
            P(f"经审查，{_sentence(_need(n.reason, '告知理由'))}。该事项属于检举控告类事项。依照{REGULATION}"
              f"第二十二条第二款的规定，本机关已将该事项转送{body}依规依纪依法处理，不再按照信访程序出具处理意见书。"),
            P(f"依照{REGULATION}第三十条第三款的规定，{you}的检举、揭发材料以及有关情况不会透露或者转给被检举、揭发的"
              f"人员或者单位。{you}也可以直接向{body}提出检举控告。"),
        ]
        title = "信访事项告知书（检举控告）"
    else:
        blocks += [
            P(f"经审查，{_sentence(_need(n.reason, '告知理由'))}。该事项属于请求{body}依法履行法定职责的事项。"
              f"依照{REGULATION}第三十一条第五项的规定，由{body}依法履行职责或者予以答复，不再按照信访程序出具处理"
              f"意见书。"),
            P(f"{you}对{body}履行职责或者答复的情况不服的，可以依照有关法律法规的规定申请行政复议或者提起诉讼，"
              f"请注意在法定期限内依法行使权利。"),
        ]
        title = "信访事项告知书（依法履行职责）"
    if n.next_step:
        blocks.append(P(f"请{you}{_sentence(n.next_step)}。"))
    blocks.append(P("特此告知。"))
    return n._case_doc(title, blocks)


@dataclass(frozen=True, kw_only=True)
class RepeatRefusalNotice(ToComplainant):
    """信访事项不予受理告知书 (Art 36 ¶3): the same facts and reasons were finally decided on re-review."""

    received_on: dt.date
    matter: str
    reason: str  # why it is the same matter, on the same facts and reasons
    final_case_number: str  # the earlier case
    final_issuer: str  # the body that issued the re-review opinion
    final_document: str = ""  # its 发文字号
    final_date: dt.date | None = None  # its date


def _repeat(n: RepeatRefusalNotice) -> Document:
    you = n.you
    final = f"{_need(n.final_issuer, '复核机关')}"
    if n.final_date:
        final += f"于{_d(n.final_date)}"
    final += "出具的复核意见"
    if n.final_document:
        final += f"（{n.final_document}）"
    blocks = [
        P(f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
          f"收悉。"),
        P(f"经审查，{_sentence(_need(n.reason, '不予受理的理由'))}。该事项已经复核终结"
          f"（原信访事项编号：{_need(n.final_case_number, '原信访事项编号')}；{final}）。"),
        P(f"依照{REGULATION}第三十六条第三款的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，"
          f"各级党委和政府信访部门以及其他机关、单位不再受理。本机关对该事项不予受理。"),
        P(f"{you}如有新的事实和理由，可以另行提出。"),
        P("特此告知。"),
    ]
    return n._case_doc("信访事项不予受理告知书", blocks)


def repeat_refusal(notice: RepeatRefusalNotice) -> bytes:
    """不予受理: finally decided on re-review, the same facts and reasons (Art 36 ¶3)."""
    return render_pdf(_repeat(notice))


def redirect_notice(notice: RedirectNotice) -> bytes:
    """Which legal route and why (Art 31(1)-(4))."""
    return render_pdf(_redirect(notice))


# --- 延期办理告知书 (Art 34) -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ExtensionNotice(ToComplainant):
    received_on: dt.date
    matter: str
    accepted_on: dt.date
    original_due: dt.date
    extension_days: int
    new_due: dt.date
    reasons: str


def _extension(n: ExtensionNotice) -> Document:
    you = n.you
    days = n.extension_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise NoticeError(f"延长期限应为1至{MAX_EXTENSION_DAYS}日（第三十四条），不是{days!r}")
    blocks = [
        P(
            f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
            f"，本机关已于{_d(_need(n.accepted_on, '受理日期'))}受理。依照{REGULATION}"
            f"第三十四条的规定，该事项应当自受理之日起{HANDLING_DAYS}日内办结，"
            f"即于{_d(_need(n.original_due, '原办理期限'))}前办结。"
        ),
        P(f"因该事项情况复杂，不能在规定期限内办结，经本机关负责人批准，办理期限延长{n.extension_days}日，"
          f"本机关将于{_d(_need(n.new_due, '延长后的期限'))}前办结并出具信访处理意见书。"),
        P(f"延期理由：{_need(n.reasons, '延期理由')}"),
        P("特此告知。"),
    ]
    return n._case_doc("信访事项延期办理告知书", blocks)


def extension_notice(notice: ExtensionNotice) -> bytes:
    """Reasons for the extension and the new due date (Art 34)."""
    return render_pdf(_extension(notice))


# --- 处理意见书 (Art 32, 35) -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HandlingOpinion(ToComplainant):
    received_on: dt.date
    accepted_on: dt.date | None = None
    request: str  # 投诉请求
    facts_reasons: str  # 事实和理由, as the complainant stated them
    findings: str  # 经调查核实的事实
    outcome: str = ""  # supported / explained / not_supported (Art 32)
    outcomes: Sequence[tuple[str, str]] = ()  # or one per request: (request, outcome), at least two
    opinion: str  # 处理意见
    legal_basis: str  # 法律法规依据
    review_body: str  # the next higher body that reviews (Art 35)
    review_body_contact: str = ""


def _outcome_blocks(n: HandlingOpinion) -> list[Block]:
    you = n.you
    if n.outcomes:
        items = [(_sentence(_need(r, "请求内容")), _outcome(o)) for r, o in n.outcomes]
        return [P(f"根据上述事实，依照有关法律法规和政策规定，本机关对{you}的投诉请求逐项处理如下："),
                *[P(f"{i}. 对“{r}”的请求，{o}{'。' if i == len(items) else '；'}") for i, (r, o) in enumerate(items, 1)]]
    return [P(f"根据上述事实，依照有关法律法规和政策规定，本机关对{you}的投诉请求{_outcome(n.outcome)}。")]


def _handling(n: HandlingOpinion) -> Document:
    you = n.you
    accepted = f"，本机关已于{_d(n.accepted_on)}受理" if n.accepted_on else ""
    blocks = [
        P(f"{you}于{_d(_need(n.received_on, '收到日期'))}提出的信访事项{accepted}。"
          f"本机关经调查核实，依照{REGULATION}第三十二条的规定，现将处理意见告知如下："),
        H1("投诉请求"),
        *paragraphs(_need(n.request, "投诉请求")),
        H1("事实和理由"),
        H2(f"{you}反映的事实和理由"),
        *paragraphs(_need(n.facts_reasons, "事实和理由")),
        H2("经调查核实的事实"),
        *paragraphs(_need(n.findings, "调查核实的事实")),
        H1("处理意见"),
        *_outcome_blocks(n),
        *paragraphs(_need(n.opinion, "处理意见")),
        H1("法律法规依据"),
        *paragraphs(_need(n.legal_basis, "法律法规依据")),
        P(
            f"如{you}对本处理意见不服，可以自收到本意见书之日起{REVIEW_REQUEST_DAYS}日内，"
            f"向{_need(n.review_body, '复查机关')}请求复查（{REGULATION}第三十五条）。"
            + (f"{n.review_body}的联系方式：{_sentence(n.review_body_contact)}。" if n.review_body_contact else "")
        ),
    ]
    return n._case_doc("信访事项处理意见书", blocks)


def handling_opinion(notice: HandlingOpinion) -> bytes:
    """处理意见书: request, facts and reasons, opinion, legal basis (Art 32); the right to review (Art 35)."""
    return render_pdf(_handling(notice))


# --- 督办通知 --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SupervisionNotice(Notice):
    addressee: str  # the unit supervised
    case_number: str
    matter: str
    received_on: dt.date | None = None
    handling_due: dt.date | None = None  # the statutory clock being chased
    handling_rule: str = ""  # e.g. 第三十四条规定的60日办理期限
    situation: str  # what is wrong: 已超过办理期限5日，尚未办结
    reply_due: dt.date  # the supervision notice's own deadline
    requirements: Sequence[str] = ()  # what the unit must do; defaults below


def _supervision(n: SupervisionNotice) -> Document:
    reply_due = _d(_need(n.reply_due, "督办期限"))
    received = f"（{_d(n.received_on)}登记）" if n.received_on else ""
    due = ""
    if n.handling_due:
        rule = f"（{_sentence(n.handling_rule)}）" if n.handling_rule else ""
        due = f"，办理期限至{_d(n.handling_due)}{rule}"
    requirements = [_sentence(r) for r in n.requirements if r and r.strip()] or [
        "高度重视，明确专人负责，依法依规抓紧办理",
        f"于{reply_due}前将办理情况书面报送本机关，已办结的附信访处理意见书",
        "确实不能按期办结的，书面说明理由和预计办结时间",
    ]
    blocks: list[Block] = [
        P(f"事项编号为{_need(n.case_number, '事项编号')}的“{_sentence(_need(n.matter, '信访事项'))}”信访事项"
          f"{received}由你单位办理{due}。经查，{_sentence(_need(n.situation, '督办事由'))}。"),
        P("根据信访工作督查督办有关规定，现对该事项予以督办。请你单位："),
        *[P(f"{i}. {r}{'。' if i == len(requirements) else '；'}") for i, r in enumerate(requirements, 1)],
        P(f"办理中，不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位"
          f"（{REGULATION}第三十条第三款）。"),
        P(f"本督办事项的办结期限为{reply_due}。逾期未报送办理情况的，本机关将依照有关规定予以通报。"),
    ]
    return n._doc([n.issuer, "信访事项督办通知"], blocks, _need(n.addressee, "被督办单位"), subject=n.case_number)


def supervision_notice(notice: SupervisionNotice) -> bytes:
    """督办通知 to the handling unit, with its own deadline."""
    return render_pdf(_supervision(notice))


# --- 人民调解协议书 (人民调解法 Art 29, 31, 33) ---------------------------------------------------


@dataclass(frozen=True)
class MediationParty:
    role: str  # 甲方 / 乙方 / 申请人 / 被申请人
    name: str
    details: str = ""  # the basic details the parties agree to state (住址; for a unit, its representative)
    signed: str = ""  # how the party signed the effective agreement: 签名 / 盖章 / 按指印


@dataclass(frozen=True, kw_only=True)
class MediationAgreement:
    committee: str  # 东县甲镇人民调解委员会: signs and seals
    date: dt.date
    number: str = ""
    parties: Sequence[MediationParty]
    facts: str  # 纠纷的主要事实
    disputed_issues: str  # 争议事项
    responsibility: str  # 各方当事人的责任
    terms: Sequence[str]  # 当事人达成调解协议的内容
    performance: str  # 履行的方式、期限
    mediator: str = ""
    recorder: bool = False  # a line for the person who kept the record (人民调解法 Art 27)
    copies: int | None = None  # default: one per party and one for the committee
    contact: str = ""
    draft: bool = False  # printed for the parties to read before signing: marked, undated, no seal
    confirmation_days: int = RULES["judicial_confirmation"].days  # Art 33
    confirmation_due: dt.date | None = None  # the effective agreement's last day to apply (Art 33)


DRAFT_MARK = "草稿　未经签署，不发生效力"


def _mediation(m: MediationAgreement) -> Document:
    parties = list(m.parties)
    if len(parties) < 2:
        raise NoticeError("调解协议至少有两方当事人")
    terms = [t.strip() for t in m.terms if t and t.strip()]
    if not terms:
        raise NoticeError("缺少调解协议的内容")
    copies = m.copies or len(parties) + 1
    if copies < len(parties) + 1:
        raise NoticeError(f"协议书应当当事人各执一份、调解委员会留存一份，至少{len(parties) + 1}份")
    blocks: list[Block] = []
    if m.draft:
        blocks.append(P(f"本协议书为草稿（{_d(m.date)}制作），供各方当事人阅看。各方当事人签名、盖章或者按指印，"
                        f"人民调解员签名并加盖人民调解委员会印章之前，本协议不发生效力。"))
    blocks += [
        Block("line", f"{p.role}：{_need(p.name, '当事人姓名（名称）')}" + (f"，{_sentence(p.details)}" if p.details else ""))
        for p in parties
    ]
    blocks += [
        H1("纠纷的主要事实"),
        *paragraphs(_need(m.facts, "纠纷的主要事实")),
        H1("争议事项"),
        *paragraphs(_need(m.disputed_issues, "争议事项")),
        H1("各方当事人的责任"),
        *paragraphs(_need(m.responsibility, "各方当事人的责任")),
        H1("调解协议内容"),
        P(f"经{m.committee}{f'（人民调解员：{m.mediator}）' if m.mediator else ''}主持调解，各方当事人自愿达成如下协议："),
        *[P(f"{i}. {_sentence(t)}。") for i, t in enumerate(terms, 1)],
        H1("履行方式、期限"),
        *paragraphs(_need(m.performance, "履行方式、期限")),
        P(f"{m.committee}对调解协议的履行情况进行监督，督促当事人履行约定的义务。"),
        H1("其他事项"),
        P(f"本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
          f"经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
          f"（{MEDIATION_LAW}第二十九条、第三十一条）。"),
        P(f"各方当事人认为有必要的，可以自本协议生效之日起{cn_numeral(m.confirmation_days)}日内共同向人民法院申请司法确认"
          f"（{MEDIATION_LAW}第三十三条）。"),
    ]
    if m.confirmation_due and not m.draft:
        blocks.append(P(f"本协议于{_d(m.date)}生效，共同申请司法确认的期限至{_d(m.confirmation_due)}。"))
    blocks.append(P(f"本协议一式{cn_numeral(copies)}份，当事人各执一份，{m.committee}留存一份。"))
    signatories = [Signatory(p.role, f"{p.name}（{p.signed}）" if p.signed and not m.draft else "") for p in parties]
    # the effective agreement's record copy names who signed and how; the paper copy leaves the room to sign
    mediator = (Signatory("人民调解员", f"{m.mediator}（签名）") if m.mediator and not m.draft
                and any(p.signed for p in parties) else Signatory("人民调解员（签名）"))
    if len(signatories) % 2:
        signatories.append(mediator)
    else:
        signatories += [mediator, Signatory("记录人（签名）")] if m.recorder else [mediator]
    draft_css = ""
    if m.draft:
        draft_css = ("@page { @top-center { content: \"%s\"; font-family: %s; font-size: 14pt; letter-spacing: 0; "
                     "vertical-align: bottom; padding-bottom: 8mm; } }" % (DRAFT_MARK, _css_families(font_families("hei"))))
    return Document(
        title=["人民调解协议书（草稿）" if m.draft else "人民调解协议书"], date=None if m.draft else _need(m.date, "日期"),
        signature=_need(m.committee, "人民调解委员会"), seal=not m.draft,
        number=m.number, blocks=blocks, signatories=signatories, note=m.contact,
        signatories_heading="当事人（签名、盖章或者按指印）",
        meta_subject="人民调解协议书（草稿）" if m.draft else "人民调解协议书", extra_css=draft_css,
    )


def mediation_agreement(agreement: MediationAgreement) -> bytes:
    """人民调解协议书 with the contents of 人民调解法 Art 29 and the judicial-confirmation right (Art 33); a draft
    (``draft=True``) is marked on every page, undated and without the seal area."""
    return render_pdf(_mediation(agreement))


# --- dispatch -------------------------------------------------------------------------------------

_BUILDERS = {
    ReceiptNotice: _receipt,
    ForwardingNotice: _forwarding,
    RedirectNotice: _redirect,
    RepeatRefusalNotice: _repeat,
    ExtensionNotice: _extension,
    HandlingOpinion: _handling,
    ReviewOpinion: _review,
    RereviewOpinion: _rereview,
    ReviewRequestReceipt: _review_receipt,
    SupervisionNotice: _supervision,
    MediationAgreement: _mediation,
}


def build_document(data) -> Document:
    """The laid-out ``Document`` for any notice dataclass (for previews and tests)."""
    try:
        builder = _BUILDERS[type(data)]
    except KeyError:
        raise TypeError(f"not a notice: {type(data).__name__}") from None
    return builder(data)


def render_notice(data) -> bytes:
    """PDF bytes for any notice dataclass."""
    return render_pdf(build_document(data))
