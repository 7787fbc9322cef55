"""调解终止告知书: a mediation ended without agreement, and the parties' other routes (人民调解法 Art 17, 23(2), 26).

Plain data in, PDF bytes out, in the same GB/T 9704 layout as the notices of ``notices.py`` (whose wording and
helpers it shares); ``casework/mediation/documents.py`` builds the data from a dispute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from .layout import Document, P, render_pdf
from .notices import MEDIATION_LAW, NoticeError, Notice, _d, _need, _sentence

REFUSED, FAILED = "refused", "failed"


@dataclass(frozen=True, kw_only=True)
class MediationTermination(Notice):
    """Issued by the committee (``issuer``) on the day the mediation ended (``date``)."""

    parties: Sequence[str]  # every party's name: the notice goes to all of them
    dispute_number: str
    dispute_type: str  # 邻里纠纷 …
    received_on: dt.date  # when this committee took the dispute
    kind: str  # REFUSED (a party refused or asked to end it) or FAILED
    refusing_party: str = ""  # REFUSED: who
    reason: str = ""  # FAILED: why it failed; REFUSED: what the party said, if anything
    route_hints: Sequence[str] = ()  # routes that fit this kind of dispute, e.g. labour arbitration
    next_level: str = ""  # the committee or department one level up, where the parties may agree to go


def _termination(n: MediationTermination) -> Document:
    parties = [p.strip() for p in n.parties if p and p.strip()]
    if len(parties) < 2:
        raise NoticeError("调解终止告知书应送达各方当事人")
    ended = _d(_need(n.date, "终止日期"))
    blocks = [P(f"你们之间的{_need(n.dispute_type, '纠纷类型')}（纠纷编号：{_need(n.dispute_number, '纠纷编号')}），"
                f"本委员会于{_d(_need(n.received_on, '受理日期'))}受理调解。")]
    if n.kind == REFUSED:
        said = f"（{_sentence(n.reason)}）" if n.reason and n.reason.strip() else ""
        blocks.append(P(
            f"{_need(n.refusing_party, '拒绝调解的当事人')}明确表示拒绝调解或者要求终止调解{said}。依照{MEDIATION_LAW}"
            f"第十七条、第二十三条第二项的规定，本委员会于{ended}终止调解。"))
    elif n.kind == FAILED:
        blocks.append(P(
            f"经调解，各方当事人未能达成调解协议：{_sentence(_need(n.reason, '终止理由'))}。依照{MEDIATION_LAW}"
            f"第二十六条的规定，本委员会于{ended}终止调解。"))
    else:
        raise NoticeError(f"未知的终止情形：{n.kind!r}")
    blocks.append(P(f"依照{MEDIATION_LAW}第三条第三项、第二十六条的规定，现告知你们：调解终止后，你们可以依法通过仲裁、"
                    f"行政、司法等途径维护自己的权利。"))
    for hint in n.route_hints:
        if hint and hint.strip():
            blocks.append(P(f"{_sentence(hint)}。"))
    blocks.append(P("有关法律对申请仲裁、提起诉讼等规定了期限，请你们注意在法定期限内依法行使权利。"))
    if n.next_level and n.kind == FAILED:
        blocks.append(P(f"经各方当事人同意，也可以申请{_sentence(n.next_level)}调解。"))
    blocks.append(P("特此告知。"))
    return n._doc([n.issuer, "调解终止告知书"], blocks, "、".join(parties), subject=n.dispute_number)


def mediation_termination_notice(notice: MediationTermination) -> bytes:
    """调解终止告知书: why the mediation ended and the parties' other routes (人民调解法 Art 26)."""
    return render_pdf(_termination(notice))


def build_termination(notice: MediationTermination) -> Document:
    """The laid-out ``Document`` (for tests and previews)."""
    return _termination(notice)
