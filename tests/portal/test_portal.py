"""The public portal: submit, look up with number + code, review within the window, rate once."""

import datetime as dt

from django.utils import timezone

from casework.audit.models import Event
from casework.cases.actions import case_accept, case_reply
from casework.cases.models import Case
from tests.conftest import register


def replied_case(world, days_ago=5):
    when = timezone.localdate() - dt.timedelta(days=days_ago)
    r = register(world, received_on=when)
    case_accept(world.handler_a, case_id=r.case.pk, on=when)
    case_reply(world.handler_a, case_id=r.case.pk, outcome="explained", reasons="已核实", opinion="予以解释说明",
               legal_basis="《信访工作条例》第三十二条", on=when, received_on=when)  # delivered in person (Art 35)
    return r


def login(client, r):
    return client.post("/portal/lookup/", {"number": r.case.number, "code": r.access_code})


def test_citizen_submits_and_gets_number_and_code(client, world):
    """Art 19, 21: the complainant files online and can follow the case."""
    r = client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
                                        "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"})
    assert r.status_code == 200
    case = Case.objects.get()
    page = r.content.decode()
    assert case.number in page and 'data-testid="access-code"' in page
    assert case.channel == "web" and Event.objects.get(case=case).actor_kind == "complainant"


def test_submit_without_a_request_says_so_and_writes_nothing(client, world):
    """Art 19 ¶1: the request, facts and reasons are what the matter is."""
    r = client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇",
                                        "request": "", "facts_reasons": "y"})
    assert r.status_code == 400 and "请填写投诉请求" in r.content.decode()
    assert Case.objects.count() == 0


def test_submit_without_name_or_address_is_registered_without_a_notice_clock_xinfang_art_22_23(client, world):
    """Art 22 ¶1 registers every matter; without a name or address only the written notice lapses (Art 23 ¶2):
    the citizen follows the case with the number and the access code."""
    r = client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "", "address": "",
                                        "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"})
    assert r.status_code == 200 and 'data-testid="access-code"' in r.content.decode()
    case = Case.objects.get()
    assert (case.state, case.due_on, case.due_rule) == ("registered", None, "")


def test_wrong_code_gives_no_hint_and_is_rate_limited(client, world):
    r = register(world)
    wrong = client.post("/portal/lookup/", {"number": r.case.number, "code": "WRONGCODE"})
    missing = client.post("/portal/lookup/", {"number": "NO-SUCH-1", "code": "WRONGCODE"})
    assert wrong.status_code == missing.status_code == 400
    assert "案件编号或查询码不正确" in wrong.content.decode() and "案件编号或查询码不正确" in missing.content.decode()
    for _ in range(10):  # settings.CASEWORK_THROTTLE_CODE_PER_CLIENT (tests/security/test_throttles.py)
        client.post("/portal/lookup/", {"number": r.case.number, "code": "WRONGCODE"})
    blocked = login(client, r)  # even the right code waits now
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.content.decode()


def test_case_page_needs_the_code_first(client, world):
    r = register(world)
    assert client.get(f"/portal/case/{r.case.number}/").status_code == 404
    assert login(client, r).status_code == 302
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert "已登记" in page


def test_review_within_30_days_then_rating_once(client, world):
    """Art 35: review within 30 days of the reply; Art 21 ¶2: the rating is the complainant's, once."""
    r = replied_case(world)
    login(client, r)
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert "申请复查" in page
    resp = client.post(f"/portal/case/{r.case.number}/review/", {"review-unit_id": world.county_gov.pk, "review-reason": "不服处理意见"})
    assert resp.status_code == 200 and 'data-testid="review-submitted"' in resp.content.decode()
    r.case.refresh_from_db()
    assert r.case.state == "review" and r.case.current_unit == world.county_gov
    assert client.post(f"/portal/case/{r.case.number}/rate/", {"rate-satisfaction": "unsatisfied"}).status_code == 302
    again = client.post(f"/portal/case/{r.case.number}/rate/", {"rate-satisfaction": "satisfied"})
    assert again.status_code == 400 and "已经评价过" in again.content.decode()
    r.case.refresh_from_db()
    assert r.case.satisfaction == "unsatisfied"


def test_review_after_the_window_is_refused(client, world):
    """Art 35: 30 days from receipt; after that the request is refused and nothing changes."""
    r = replied_case(world, days_ago=45)
    login(client, r)
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert "期限已过" in page
    resp = client.post(f"/portal/case/{r.case.number}/review/", {"review-unit_id": world.county_gov.pk, "review-reason": "不服"})
    assert resp.status_code == 400 and "已超过申请期限" in resp.content.decode()
    r.case.refresh_from_db()
    assert r.case.state == "replied"


def test_receipt_pdf_carries_the_access_code_only_for_the_session_that_registered(client, world):
    """Art 21: the complainant gets a receipt; the code is never stored, so only the filing session can print it."""
    import io

    from pypdf import PdfReader
    from django.test import Client

    client.post("/portal/submit/", {"unit_id": world.town_a_office.pk, "name": "钱七", "address": "甲镇西街2号",
                                    "request": "请求清理垃圾", "facts_reasons": "垃圾堆放一月未清"})
    case = Case.objects.get()
    page = client.get(f"/portal/case/{case.number}/").content.decode()
    assert "登记回执" in page
    pdf = client.get(f"/portal/case/{case.number}/documents/receipt.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert case.number in text and "查询码" in text
    other = Client()  # the same case looked up later: no code on the receipt
    assert other.get(f"/portal/case/{case.number}/documents/receipt.pdf").status_code == 404


def test_complainant_withdraws_from_the_portal(client, world):
    r = register(world)
    login(client, r)
    resp = client.post(f"/portal/case/{r.case.number}/withdraw/", {"withdraw-reason": "问题已自行解决"})
    assert resp.status_code == 302
    r.case.refresh_from_db()
    assert r.case.state == "closed"
    assert r.case.events.filter(verb="withdraw", actor_kind="complainant").count() == 1
    again = client.post(f"/portal/case/{r.case.number}/withdraw/", {"withdraw-reason": "再撤一次"})
    assert again.status_code == 400


def _offered(page: str) -> set[str]:
    import re

    form = page.split('action="/portal/case/')[1].split("</form>")[0] if "/review/" in page else ""
    return set(re.findall(r"<option[^>]*>([^<]+)</option>", form))


def test_the_review_form_offers_exactly_the_bodies_the_review_accepts_xinfang_art_35(client, world):
    """Art 35 (RULES.md §0): for a township, the county government; the form offers it and nothing else,
    and the re-review form (Art 36 ¶1) the government one level above the county's."""
    from casework.cases.actions import case_decide_review
    from casework.cases.review_bodies import review_bodies

    r = replied_case(world)
    login(client, r)
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert _offered(page) == {u.name for u in review_bodies(r.case)} == {"东县人民政府"}
    wrong = client.post(f"/portal/case/{r.case.number}/review/", {"review-unit_id": world.county_bureau.pk, "review-reason": "不服"})
    assert wrong.status_code == 400
    r.case.refresh_from_db()
    assert r.case.state == "replied"
    client.post(f"/portal/case/{r.case.number}/review/", {"review-unit_id": world.county_gov.pk, "review-reason": "不服"})
    case_decide_review(world.gov_handler, case_id=r.case.pk, decision="uphold", findings="属实", opinion="维持",
                       legal_basis="《信访工作条例》第三十五条")
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert "申请复核" in page and _offered(page) == {"A市人民政府"}
    assert "复查结论：" in page and "维持" in page and "处理结果：" in page and "解释说明" in page


def test_a_review_request_gets_a_confirmation_and_a_receipt_xinfang_art_35(client, world):
    """Issue 12 item 7 / issue 11 item 13: the complainant sees the request was received, by whom and by
    when it is answered, and downloads a 复查申请回执 (PDF)."""
    import io

    from pypdf import PdfReader

    r = replied_case(world)
    login(client, r)
    resp = client.post(f"/portal/case/{r.case.number}/review/", {"review-unit_id": world.county_gov.pk, "review-reason": "不服处理意见"})
    page = resp.content.decode()
    assert resp.status_code == 200 and "东县人民政府" in page and "复查申请" in page
    r.case.refresh_from_db()
    assert f"{r.case.due_on:%Y}" in page  # the day the answer is due (Art 35: 30 days)
    url = page.split('data-testid="review-receipt"')[0].rsplit('href="', 1)[1].split('"')[0]
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    for part in ("东县人民政府", "复查申请回执", "第三十五条", r.case.number, "30日内"):
        assert part in text, part
    assert url in client.get(f"/portal/case/{r.case.number}/").content.decode()  # listed with the others


def test_a_reply_answered_request_by_request_shows_each_outcome_and_can_be_rated_xinfang_art_32(client, world):
    """Art 32: the complainant sees the outcome of each request; Art 21 ¶2: and may rate the reply."""
    r = register(world)
    case_accept(world.handler_a, case_id=r.case.pk)
    case_reply(world.handler_a, case_id=r.case.pk, reasons="已核实", opinion="修复村道，不予赔偿",
               legal_basis="《公路法》第四十三条", outcomes=[{"request": "修复村道", "outcome": "supported"},
                                                           {"request": "赔偿损失", "outcome": "not_supported"}])
    login(client, r)
    page = client.get(f"/portal/case/{r.case.number}/").content.decode()
    assert "修复村道：支持；赔偿损失：不予支持" in page
    assert client.post(f"/portal/case/{r.case.number}/rate/", {"rate-satisfaction": "basically"}).status_code == 302
