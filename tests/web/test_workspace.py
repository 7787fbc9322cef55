"""The staff workspace: intake desk, my work, case workspace actions, supervision board."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.audit.models import Event
from casework.cases.models import Case, SupervisionNotice
from tests.conftest import register


def intake_post(world, **over):
    data = {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王五", "p-0-address": "甲镇东村1号", "p-0-phone": "13700000000",
        "unit_id": world.town_a_office.pk, "channel": "visit", "request": "请求解决漏水",
        "facts_reasons": "楼上漏水三个月", "category": "城乡建设", "next_step": "",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_intake_registers_forwards_and_shows_the_code_once(client, world):
    """Art 19, 22: register at the desk and forward in one screen; the access code is shown once."""
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, next_step="forward", to_unit_id=world.county_housing.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get()
    assert case.state == "forwarded" and case.current_unit == world.county_housing
    page = client.get(r["Location"]).content.decode()
    assert case.number in page and "查询码" in page and 'data-testid="access-code"' in page
    assert 'data-testid="access-code"' not in client.get(r["Location"]).content.decode()


@pytest.mark.parametrize(
    "over, field_text",
    [
        ({"request": ""}, "请填写投诉请求"),
        ({"next_step": "forward"}, "请选择转送单位"),
        ({"p-TOTAL_FORMS": "6", **{f"p-{i}-name": f"代表{i}" for i in range(1, 6)},
          **{f"p-{i}-address": "甲镇" for i in range(1, 6)}}, "代表人不得超过5人（《信访工作条例》第二十条第三款）"),
    ],
)
def test_intake_errors_are_shown_and_nothing_is_written(client, world, over, field_text):
    client.force_login(world.clerk_a)
    r = client.post("/intake/", intake_post(world, **over))
    assert r.status_code == 400 and field_text in r.content.decode()
    assert Case.objects.count() == 0 and Event.objects.count() == 0


def test_intake_refuses_wrong_attachment_type_beside_the_field(client, world):
    client.force_login(world.clerk_a)
    bad = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    r = client.post("/intake/", {**intake_post(world), "attachments": bad})
    assert r.status_code == 400 and "类型不支持" in r.content.decode()
    assert Case.objects.count() == 0


def test_workspace_offers_only_the_actions_the_table_allows_and_runs_them(client, world):
    # given a forwarded case at the housing bureau
    case = register(world).case
    client.force_login(world.clerk_a)
    client.post(f"/cases/{case.pk}/act/forward/", {"forward-to_unit_id": world.county_housing.pk})
    client.force_login(world.housing_handler)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "/act/accept/" in page and "/act/reply/" not in page
    # when the handler accepts and then replies without a legal basis
    assert client.post(f"/cases/{case.pk}/act/accept/", {}).status_code == 302
    r = client.post(f"/cases/{case.pk}/act/reply/", {"reply-outcome": "supported", "reply-reasons": "属实", "reply-opinion": "修复"})
    # then the error stands beside the field and nothing changed
    assert r.status_code == 400 and "法律法规依据" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "accepted"
    ok = client.post(f"/cases/{case.pk}/act/reply/", {"reply-outcome": "supported", "reply-reasons": "属实",
                                                       "reply-opinion": "修复", "reply-legal_basis": "《公路法》第四十三条"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == "replied" and case.replied_on_time is True


def test_action_refused_by_the_domain_shows_its_message(client, world):
    """Art 34: an extension of more than 30 days is refused."""
    case = register(world).case
    client.force_login(world.handler_a)
    client.post(f"/cases/{case.pk}/act/accept/", {})
    r = client.post(f"/cases/{case.pk}/act/request_extension/", {"request_extension-days": "45", "request_extension-reason": "复杂"})
    assert r.status_code == 400 and "30" in r.content.decode()
    assert Event.objects.filter(case=case, verb="request_extension").count() == 0


def test_other_township_gets_404_on_workspace_and_actions(client, world):
    case = register(world).case
    client.force_login(world.clerk_b)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/forward/", {"forward-to_unit_id": world.county_housing.pk}).status_code == 404
    case.refresh_from_db()
    assert case.state == "registered"


def test_my_work_filters_by_urgency_and_name(client, world):
    long_ago = timezone.localdate() - dt.timedelta(days=80)
    old = register(world, received_on=long_ago).case
    from casework.cases.actions import case_accept

    case_accept(world.handler_a, case_id=old.pk, on=long_ago)
    fresh = register(world, complainants=[{"name": "赵六", "address": "甲镇"}]).case
    client.force_login(world.handler_a)
    overdue = client.get("/", {"urgency": "overdue"}).content.decode()
    assert old.number in overdue and fresh.number not in overdue
    by_name = client.get("/", {"name": "赵六"}).content.decode()
    assert fresh.number in by_name and old.number not in by_name


def test_supervisor_board_notice_and_answer(client, world):
    """督办: a supervisor above issues a notice with its own deadline; the unit answers."""
    long_ago = timezone.localdate() - dt.timedelta(days=80)
    case = register(world, received_on=long_ago).case
    from casework.cases.actions import case_accept

    case_accept(world.handler_a, case_id=case.pk, on=long_ago)
    client.force_login(world.supervisor)
    board = client.get("/supervision/").content.decode()
    assert case.number in board and "甲镇信访办" in board
    r = client.post(f"/cases/{case.pk}/supervise/", {"supervise-instruction": "三日内办结", "supervise-days": "3"})
    assert r.status_code == 302
    notice = SupervisionNotice.objects.get()
    assert notice.to_unit == world.town_a_office and notice.due_on > timezone.localdate()
    client.force_login(world.clerk_b)
    assert client.post(f"/supervision/{notice.pk}/answer/", {"answer-answer": "x"}).status_code == 404
    client.force_login(world.handler_a)
    client.post(f"/supervision/{notice.pk}/answer/", {"answer-answer": "已约谈施工方，周五前修复"})
    notice.refresh_from_db()
    assert notice.answered_on == timezone.localdate()
    assert Event.objects.filter(case=case, verb__in=["supervise", "supervision_answer"]).count() == 2


def test_csv_export_streams_only_what_the_user_may_see(client, world):
    mine = register(world).case
    other = register(world, by="clerk_b", unit="town_b_office").case
    client.force_login(world.clerk_a)
    r = client.get("/export.csv")
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv")
    assert mine.number in body and other.number not in body
    assert body.splitlines()[0].startswith("案件编号")


def test_notices_are_listed_and_served_as_pdf_but_not_to_a_respondent_unit(client, world):
    """Art 32: the 处理意见书 exists once the reply does; Art 30 ¶3: not for the unit complained about."""
    from casework.cases.actions import case_accept, case_reply
    from casework.documents.models import IssuedDocument

    case = register(world, respondent_unit_ids=[world.county_bureau.pk]).case
    case_accept(world.handler_a, case_id=case.pk)
    case_reply(world.handler_a, case_id=case.pk, outcome="supported", reasons="属实", opinion="修复",
               legal_basis="《公路法》")
    doc = IssuedDocument.objects.get(case=case, kind="handling_opinion")
    url = f"/cases/{case.pk}/documents/handling-opinion-{doc.pk}.pdf"
    client.force_login(world.handler_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert url in page and doc.number in page and "review-opinion" not in page
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/cases/{case.pk}/documents/review-opinion-{doc.pk}.pdf").status_code == 404
    client.force_login(world.supervisor)  # supervisor above, but of the unit complained about
    assert client.get(url).status_code == 404


def test_the_reply_form_asks_for_one_outcome_of_three_or_one_per_request_xinfang_art_32(client, world):
    """Art 32 (RULES.md §0): 支持 / 解释说明 / 不予支持; several requests may be answered one by one."""
    case = register(world).case
    client.force_login(world.handler_a)
    client.post(f"/cases/{case.pk}/act/accept/", {})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for label in ("支持", "解释说明", "不予支持", "第1项请求"):
        assert label in page
    assert "部分支持" not in page
    base = {"reply-reasons": "属实", "reply-opinion": "修复", "reply-legal_basis": "《公路法》第四十三条"}
    none = client.post(f"/cases/{case.pk}/act/reply/", base)
    assert none.status_code == 400 and "支持、解释说明或不予支持（第三十二条）" in none.content.decode()
    one = client.post(f"/cases/{case.pk}/act/reply/", {**base, "reply-request_1": "修复村道", "reply-request_outcome_1": "supported"})
    assert one.status_code == 400 and "至少填写两项请求" in one.content.decode()
    case.refresh_from_db()
    assert case.state == "accepted"
    ok = client.post(f"/cases/{case.pk}/act/reply/", {
        **base, "reply-request_1": "修复村道", "reply-request_outcome_1": "supported",
        "reply-request_2": "赔偿车辆损失", "reply-request_outcome_2": "not_supported"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.request_outcomes == [{"request": "修复村道", "outcome": "supported"},
                                     {"request": "赔偿车辆损失", "outcome": "not_supported"}]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "修复村道：支持；赔偿车辆损失：不予支持" in page


def test_csv_export_gives_the_outcome_and_the_review_decisions_beside_it_xinfang_art_32_35(client, world):
    """Statistics count the reply's Art 32 outcome; the review's decision is its own column."""
    import csv
    import io

    from tests.cases.casekit import drive

    case = drive(world, "reviewed")
    client.force_login(world.users["gov_handler"])
    body = b"".join(client.get("/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == case.number)
    assert header[3:6] == ["处理结果", "复查结论", "复核结论"]
    assert row[3:6] == ["解释说明", "维持", ""]
