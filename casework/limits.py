"""How long each text a person types may be: one table that every surface reads.

The staff forms, the portal, the API schemas, Open311 and the actions all take
their limits from here, so a text over its limit is refused everywhere with the
same message naming the field and the limit (「投诉请求不得超过 5000 字（现有 6012 字）」);
nothing is ever cut short. These are product limits (what a page, a notice and a
column hold), not statutory numbers: those live in ``casework/rules``.

Plain Python (no Django): the rules of thumb of ``casework/rules`` apply.
"""

from __future__ import annotations

from dataclasses import dataclass


def too_long_message(label: str, limit: int, length: int) -> str:
    """What a person reads when a text is over its limit."""
    return f"{label}不得超过 {limit} 字（现有 {length} 字）"


@dataclass(frozen=True)
class TextLimit:
    """The most characters a text may hold, and the field's name as messages say it."""

    label: str
    max_length: int

    def message(self, length: int) -> str:
        return too_long_message(self.label, self.max_length, length)

    def exceeded_by(self, value: str) -> bool:
        return len(value) > self.max_length


# -- a matter as it is registered (信访工作条例 Art 19: name, address, request, facts and reasons) --
COMPLAINANT_NAME = TextLimit("信访人姓名（名称）", 100)
COMPLAINANT_ADDRESS = TextLimit("信访人住址", 200)
PHONE = TextLimit("联系电话", 40)
TITLE = TextLimit("标题", 200)
REQUEST = TextLimit("投诉请求", 5000)
FACTS_REASONS = TextLimit("事实和理由", 20000)
CATEGORY = TextLimit("事项分类", 60)
RESPONDENT_TEXT = TextLimit("被投诉对象（其他）", 200)
CASE_NUMBER = TextLimit("案件编号", 40)

# -- what staff write as they act -------------------------------------------------------------
FORWARD_NOTE = TextLimit("转送说明", 2000)
OBJECTION_REASON = TextLimit("异议理由", 2000)
REDIRECT_REASON = TextLimit("告知理由", 2000)
ROUTE_BODY = TextLimit("承办机关", 100)  # the 纪检监察机关, or the organ whose duty a request is (Art 22 ¶2, 31(5))
OBJECTION_DECISION = TextLimit("核实意见", 2000)  # the sending body's answer to an objection (Art 23 ¶3)
REPEAT_REASON = TextLimit("不予受理的理由", 2000)  # Art 36 ¶3
ACCEPT_NOTE = TextLimit("受理说明", 2000)
STEP_NOTE = TextLimit("办理情况", 5000)
EXTENSION_REASON = TextLimit("延期理由", 2000)
REQUEST_ITEM = TextLimit("请求事项", 2000)  # one of several requests a reply answers one by one (Art 32)
REPLY_REASONS = TextLimit("事实和理由", 20000)
REPLY_OPINION = TextLimit("处理意见", 20000)
LEGAL_BASIS = TextLimit("法律法规依据", 5000)
DECISION_FINDINGS = TextLimit("认定的事实和理由", 20000)
REVIEW_OPINION = TextLimit("复查意见", 20000)
REREVIEW_OPINION = TextLimit("复核意见", 20000)
HEARING_NOTE = TextLimit("听证说明", 2000)
HEARING_CONCLUSION = TextLimit("听证结论", 5000)
RECUSAL_REASON = TextLimit("回避理由", 200)
RESPONDENT_REASON = TextLimit("理由", 500)  # naming or correcting who a complaint is about; a supervisor's leave
SUPERVISION_INSTRUCTION = TextLimit("督办要求", 5000)
SUPERVISION_ANSWER = TextLimit("办理情况", 5000)

# -- what the complainant writes after filing ---------------------------------------------------
REVIEW_REQUEST = TextLimit("复查请求", 5000)
REREVIEW_REQUEST = TextLimit("复核请求", 5000)
WITHDRAWAL_STATEMENT = TextLimit("撤回说明", 2000)
RATING_COMMENT = TextLimit("评价意见", 1000)
ACCESS_CODE = TextLimit("查询码", 20)
