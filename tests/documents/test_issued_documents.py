"""Documents issued once (issue 11 item 5): numbered per issuing body, kind and year on the day of the act,
reprinted as issued; old records numbered in event order; never a PDF with missing glyphs."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.audit.chain import event_append
from casework.cases.actions import (
    PersonData, case_accept, case_forward, case_register, case_reply, case_request_review,
)
from casework.cases.actors import Actor
from casework.cases.models import Case
from casework.documents import catalogue
from casework.documents.fonts import FontProblem
from casework.documents.issuing import document_issue
from casework.documents.layout import Document, P, render_pdf
from casework.documents.models import DocumentCounter, IssuedDocument
from tests.conftest import register

REPLY = {"outcome": "supported", "reasons": "村道确有损坏。", "opinion": "限期修复。", "legal_basis": "《公路法》第四十三条"}
D = dt.date


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def _replied(world, on: dt.date | None = None) -> Case:
    case = register(world, received_on=on).case
    case_accept(world.users["handler_a"], case_id=case.pk, on=on)
    case_reply(world.users["handler_a"], case_id=case.pk, on=on, **REPLY)
    return Case.objects.get(pk=case.pk)


def test_numbers_run_per_issuing_body_kind_and_year(world):
    """发文字号 unique per issuing body, kind and year: each unit's 处理意见书 count 1, 2, …; another kind or
    another unit starts its own series."""
    year = timezone.localdate().year
    first, second = _replied(world), _replied(world)
    numbers = list(IssuedDocument.objects.filter(kind="handling_opinion").order_by("id").values_list("number", flat=True))
    assert numbers == [f"甲镇信访办处字〔{year}〕1号", f"甲镇信访办处字〔{year}〕2号"]
    accepted = list(IssuedDocument.objects.filter(kind="acceptance").order_by("id").values_list("serial", flat=True))
    assert accepted == [1, 2]
    other = register(world).case
    case_forward(world.users["clerk_a"], case_id=other.pk, to_unit_id=world.units["county_housing"].pk)
    case_accept(world.users["housing_handler"], case_id=other.pk)
    assert IssuedDocument.objects.get(case=other, kind="acceptance").number == f"东县住房和城乡建设局受字〔{year}〕1号"
    assert DocumentCounter.objects.get(unit=world.units["town_a_office"], kind="handling_opinion", year=year).last == 2
    assert {first.pk, second.pk} == set(IssuedDocument.objects.filter(kind="handling_opinion").values_list("case", flat=True))


def test_the_database_refuses_a_second_document_with_the_same_number(world):
    case = _replied(world)
    doc = IssuedDocument.objects.get(case=case, kind="handling_opinion")
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(jurisdiction_id=doc.jurisdiction_id, unit=doc.unit, kind=doc.kind, year=doc.year,
                                      serial=doc.serial, number="x", issued_on=doc.issued_on, case=case)


def test_a_notice_is_dated_the_day_of_the_act_not_the_day_it_is_printed_xinfang_art_32(world):
    """Replied on 2 March (recorded later): the 处理意见书 says 2 March, and its number is of that year."""
    day = timezone.localdate() - dt.timedelta(days=40)
    case = _replied(world, on=day)
    doc = IssuedDocument.objects.get(case=case, kind="handling_opinion")
    assert (doc.issued_on, doc.year) == (day, day.year)
    _, pdf = catalogue.render_for_case(case, f"handling-opinion-{doc.pk}")
    text = _text(pdf)
    assert f"{day.year}年{day.month}月{day.day}日" in text and doc.number in text


def test_a_reprint_is_the_same_document_byte_for_byte_whatever_changed_since(world):
    """The notice is what it said when issued: renaming the unit, a later review, a new day: the same bytes."""
    case = _replied(world)
    doc = IssuedDocument.objects.get(case=case, kind="handling_opinion")
    key = f"handling-opinion-{doc.pk}"
    first = catalogue.render_for_case(case, key)[1]
    catalogue._pdf.cache_clear()
    again = catalogue.render_for_case(Case.objects.get(pk=case.pk), key)[1]
    assert again == first  # printed anew: the same bytes
    unit = world.units["town_a_office"]
    unit.name = "甲镇人民政府信访办公室"
    unit.save()
    case_request_review(Actor.complainant(case.pk), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                        reason="不服")
    catalogue._pdf.cache_clear()
    later = catalogue.render_for_case(Case.objects.get(pk=case.pk), key)[1]
    assert later == first
    assert "甲镇信访办" in _text(later) and "甲镇人民政府信访办公室" not in _text(later)


def test_the_receipt_and_the_acceptance_notice_keep_their_own_links(world, client):
    """The 登记回执 link gives the receipt before and after acceptance; the 受理告知书 has its own."""
    client.force_login(world.users["clerk_a"])
    case = register(world).case
    receipt_url = f"/cases/{case.pk}/documents/receipt.pdf"
    before = client.get(receipt_url).content
    case_accept(world.users["handler_a"], case_id=case.pk)
    after = client.get(receipt_url).content
    assert after == before and "信访事项登记回执" in _text(after)
    listed = {d["title"]: d["url"] for d in catalogue.documents_for_case(Case.objects.get(pk=case.pk))}
    assert listed["信访事项登记回执"] == receipt_url
    acceptance = client.get(listed["信访事项受理告知书"])
    assert acceptance.status_code == 200 and "信访事项受理告知书" in _text(acceptance.content)


def test_document_issue_is_general_enough_for_any_subject(world):
    """A unit, a kind and a subject: the lead can issue a mediation agreement the same way."""
    case = register(world).case
    with transaction.atomic():
        doc = document_issue(unit=world.units["county_bureau"], kind="mediation_agreement", on=D(2026, 5, 1),
                             case=case)
    assert doc.number == "东县信访局调字〔2026〕1号" and doc.content is None
    with pytest.raises(ValueError), transaction.atomic():
        document_issue(unit=world.units["county_bureau"], kind="forwarding", on=D(2026, 5, 1))


# -- old records ------------------------------------------------------------------------------------


def _migration(app: str, name: str):
    return importlib.import_module(f"casework.{app}.migrations.{name}")


def _legacy(case: Case, verb: str, *, state: str, data: dict, **after) -> None:
    """An event as the code before this change wrote it (events are immutable: they stay so)."""
    with transaction.atomic():
        event_append(jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb=verb, actor_id=None,
                     actor_kind="staff", effective_on=timezone.localdate(), before={"state": case.state},
                     after={"state": state, **after}, data=data)
        Case.objects.filter(pk=case.pk).update(state=state, **after)


def test_old_cases_get_their_documents_numbered_in_event_order_and_old_partly_replies_still_print(world):
    """A running office's database: cases from before documents were stored, a reply 「部分支持」, a review
    decided with an Art 32-style outcome and no legal basis (the 复查意见书 that was a 500). The migrations
    number their documents in event order, put the reply's outcome back on the case as 解释说明 and the
    review's decision beside it; every document prints (docs/decisions/0001-art-32-outcomes.md)."""
    # given: a case handled the old way
    case = register(world).case
    case_accept(world.users["handler_a"], case_id=case.pk)
    case = Case.objects.get(pk=case.pk)
    _legacy(case, "reply", state="replied", outcome="partly",
            data={"outcome": "partly", "reasons": "部分属实。", "opinion": "修补坑洼路段。", "legal_basis": "《公路法》"})
    case_request_review(Actor.complainant(case.pk), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                        reason="不服")
    case = Case.objects.get(pk=case.pk)
    _legacy(case, "decide_review", state="reviewed", outcome="not_supported",
            data={"outcome": "not_supported", "opinion": "维持原处理意见"})
    other = _replied(world)  # a second case, issued after the first in event order
    IssuedDocument.objects.all().delete()  # the database as it was before this change
    DocumentCounter.objects.all().delete()
    # when
    _migration("cases", "0008_art_32_outcomes_from_replies").forwards(apps, None)
    _migration("documents", "0002_number_documents_already_issued").forwards(apps, None)
    # then
    case = Case.objects.get(pk=case.pk)
    assert (case.outcome, case.review_decision) == ("explained", "uphold")
    assert Case.objects.get(pk=other.pk).outcome == "supported"
    year = timezone.localdate().year
    docs = list(IssuedDocument.objects.filter(kind="handling_opinion").order_by("event_id"))
    assert [(d.case_id, d.number) for d in docs] == [(case.pk, f"甲镇信访办处字〔{year}〕1号"),
                                                     (other.pk, f"甲镇信访办处字〔{year}〕2号")]
    assert all(d.content is None for d in docs)
    review = IssuedDocument.objects.get(case=case, kind="review_opinion")
    assert review.unit == world.units["county_gov"] and review.number == f"东县人民政府复查字〔{year}〕1号"
    assert DocumentCounter.objects.get(unit=world.units["town_a_office"], kind="handling_opinion").last == 2
    listed = catalogue.documents_for_case(case)
    texts = {d["kind"]: _text(catalogue.render_for_case(case, d["key"])[1]) for d in listed}
    assert "部分予以支持" in texts["handling-opinion"]  # reprinted as it was issued
    assert "本机关决定：维持甲镇信访办于" in texts["review-opinion"]
    assert "《信访工作条例》第三十五条" in texts["review-opinion"]
    # and new documents continue the series
    third = _replied(world)
    assert IssuedDocument.objects.get(case=third, kind="handling_opinion").serial == 3


def test_the_outcome_migration_goes_back_to_what_the_old_code_stored(world):
    case = register(world).case
    case_accept(world.users["handler_a"], case_id=case.pk)
    _legacy(Case.objects.get(pk=case.pk), "reply", state="replied", outcome="partly",
            data={"outcome": "partly", "reasons": "r", "opinion": "o", "legal_basis": "l"})
    migration = _migration("cases", "0008_art_32_outcomes_from_replies")
    migration.forwards(apps, None)
    assert Case.objects.get(pk=case.pk).outcome == "explained"
    migration.backwards(apps, None)
    assert Case.objects.get(pk=case.pk).outcome == "partly"


# -- fonts -----------------------------------------------------------------------------------------


def test_a_character_no_configured_font_has_is_refused_by_name():
    """No tofu (issue 11 item 1): 𪚥 is in no installed font: the document is refused, the character named."""
    doc = Document(title=["东县信访局", "测试"], date=D(2026, 11, 30), addressee="王𪚥", blocks=[P("正文。")])
    with pytest.raises(FontProblem) as err:
        render_pdf(doc)
    assert "缺少字符「𪚥」" in err.value.message and "Noto Serif CJK SC" in err.value.message


def test_a_font_that_is_not_installed_is_named_with_its_package(settings):
    settings.CASEWORK_NOTICE_FONTS = {"body": ["仿宋_GB2312", "FandolFang"]}
    with pytest.raises(FontProblem) as err:
        render_pdf(Document(title=["测试"], date=D(2026, 11, 30), blocks=[P("正文。")]))
    assert err.value.message == "字体 仿宋_GB2312、FandolFang 未安装，无法生成文书（apt-get install texlive-lang-chinese）"


def test_pages_that_serve_pdfs_say_why_in_chinese_instead_of_a_500(world, client):
    """The staff workspace and the portal: HTTP 503 and a page naming the font and the character."""
    reg = case_register(world.users["clerk_a"], unit_id=world.units["town_a_office"].pk, channel="visit",
                        complainants=[PersonData(name="王𪚥", address="甲镇")], request="请求修路", facts_reasons="路坏了")
    client.force_login(world.users["clerk_a"])
    staff = client.get(f"/cases/{reg.case.pk}/documents/receipt.pdf")
    assert staff.status_code == 503 and "缺少字符「𪚥」" in staff.content.decode()
    assert "Traceback" not in staff.content.decode()
    client.logout()
    client.post("/portal/lookup/", {"number": reg.case.number, "code": reg.access_code})
    portal = client.get(f"/portal/case/{reg.case.number}/documents/receipt.pdf")
    assert portal.status_code == 503 and "文书暂时无法生成" in portal.content.decode()
