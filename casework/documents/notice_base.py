"""What every notice shares: the constants of the law it cites, the wording helpers, ``Notice`` and
``ToComplainant`` (a letter to one person says 您, to a group 你们). See ``notices.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from casework.rules.clocks import MAX_EXTENSION_DAYS, RULES  # noqa: F401 (the notices import it from here)

from .layout import Block, Document, chinese_date

REGULATION = "《信访工作条例》"
MEDIATION_LAW = "《中华人民共和国人民调解法》"

# Art 32: 予以支持 / 解释说明 / 不予支持 (keys as casework.rules.lifecycle.Outcome)
OUTCOME_PHRASES = {
    "supported": "予以支持",
    "explained": "予以解释说明",
    "not_supported": "不予支持",
}
# A 处理意见书 issued with 「部分支持」 before the three of Art 32 were enforced is reprinted as it was
# issued (docs/decisions/0001-art-32-outcomes.md); no new notice uses it.
LEGACY_OUTCOME_PHRASES = {"partly": "部分予以支持"}

# Art 35, 36 (keys as casework.rules.lifecycle.ReviewDecision): what the body does to the opinion before it
DECISION_PHRASES = {"uphold": "维持", "revoke": "撤销", "change": "变更", "redo": "责令重新处理"}

HANDLING_DAYS = RULES["handling"].days  # Art 34
NOTICE_DAYS = RULES["receipt_notice"].days  # Art 22, 23
REVIEW_REQUEST_DAYS = RULES["review_request"].days  # Art 35
REVIEW_DECISION_DAYS = RULES["review_decision"].days  # Art 35
REREVIEW_REQUEST_DAYS = RULES["rereview_request"].days  # Art 36 ¶1
REREVIEW_DECISION_DAYS = RULES["rereview_decision"].days  # Art 36 ¶1
CONFIRMATION_DAYS = RULES["judicial_confirmation"].days  # 人民调解法 Art 33

# Art 31(1)-(4) (keys as casework.rules.lifecycle.Route): (item, the procedure, in words)
ROUTES = {
    "litigation": ("（一）", "审判机关诉讼程序或者复议程序、检察机关刑事立案程序或者法律监督程序、公安机关法律程序"),
    "arbitration": ("（二）", "仲裁"),
    "party_appeal": ("（三）", "党员申诉、申请复审等"),
    "administrative": ("（四）", "行政复议、行政裁决、行政确认、行政许可、行政处罚等行政程序"),
}
# Routes whose notice names the body that takes the matter (notices.py ``_redirect``).
BODY_ROUTES = ("duty", "accusation")


class NoticeError(ValueError):
    """The data cannot make this notice (a missing or impossible value)."""


def _need(value, what: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise NoticeError(f"缺少{what}")
    return value.strip() if isinstance(value, str) else value


def _d(value: dt.date | None) -> str:
    return chinese_date(value) if value else ""


def _sentence(text: str) -> str:
    """Staff text inside a sentence: no trailing full stop."""
    return (text or "").strip().rstrip("。；;.")


def _outcome(outcome: str) -> str:
    try:
        return OUTCOME_PHRASES.get(outcome) or LEGACY_OUTCOME_PHRASES[outcome]
    except KeyError:
        raise NoticeError(f"未知的处理结果：{outcome!r}（应为 {'、'.join(OUTCOME_PHRASES)}）") from None


def _decision(decision: str) -> str:
    try:
        return DECISION_PHRASES[decision]
    except KeyError:
        raise NoticeError(f"未知的复查（复核）结论：{decision!r}（应为 {'、'.join(DECISION_PHRASES)}）") from None


@dataclass(frozen=True, kw_only=True)
class Notice:
    """What every notice has: who issues it, when, under which number."""

    issuer: str  # 发文机关全称 (署名)
    date: dt.date  # 成文日期
    number: str = ""  # 发文字号, see document_number()
    contact: str = ""  # 附注: 联系人、联系电话
    attachments: Sequence[str] = ()
    letterhead: bool = False  # the issuer's name in red above a red rule (红色版头)

    def _doc(self, title: Sequence[str], blocks: Sequence[Block], addressee: str = "", *, case_number: str = "",
             **kw) -> Document:
        """The case number, when given, goes in the 附注 under the date, with the contact line."""
        note = "；".join(x for x in (f"事项编号：{case_number}" if case_number else "", self.contact) if x)
        return Document(
            title=title, date=_need(self.date, "成文日期"), signature=_need(self.issuer, "发文机关"),
            number=self.number, addressee=addressee, blocks=blocks, attachments=tuple(self.attachments),
            note=note, meta_subject=kw.pop("subject", ""), letterhead=self.issuer if self.letterhead else "", **kw,
        )


@dataclass(frozen=True, kw_only=True)
class ToComplainant(Notice):
    addressee: str = ""  # 信访人姓名（名称）; a group: "张三、李四等12人" (filled from the case when printed)
    group: bool = False  # 集体访: "你们"
    case_number: str = ""

    @property
    def you(self) -> str:
        """A letter to one person says 您 throughout; to a group, 你们."""
        return "你们" if self.group else "您"

    def _case_doc(self, kind: str, blocks: Sequence[Block]) -> Document:
        """Title 发文机关 + 文种; the case number in the 附注."""
        return self._doc([self.issuer, kind], blocks, self.addressee, subject=self.case_number,
                         case_number=self.case_number)


