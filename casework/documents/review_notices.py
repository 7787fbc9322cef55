"""The review body's letters: 复查意见书 (Art 35), 复核意见书 (Art 36), 复查（复核）申请回执 (Art 35, 36 ¶1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .layout import H1, Block, Document, P, paragraphs, render_pdf
from .notice_base import (
    REGULATION, REREVIEW_DECISION_DAYS, REREVIEW_REQUEST_DAYS, REVIEW_DECISION_DAYS, NoticeError, ToComplainant,
    _d, _decision, _need, _sentence,
)

# --- 复查意见书 (Art 35, 36 ¶1), 复核意见书 (Art 36) ---------------------------------------------------


def _original(issuer: str, date: dt.date | None, number: str, kind: str) -> str:
    when = f"于{_d(date)}" if date else ""
    num = f"（{number}）" if number else ""
    return f"{issuer}{when}作出的《{kind}》{num}"


def _decided(decision: str, before: str, opinion_word: str, redo_unit: str) -> str:
    """经复查，本机关决定：维持东县住建局于……作出的处理意见 / 责令东县住建局重新处理."""
    word = _decision(decision)
    if decision == "redo":
        return f"撤销{before}作出的{opinion_word}，责令{_need(redo_unit, '重新处理的单位')}重新处理"
    return f"{word}{before}作出的{opinion_word}"


def _decision_blocks(n, stage: str, before: str, opinion_word: str) -> list[Block]:
    """The decision part common to 复查 and 复核 opinions: request, findings, decision, legal basis."""
    you = n.you
    blocks: list[Block] = [H1(f"{stage}请求"), *paragraphs(_need(n.request, f"{stage}请求"))]
    if (n.findings or "").strip():  # older review records hold none
        blocks += [H1(f"{stage}认定的事实和理由"), *paragraphs(n.findings)]
    blocks += [
        H1(f"{stage}意见"),
        P(f"经{stage}，本机关决定：{_decided(n.decision, before, opinion_word, n.redo_unit)}。"),
        *paragraphs(_need(n.opinion, f"{stage}意见")),
        H1("法律法规依据"),
        *paragraphs(_need(n.legal_basis, "法律法规依据")),
    ]
    if n.decision == "redo":
        blocks.append(P(
            f"{n.redo_unit}将重新办理该事项，并向{you}出具信访处理意见书。{you}对新的处理意见不服的，"
            f"可以依照{REGULATION}第三十五条的规定请求复查。"
        ))
    return blocks


@dataclass(frozen=True, kw_only=True)
class ReviewOpinion(ToComplainant):
    original_issuer: str  # who issued the 处理意见书
    original_date: dt.date | None = None
    original_number: str = ""
    requested_on: dt.date  # the review request
    request: str  # 复查请求 and its reasons
    findings: str = ""  # 复查认定的事实和理由
    decision: str  # uphold / revoke / change / redo (Art 35)
    opinion: str
    legal_basis: str
    rereview_body: str = ""  # the body that re-reviews (Art 36); not needed when the matter is redone
    rereview_body_contact: str = ""
    redo_unit: str = ""  # 责令重新处理: the unit that handles the matter again


def _review(n: ReviewOpinion) -> Document:
    you = n.you
    issuer = _need(n.original_issuer, "原处理机关")
    original = _original(issuer, n.original_date, n.original_number, "信访事项处理意见书")
    blocks = [
        P(f"{you}不服{original}，于{_d(_need(n.requested_on, '复查请求日期'))}向本机关请求复查。"
          f"本机关依照{REGULATION}第三十五条的规定进行了复查，现将复查意见告知如下："),
        *_decision_blocks(n, "复查", issuer + (f"于{_d(n.original_date)}" if n.original_date else ""), "处理意见"),
    ]
    if n.decision != "redo":
        blocks.append(P(
            f"如{you}对本复查意见不服，可以自收到本复查意见书之日起{REREVIEW_REQUEST_DAYS}日内，"
            f"向{_need(n.rereview_body, '复核机关')}请求复核（{REGULATION}第三十六条第一款）。"
            + (f"{n.rereview_body}的联系方式：{_sentence(n.rereview_body_contact)}。" if n.rereview_body_contact else "")
        ))
    return n._case_doc("信访事项复查意见书", blocks)


def review_opinion(notice: ReviewOpinion) -> bytes:
    """复查意见书 (Art 35): 维持、撤销、变更 or 责令重新处理, with the right to re-review (Art 36 ¶1)."""
    return render_pdf(_review(notice))


@dataclass(frozen=True, kw_only=True)
class RereviewOpinion(ToComplainant):
    review_issuer: str  # who issued the 复查意见书
    review_date: dt.date | None = None
    review_number: str = ""
    requested_on: dt.date
    request: str
    findings: str = ""
    decision: str  # uphold / revoke / change / redo (Art 36)
    opinion: str
    legal_basis: str
    hearing_on: dt.date | None = None  # a hearing was held (Art 36 ¶2)
    redo_unit: str = ""


def _rereview(n: RereviewOpinion) -> Document:
    you = n.you
    issuer = _need(n.review_issuer, "复查机关")
    original = _original(issuer, n.review_date, n.review_number, "信访事项复查意见书")
    hearing = f"本机关于{_d(n.hearing_on)}举行了听证。" if n.hearing_on else ""
    blocks = [
        P(f"{you}不服{original}，于{_d(_need(n.requested_on, '复核请求日期'))}向本机关请求复核。"
          f"本机关依照{REGULATION}第三十六条的规定进行了复核。{hearing}现将复核意见告知如下："),
        *_decision_blocks(n, "复核", issuer + (f"于{_d(n.review_date)}" if n.review_date else ""), "复查意见"),
    ]
    if n.decision != "redo":
        blocks.append(P(
            f"本复核意见为该信访事项的终结意见。依照{REGULATION}第三十六条第三款的规定，{you}对本复核意见不服，"
            f"仍然以同一事实和理由提出投诉请求的，信访部门和其他机关、单位不再受理。"
        ))
    return n._case_doc("信访事项复核意见书", blocks)


def rereview_opinion(notice: RereviewOpinion) -> bytes:
    """复核意见书 (Art 36): final; the same facts and reasons are not accepted again (Art 36 ¶3)."""
    return render_pdf(_rereview(notice))


# --- 复查（复核）申请回执 (Art 35, 36 ¶1) -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReviewRequestReceipt(ToComplainant):
    """The review body confirms a 复查 or 复核 request and when its written answer is due."""

    stage: str  # "review" or "rereview"
    requested_on: dt.date  # the day the body received the request
    challenged: str  # what is challenged: 东县住建局于2026年11月30日作出的《信访事项处理意见书》（……）
    request: str = ""  # the request in a few words


def _review_receipt(n: ReviewRequestReceipt) -> Document:
    you = n.you
    if n.stage not in ("review", "rereview"):
        raise NoticeError(f"未知的申请类型：{n.stage!r}")
    word, article, days = (("复查", "第三十五条", REVIEW_DECISION_DAYS) if n.stage == "review"
                           else ("复核", "第三十六条第一款", REREVIEW_DECISION_DAYS))
    blocks = [
        P(f"{you}不服{_sentence(_need(n.challenged, '不服的意见'))}，请求{word}。本机关已于"
          f"{_d(_need(n.requested_on, '收到日期'))}收到{you}的{word}请求。"),
    ]
    if n.request:
        blocks.append(P(f"{word}请求：{_sentence(n.request)}。"))
    blocks.append(P(
        f"依照{REGULATION}{article}的规定，本机关将自收到{word}请求之日起{days}日内提出{word}意见，"
        f"并书面答复{you}。" + ("听证所需时间不计算在内（第三十六条第二款）。" if n.stage == "rereview" else "")
    ))
    if n.case_number:
        blocks.append(P(f"事项编号：{n.case_number}"))
    blocks += [P(f"{you}可以凭事项编号和查询码查询办理进展和结果。"), P("特此告知。")]
    return n._doc([n.issuer, f"信访事项{word}申请回执"], blocks, n.addressee, subject=n.case_number)


def review_request_receipt(notice: ReviewRequestReceipt) -> bytes:
    return render_pdf(_review_receipt(notice))
