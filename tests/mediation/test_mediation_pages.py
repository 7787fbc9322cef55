"""Mediation pages: errors beside their fields and nothing written; boards; the draft and the effective agreement
and the 调解终止告知书 as PDFs read back with pypdf."""

import datetime as dt
import io
import re

from pypdf import PdfReader

from casework.audit.models import Event
from casework.documents.layout import cn_numeral
from casework.mediation import actions as M
from casework.mediation.models import Dispute
from casework.rules.clocks import RULES

from tests.mediation.conftest import counts, drafted, mediating, new_dispute, signed, today


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))


def register_post(w, n_parties=2, **over):
    data = {"unit_id": w.village_committee.pk, "dispute_type": "neighbour", "facts": "噪音纠纷",
            "party-TOTAL_FORMS": str(n_parties), "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "2",
            "party-MAX_NUM_FORMS": "20"}
    for i in range(n_parties):
        data.update({f"party-{i}-name": f"当事人{i}", f"party-{i}-address": "幸福村", f"party-{i}-phone": f"1380000000{i}",
                     f"party-{i}-kind": "person"})
    data.update(over)
    return data


def test_one_party_only_is_refused_on_the_form(client, mworld):
    client.force_login(mworld.village_mediator)
    r = client.post("/mediation/new/", register_post(mworld, n_parties=1))
    assert r.status_code == 400 and Dispute.objects.count() == 0
    ok = client.post("/mediation/new/", register_post(mworld, **{"party-0-sex": "female", "party-0-age": "41",
                                                                 "party-0-occupation": "教师"}))
    assert ok.status_code == 302 and Dispute.objects.count() == 1
    p = Dispute.objects.get().parties.get(person__name="当事人0")
    assert (p.sex, p.age, p.occupation) == ("female", 41, "教师")


def test_escalation_without_reason_or_consent_shows_the_error_and_writes_nothing(client, mworld):
    d = new_dispute(mworld)
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert "甲镇人民调解委员会" in page and "甲镇信访办" not in page  # the committee is offered, not the petition office
    before = counts()
    r = client.post(f"/mediation/{d.pk}/act/escalate/", {"escalate-reason": "",
                                                         "escalate-unit_id": mworld.town_a_committee.pk})
    assert r.status_code == 400 and "上交理由" in r.content.decode()
    r = client.post(f"/mediation/{d.pk}/act/escalate/", {
        "escalate-reason": "调解不成", "escalate-unit_id": mworld.town_a_committee.pk,
        "escalate-mediator_id": mworld.township_mediator.pk, "escalate-target_on": (today() + dt.timedelta(days=9))})
    assert r.status_code == 400 and "须经各方当事人同意" in r.content.decode()
    assert counts() == before


def test_acting_on_a_refused_dispute_is_refused(client, mworld):
    """人民调解法 Art 17: once a party refuses, no mediation; Art 26: the routes told, and the notice to print."""
    d = new_dispute(mworld)
    li = d.parties.get(person__name="李二")
    t = M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party_id=li.pk, routes_told=True)
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert "仲裁、行政、司法" in page and "/act/record_session/" not in page
    assert f"/mediation/{d.pk}/termination/{t.pk}.pdf" in page
    r = client.post(f"/mediation/{d.pk}/act/record_session/", {"record_session-attendees": "x", "record_session-summary": "y"})
    assert r.status_code == 400 and "不得继续调解" in r.content.decode()


def test_the_termination_notice_tells_the_other_routes_people_mediation_law_art_26(client, mworld):
    """Art 26: 调解终止告知书 to every party, naming the other routes (arbitration, administrative, judicial)."""
    d = mediating(mworld)
    t = M.dispute_fail(mworld.village_mediator, dispute_id=d.pk, reason="双方对越界面积各执一词", routes_told=True)
    client.force_login(mworld.village_mediator)
    text = pdf_text(client.get(f"/mediation/{d.pk}/termination/{t.pk}.pdf"))
    for part in ("幸福村人民调解委员会调解终止告知书", "王大、李二：", d.number, "土地、宅基地边界纠纷",
                 "双方对越界面积各执一词", "第二十六条", "仲裁、行政、司法等途径", "乡镇（街道）人民调解委员会调解",
                 "土地所有权、使用权争议", "特此告知"):
        assert part in text, part
    client.force_login(mworld.clerk_b)
    assert client.get(f"/mediation/{d.pk}/termination/{t.pk}.pdf").status_code == 404


def test_the_draft_prints_marked_as_a_draft_undated_and_without_seal_art_29(client, mworld):
    """Art 29 ¶2: not effective before the signatures; the printout says so on every page."""
    d = drafted(mworld)
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert "打印调解协议书草稿" in page and "/act/sign_agreement/" in page
    text = pdf_text(client.get(f"/mediation/{d.pk}/agreement.pdf"))
    assert "人民调解协议书（草稿）" in text and "草稿未经签署，不发生效力" in text
    assert "甲方：王大，男，1968年5月3日出生" in text and "乙方：李二，女，52岁，职业：个体经营" in text
    assert "民族" not in text
    assert f"{today().year}年{today().month}月{today().day}日" not in text.split("当事人（签名")[-1]  # undated
    assert "共同申请司法确认的期限至" not in text


def test_the_effective_agreement_pdf_has_the_details_the_window_and_copies_in_chinese_numerals(client, mworld):
    """Art 29: the parties' basic details, the terms; Art 33: the window's last day; 一式三份."""
    d = signed(mworld)
    client.force_login(mworld.village_mediator)
    text = pdf_text(client.get(f"/mediation/{d.pk}/agreement.pdf"))
    due = d.confirmation_due_on
    for part in ("人民调解协议书", "甲方：王大，男，1968年5月3日出生", "住址：幸福村1组", "联系电话：13800000001",
                 "李二拆除越界部分围墙", "本协议一式三份", f"共同申请司法确认的期限至{due.year}年{due.month}月{due.day}日",
                 f"{cn_numeral(RULES['judicial_confirmation'].days)}日内", "甲方：王大（签名）",
                 "人民调解员：刘调解员（签名）"):
        assert part in text, part
    assert "草稿" not in text and "民族" not in text


def test_an_oral_agreement_notes_that_confirmation_needs_it_in_writing_art_30_33(client, mworld):
    d = mediating(mworld)
    M.dispute_agree_orally(mworld.village_mediator, dispute_id=d.pk, terms="李二赔偿100元", performance_manner="当场支付",
                           performance_deadline=today(), writing_waived=True)
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert 'data-testid="confirmation-window"' in page and "须提交书面调解协议" in page
    assert client.get(f"/mediation/{d.pk}/agreement.pdf").status_code == 404


def test_signing_on_the_page_makes_the_agreement_effective(client, mworld):
    d = drafted(mworld)
    client.force_login(mworld.village_mediator)
    data = {f"sign_agreement-party_{p}": "thumbprint" for p in d.parties.values_list("pk", flat=True)}
    r = client.post(f"/mediation/{d.pk}/act/sign_agreement/", {**data, "sign_agreement-mediator_signed": "on"})
    assert r.status_code == 400 and "印章" in r.content.decode()
    assert Dispute.objects.get(pk=d.pk).state == "drafted"
    r = client.post(f"/mediation/{d.pk}/act/sign_agreement/", {**data, "sign_agreement-mediator_signed": "on",
                                                                "sign_agreement-sealed": "on"})
    assert r.status_code == 302 and Dispute.objects.get(pk=d.pk).state == "agreed"


def test_board_reminds_the_confirmation_window_and_counts_by_level(client, mworld):
    d = signed(mworld)
    Dispute.objects.filter(pk=d.pk).update(confirmation_due_on=today() + dt.timedelta(days=3),
                                           performance_due_on=today())
    client.force_login(mworld.village_mediator)
    page = client.get("/mediation/").content.decode()
    assert "司法确认申请期即将届满" in page and d.number in page
    assert "履行期限已到" in page
    client.force_login(mworld.clerk_b)
    assert client.get(f"/mediation/{d.pk}/").status_code == 404
    assert client.get(f"/mediation/{d.pk}/agreement.pdf").status_code == 404
    assert Event.objects.filter(dispute=d).count() >= 4


def test_every_new_part_of_the_dispute_page_speaks_english(mworld):
    """Escalation with consent, the ending and its notice, another mediator, a draft, the parties' details."""
    from tests.i18n.test_english import en_client, english

    d = mediating(mworld)
    M.dispute_fail(mworld.village_mediator, dispute_id=d.pk, reason="分歧大", routes_told=True)
    M.dispute_escalate(mworld.village_mediator, dispute_id=d.pk, reason="村调委会调解不成", consent=True,
                       unit_id=mworld.town_a_committee.pk, mediator_id=mworld.township_mediator.pk,
                       target_on=today() + dt.timedelta(days=9))
    li = d.parties.get(person__name="李二")
    M.dispute_change_mediator(mworld.township_mediator, dispute_id=d.pk, party_id=li.pk,
                              mediator_id=mworld.township_mediator_2.pk)
    english(en_client(mworld.township_mediator_2).get(f"/mediation/{d.pk}/"),
            "Refer to the next level", "every party agreed", "Mediation ended", "Notice of the end of mediation",
            "Change of mediator", "Details the mediation agreement needs, still missing", "born 1968-05-03",
            "A party asks for another mediator")
    M.dispute_record_session(mworld.township_mediator_2, dispute_id=d.pk, summary="谈妥", attendees="双方")
    M.dispute_record_party_details(mworld.township_mediator_2, dispute_id=d.pk,
                                   details={li.pk: {"sex": "female", "age": 52, "occupation": "个体经营"}})
    M.dispute_draft_agreement(mworld.township_mediator_2, dispute_id=d.pk, performance_deadline=today(),
                              facts_responsibility="责任", terms="拆除", performance_manner="自行拆除")
    english(en_client(mworld.township_mediator_2).get(f"/mediation/{d.pk}/"),
            "Agreement awaiting signature", "Print the draft mediation agreement (PDF)",
            "Record the signatures (agreement takes effect)", "Thumbprint", "aged 52")


def test_the_details_form_shows_what_is_known_and_keeps_it(client, mworld):
    """Art 29 ¶1(1): completing one party's details leaves the other's as they were (dates shown as ISO dates)."""
    d = mediating(mworld)
    wang, li = d.parties.get(person__name="王大"), d.parties.get(person__name="李二")
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert f'name="record_party_details-p{wang.pk}_birth_date" value="1968-05-03"' in page
    data = {f"record_party_details-p{wang.pk}_{k}": v for k, v in
            {"kind": "person", "sex": "male", "birth_date": "1968-05-03", "occupation": "务农"}.items()}
    data.update({f"record_party_details-p{li.pk}_{k}": v for k, v in
                 {"kind": "person", "sex": "female", "age": "52", "occupation": "个体经营"}.items()})
    r = client.post(f"/mediation/{d.pk}/act/record_party_details/", data)
    assert r.status_code == 302
    wang.refresh_from_db(), li.refresh_from_db()
    assert (wang.sex, wang.birth_date, wang.occupation) == ("male", dt.date(1968, 5, 3), "务农")
    assert (li.sex, li.age, li.occupation) == ("female", 52, "个体经营")
