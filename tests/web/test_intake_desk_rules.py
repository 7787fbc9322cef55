"""The intake desk and the workspace say what is wrong, and agree with the actions on the rules of a
matter as it arrives (Art 20 ¶3, 22 ¶1, 23 ¶2) and on withdrawal (the complainant's act)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import limits
from casework.audit.models import Event
from casework.cases.models import Attachment, Case, CaseParty
from casework.rules.intake import MAX_REPRESENTATIVES
from tests.cases.casekit import case_row, counts
from tests.conftest import register
from tests.web.test_workspace import intake_post

ART_20_MESSAGE = f"代表人不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条第三款）"


def people(n: int) -> dict:
    data = {"p-TOTAL_FORMS": str(n)}
    for i in range(n):
        data |= {f"p-{i}-name": f"村民{i}", f"p-{i}-address": f"甲镇东村{i}号", f"p-{i}-phone": ""}
    return data


def test_six_representatives_of_a_group_visit_get_the_article_not_a_form_count_xinfang_art_20_3(client, world):
    """Art 20 ¶3: the desk says 「代表人不得超过5人（《信访工作条例》第二十条第三款）」, never
    「请最多提交 5 个表单」, and registers nothing."""
    client.force_login(world.clerk_a)
    before = counts()
    r = client.post("/intake/", intake_post(world, channel="visit", group_size="40", **people(MAX_REPRESENTATIVES + 1)))
    page = r.content.decode()
    assert r.status_code == 400 and ART_20_MESSAGE in page
    assert "表单" not in page
    assert counts() == before


def test_a_letter_signed_by_eight_is_registered_at_the_desk_with_every_signatory_xinfang_art_20_3(client, world):
    """A letter signed by many carries any number of signatures (Art 20 ¶3 binds visits only)."""
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, channel="letter", group_size="8", **people(8)))
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Case.objects.get()
    assert CaseParty.objects.filter(case=case).count() == 8 and case.group_size == 8
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "联名" in page and "集体访" not in page


def test_the_desk_registers_a_matter_whose_name_and_address_are_unknown_xinfang_art_22_23(client, world):
    """Art 22 ¶1: registered all the same; the workspace says the written notice is not applicable (Art 23 ¶2)."""
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, **{"p-0-name": "", "p-0-address": "", "p-0-phone": ""}))
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Case.objects.get()
    assert (case.state, case.due_on) == ("registered", None)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "（姓名不清）" in page and "不适用" in page and "第二十三条第二款" in page


@pytest.mark.parametrize("field, limit", [("request", limits.REQUEST), ("facts_reasons", limits.FACTS_REASONS),
                                          ("title", limits.TITLE), ("p-0-name", limits.COMPLAINANT_NAME)])
def test_an_over_long_text_at_the_desk_is_refused_naming_field_and_limit_and_nothing_is_written(client, world,
                                                                                               field, limit):
    client.force_login(world.clerk_a)
    text = "长" * (limit.max_length + 7)
    before = counts()
    r = client.post("/intake/", intake_post(world, **{field: text}))
    page = r.content.decode()
    assert r.status_code == 400
    assert f"不得超过 {limit.max_length} 字（现有 {len(text)} 字）" in page
    assert "该变量" not in page and "确保" not in page
    assert counts() == before


class MaxLength(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if "maxlength" in dict(attrs):
            self.found.append((tag, dict(attrs).get("name")))


def test_no_field_of_the_desk_or_the_workspace_cuts_a_paste_short(client, world):
    client.force_login(world.clerk_a)
    assert MaxLength(client.get("/intake/").content.decode()).found == []
    case = register(world).case
    client.force_login(world.handler_a)
    assert MaxLength(client.get(f"/cases/{case.pk}/").content.decode()).found == []


def test_an_over_long_reason_in_the_workspace_is_refused_beside_its_field(client, world):
    case = register(world).case
    client.force_login(world.clerk_a)
    text = "长" * (limits.REDIRECT_REASON.max_length + 1)
    row = case_row(case)
    r = client.post(f"/cases/{case.pk}/act/redirect/", {"redirect-route": "litigation", "redirect-reason": text})
    assert r.status_code == 400
    assert f"告知理由不得超过 {limits.REDIRECT_REASON.max_length} 字（现有 {len(text)} 字）" in r.content.decode()
    assert case_row(case) == row


# -- withdrawal ------------------------------------------------------------------------------------


def test_the_workspace_offers_staff_no_withdrawal_on_their_word_only_the_signed_letter_xinfang_art_19(client, world):
    case = register(world).case
    client.force_login(world.clerk_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "/act/withdraw/" not in page and "/act/record_withdrawal/" in page
    assert client.post(f"/cases/{case.pk}/act/withdraw/", {"withdraw-reason": "电话说不办了"}).status_code == 404


def test_recording_a_withdrawal_without_the_scan_is_refused_beside_the_field_xinfang_art_19(client, world):
    case = register(world).case
    client.force_login(world.clerk_a)
    row, before = case_row(case), counts()
    r = client.post(f"/cases/{case.pk}/act/record_withdrawal/", {"record_withdrawal-reason": "信访人来信撤回"})
    assert r.status_code == 400 and "请上传信访人签名的撤回书扫描件" in r.content.decode()
    assert case_row(case) == row and counts() == before


def test_a_withdrawal_by_signed_letter_is_recorded_with_its_scan_in_the_workspace_xinfang_art_19(client, world):
    case = register(world).case
    client.force_login(world.clerk_a)
    scan = SimpleUploadedFile("撤回书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    r = client.post(f"/cases/{case.pk}/act/record_withdrawal/",
                    {"record_withdrawal-reason": "信访人来信撤回", "record_withdrawal-letter": scan})
    assert r.status_code == 302, r.content.decode()[:3000]
    case.refresh_from_db()
    event = Event.objects.filter(case=case).latest("id")
    assert case.state == "closed" and event.verb == "record_withdrawal"
    assert event.data["letter"] == Attachment.objects.get(case=case).pk


def test_no_id_is_used_twice_on_the_staff_pages(client, world):
    """Labels lead to their own field: the intake desk, and a case page with two open supervision notices
    (each with its answer form), every action form and the recusal form."""
    from collections import Counter

    from casework.cases.actions import case_accept, supervision_issue

    class Ids(HTMLParser):
        def __init__(self, html):
            super().__init__()
            self.ids, self.fors = [], []
            self.feed(html)

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.ids += [a["id"]] if "id" in a else []
            self.fors += [a["for"]] if tag == "label" and a.get("for") else []

    case = register(world).case
    case_accept(world.handler_a, case_id=case.pk)
    for instruction in ("请尽快联系信访人", "请报告办理进度"):
        supervision_issue(world.supervisor, case_id=case.pk, instruction=instruction, days=5)
    for user, path in ((world.clerk_a, "/intake/"), (world.handler_a, f"/cases/{case.pk}/")):
        client.force_login(user)
        page = Ids(client.get(path).content.decode())
        assert [i for i, n in Counter(page.ids).items() if n > 1] == [], path
        assert set(page.fors) <= set(page.ids), path
