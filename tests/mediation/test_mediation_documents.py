"""The mediation documents as data (no database): the draft agreement and the 调解终止告知书 (人民调解法 Art 26, 29)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.documents import notices as n
from casework.documents.layout import title_lines
from casework.documents.mediation_notices import FAILED, REFUSED, MediationTermination, build_termination

DAY = dt.date(2026, 11, 30)


def termination(**over) -> MediationTermination:
    values = dict(issuer="幸福村人民调解委员会", date=DAY, parties=["王大", "李二"], dispute_number="V1-TJ2026-00001",
                  dispute_type="邻里纠纷", received_on=dt.date(2026, 11, 2), kind=FAILED, reason="双方分歧较大",
                  route_hints=["可以依法向人民法院提起诉讼"], next_level="乡镇（街道）人民调解委员会")
    values.update(over)
    return MediationTermination(**values)


def text(doc) -> str:
    return "".join([*doc.title, doc.addressee, *(b.text for b in doc.blocks)])


def test_a_failed_mediation_tells_every_party_the_other_routes_art_26():
    doc = build_termination(termination())
    body = text(doc)
    assert title_lines(doc.title) == ["幸福村人民调解委员会调解终止告知书"]
    assert doc.addressee == "王大、李二" and doc.date == DAY and doc.seal
    for part in ("第二十六条的规定，本委员会于2026年11月30日终止调解", "仲裁、行政、司法等途径", "可以依法向人民法院提起诉讼。",
                 "经各方当事人同意，也可以申请乡镇（街道）人民调解委员会调解。", "特此告知。"):
        assert part in body, part


def test_a_refusal_names_the_party_and_art_17_23_and_offers_no_next_level():
    body = text(build_termination(termination(kind=REFUSED, refusing_party="李二", reason="")))
    assert "李二明确表示拒绝调解或者要求终止调解。" in body and "第十七条、第二十三条第二项" in body
    assert "上一级" not in body and "也可以申请" not in body


def test_the_notice_needs_the_parties_and_a_known_kind():
    with pytest.raises(n.NoticeError, match="各方当事人"):
        build_termination(termination(parties=["王大"]))
    with pytest.raises(n.NoticeError, match="终止理由"):
        build_termination(termination(reason=""))
    with pytest.raises(n.NoticeError, match="未知的终止情形"):
        build_termination(termination(kind="abandoned"))


def test_a_draft_agreement_is_marked_undated_and_without_seal_art_29_2():
    from tests.documents.notice_samples import samples

    draft = dataclasses.replace(samples()["mediation"], draft=True)
    doc = n.build_document(draft)
    assert doc.title == ["人民调解协议书（草稿）"] and doc.date is None and doc.seal is False
    assert n.DRAFT_MARK in doc.extra_css and "不发生效力" in doc.blocks[0].text
    effective = n.build_document(dataclasses.replace(samples()["mediation"], confirmation_due=dt.date(2026, 12, 30)))
    assert effective.seal and effective.date == DAY and not effective.extra_css
    assert "本协议于2026年11月30日生效，共同申请司法确认的期限至2026年12月30日。" in text(effective)
