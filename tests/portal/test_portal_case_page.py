"""The citizen's case page: what the matter is, who handles it and how to reach them; every form on it
says clearly what is wrong; nothing typed is ever cut short."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from casework import limits
from casework.audit.models import Event
from casework.cases.actions import case_accept, case_reply
from casework.cases.models import Case
from tests.cases.casekit import case_row, counts
from tests.conftest import register


class Page(HTMLParser):
    """The ids, label targets and maxlength attributes of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.maxlength: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and a.get("for"):
            self.label_for.append(a["for"])
        if "maxlength" in a:
            self.maxlength.append(f"{tag}#{a.get('id')}")


def publish_contact(unit, **contact):
    values = {"address": "东县人民路8号信访接待大厅", "phone": "0710-61000001",
              "reception_hours": "工作日 8:30—12:00、14:30—17:30", **contact}
    for k, v in values.items():
        setattr(unit, k, v)
    unit.save(update_fields=list(values))
    return values


def replied(world, days_ago=3):
    when = timezone.localdate() - dt.timedelta(days=days_ago)
    r = register(world, received_on=when, title="村道损坏请求修复")
    case_accept(world.handler_a, case_id=r.case.pk, on=when)
    case_reply(world.handler_a, case_id=r.case.pk, outcome="supported", reasons="已核实", opinion="限期修复",
               legal_basis="《信访工作条例》第三十二条", on=when)
    return r


def open_case(client, r):
    assert client.post("/portal/lookup/", {"number": r.case.number, "code": r.access_code}).status_code == 302
    return client.get(f"/portal/case/{r.case.number}/")


def test_the_case_page_names_the_matter_and_the_office_with_its_published_contact_xinfang_art_18(client, world):
    """Art 18 ¶1: organs publish their address, telephone and reception hours; the complainant sees those of
    the office handling the matter, beside the matter's title (Art 21 ¶2: the complainant can follow it)."""
    # given
    r = register(world, title="村道损坏请求修复")
    contact = publish_contact(world.town_a_office)
    # when
    page = open_case(client, r).content.decode()
    # then
    assert "村道损坏请求修复" in page and world.town_a_office.name in page
    for value in contact.values():
        assert value in page
    assert f'href="tel:{contact["phone"]}"' in page


def test_the_office_shown_follows_the_matter(client, world):
    """After a forward the page names the unit that has the matter now, with its own contact."""
    from casework.cases.actions import case_forward

    r = register(world)
    publish_contact(world.town_a_office)
    housing = publish_contact(world.county_housing, address="东县建设路1号", phone="0710-61000002")
    case_forward(world.clerk_a, case_id=r.case.pk, to_unit_id=world.county_housing.pk)
    page = open_case(client, r).content.decode()
    assert world.county_housing.name in page and housing["address"] in page and "东县人民路8号" not in page


def test_every_form_on_the_case_page_has_its_own_ids_and_each_label_its_field(client, world):
    """The review, rating and withdrawal forms share a page: no id twice (two 「id_reason」 made labels
    point at the wrong field), and every label points at a field that is there."""
    # given: a replied case, within its review window, not yet rated: three forms
    r = replied(world)
    # when
    page = Page(open_case(client, r).content.decode())
    # then
    assert [i for i, n in Counter(page.ids).items() if n > 1] == []
    assert set(page.label_for) <= set(page.ids)
    assert {"id_review-reason", "id_withdraw-reason", "id_rate-comment"} <= set(page.ids)


# -- limits ------------------------------------------------------------------------------------------


def test_an_over_long_request_is_refused_with_the_field_and_the_limit_and_nothing_is_written(client, world):
    # given
    text = "长" * (limits.REQUEST.max_length + 1012)
    before = counts()
    # when
    r = client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
                                        "request": text, "facts_reasons": "垃圾堆放一月未清"})
    # then
    page = r.content.decode()
    assert r.status_code == 400
    assert f"投诉请求不得超过 {limits.REQUEST.max_length} 字（现有 {len(text)} 字）" in page
    assert "该变量" not in page and "确保" not in page
    assert counts() == before


def test_no_field_of_the_portal_cuts_a_paste_short(client, world):
    """A ``maxlength`` attribute makes the browser drop what is pasted past it, without a word."""
    assert Page(client.get("/portal/submit/").content.decode()).maxlength == []
    assert Page(client.get("/portal/lookup/").content.decode()).maxlength == []
    assert Page(open_case(client, replied(world)).content.decode()).maxlength == []


@pytest.mark.parametrize("form, limit, data", [
    ("review", limits.REVIEW_REQUEST, lambda w, t: {"review-unit_id": w.county_bureau.pk, "review-reason": t}),
    ("withdraw", limits.WITHDRAWAL_STATEMENT, lambda w, t: {"withdraw-reason": t}),
    ("rate", limits.RATING_COMMENT, lambda w, t: {"rate-satisfaction": "satisfied", "rate-comment": t}),
])
def test_an_over_long_text_on_the_case_page_is_refused_and_the_case_unchanged(client, world, form, limit, data):
    # given
    r = replied(world)
    open_case(client, r)
    text = "长" * (limit.max_length + 1)
    row, before = case_row(r.case), counts()
    # when
    resp = client.post(f"/portal/case/{r.case.number}/{form}/", data(world, text))
    # then
    page = resp.content.decode()
    assert resp.status_code == 400
    assert f"不得超过 {limit.max_length} 字（现有 {len(text)} 字）" in page and "该变量" not in page
    assert case_row(r.case) == row and counts() == before


def test_the_complainant_withdraws_on_the_portal_and_the_timeline_says_so_xinfang_art_19(client, world):
    r = register(world)
    open_case(client, r)
    resp = client.post(f"/portal/case/{r.case.number}/withdraw/", {"withdraw-reason": "问题已自行解决"})
    assert resp.status_code == 302
    assert Case.objects.get(pk=r.case.pk).state == "closed"
    assert Event.objects.filter(case=r.case, verb="withdraw", actor_kind="complainant").exists()
    assert "已撤回" in client.get(f"/portal/case/{r.case.number}/").content.decode()


def test_the_review_window_is_shown_from_delivery_or_said_to_wait_for_it_xinfang_art_35(client, world):
    """Art 35 「自收到书面答复之日起30日内」: replied 40 days ago, delivery unrecorded: the page says so and still
    offers review; once delivery (5 days ago) is recorded, it gives the day received and the window's end."""
    from casework.cases.actions import case_record_delivery

    # given
    r = replied(world, days_ago=40)
    # when
    page = open_case(client, r).content.decode()
    # then
    assert "处理意见书的送达尚未登记" in page and "30 日内申请复查" in page and "id_review-reason" in page
    # when
    received = timezone.localdate() - dt.timedelta(days=5)
    case_record_delivery(world.handler_a, case_id=r.case.pk, received_on=received, manner="post")
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    # then
    due = Case.objects.get(pk=r.case.pk).due_on
    assert "送达尚未登记" not in page and "id_review-reason" in page
    assert f"{received.year}年{received.month}月{received.day}日" in page and f"{due.month}月{due.day}日" in page
