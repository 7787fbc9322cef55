"""Mediation in a real browser (issue 11 item 12, issue 12 items 18–19): the village mediator registers a dispute, it
fails there and the parties are told their other routes (人民调解法 Art 26); with their consent it is escalated to the
township's 人民调解委员会 (Art 3, 17, 34); the township mediator completes the parties' details, prints the draft
agreement, records the signatures and seal (Art 29); the effective agreement's PDF is read back with pypdf: the
parties' details, the terms, the Art 33 window and 一式三份."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from casework.mediation.models import Dispute
from tests.mediation.conftest import mworld  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(screen, path: str) -> str:
    response = screen.page.request.get(screen.base + path)
    assert response.ok and response.body().startswith(b"%PDF")
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages))


def test_village_failure_escalated_with_consent_and_settled_by_the_township_committee(mworld, screen):
    today = timezone.localdate()

    # the village mediator registers the dispute
    v = screen("6-village")
    v.login("village_mediator")
    page = v.go("/mediation/new/")
    page.get_by_label("纠纷类型").select_option(label="土地、宅基地边界纠纷")
    page.get_by_label("纠纷事实").fill("王大与李二两家宅基地之间的围墙越界约0.3米。")
    for i, (name, phone, sex, birth, job) in enumerate([("王大", "13800000001", "男", "1968-05-03", "务农"),
                                                         ("李二", "13800000002", "", "", "")]):
        page.locator(f"#id_party-{i}-name").fill(name)
        page.locator(f"#id_party-{i}-address").fill("幸福村1组")
        page.locator(f"#id_party-{i}-phone").fill(phone)
        if sex:
            page.locator(f"#id_party-{i}-sex").select_option(label=sex)
            page.locator(f"#id_party-{i}-birth_date").fill(birth)
            page.locator(f"#id_party-{i}-occupation").fill(job)
    v.shot("register")
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector("[data-testid=dispute-state]")
    d = Dispute.objects.get()

    # a session that does not settle it; the mediation fails and the parties are told their other routes
    page.locator("summary", has_text="记录调解").click()
    form = page.locator("form[action$='/act/record_session/']")
    form.get_by_label("参加人员").fill("王大、李二、调解员")
    form.get_by_label("调解情况（各方陈述）").fill("双方各执一词，未能达成一致。")
    form.get_by_role("button", name="记录调解").click()
    page.wait_for_selector("text=调解中")
    page.locator("summary", has_text="调解不成，终止调解").click()
    form = page.locator("form[action$='/act/fail/']")
    form.get_by_label("终止理由").fill("双方对越界面积各执一词。")
    form.get_by_label("已告知各方当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（第二十六条）").check()
    form.get_by_role("button", name="调解不成，终止调解").click()
    page.get_by_test_id("dispute-state").filter(has_text="调解不成").wait_for()
    termination = d.terminations.get()
    notice = pdf_text(v, f"/mediation/{d.pk}/termination/{termination.pk}.pdf")
    assert "调解终止告知书" in notice and "仲裁、行政、司法等途径" in notice

    # escalated with the parties' consent to the township's committee (not its petition office)
    page.locator("summary", has_text="上交上一级调解").click()
    form = page.locator("form[action$='/act/escalate/']")
    form.get_by_label("上交理由").fill("双方分歧较大，村调委会调解不成。")
    form.get_by_label("各方当事人同意提交上一级调解（第三条、第十七条）").check()
    form.get_by_label("当事人同意的方式").fill("双方在调解笔录上签字同意")
    unit_options = form.get_by_label("上交至（上一级调解组织）").locator("option").all_inner_texts()
    assert "甲镇人民调解委员会" in unit_options and "甲镇信访办" not in unit_options
    form.get_by_label("上交至（上一级调解组织）").select_option(label="甲镇人民调解委员会")
    form.get_by_label("调解员").select_option(label="陈建华（甲镇人民调解委员会）")
    form.get_by_label("调解目标日期").fill((today + dt.timedelta(days=20)).isoformat())
    v.shot("escalate")
    form.get_by_role("button", name="上交上一级调解").click()
    page.get_by_test_id("escalation-consent").wait_for()
    d.refresh_from_db()
    assert (d.level, d.unit, d.state) == ("township", mworld.town_a_committee, "registered")

    # the township mediator finds it in the queue and settles it
    t = screen("7-township")
    t.login("township_mediator")
    t.go("/mediation/")
    t.shot("queue")
    t.page.get_by_role("link", name=d.number).first.click()
    t.page.locator("summary", has_text="记录调解").click()
    form = t.page.locator("form[action$='/act/record_session/']")
    form.get_by_label("参加人员").fill("王大、李二")
    form.get_by_label("调解情况（各方陈述）").fill("经释法说理，双方同意按原址重砌围墙。")
    form.get_by_role("button", name="记录调解").click()
    t.page.wait_for_selector("text=调解中")
    assert t.axe() == []

    # the agreement states the parties' details: 李二's are completed first (Art 29 ¶1(1))
    assert "年龄或出生日期" in t.page.get_by_test_id("details-missing").inner_text()
    t.page.locator("summary", has_text="补充当事人基本情况").click()
    form = t.page.locator("form[action$='/act/record_party_details/']")
    form.get_by_label("李二：性别").select_option(label="女")
    form.get_by_label("李二：年龄（不知出生日期时填写）").fill("52")
    form.get_by_label("李二：职业或职务").fill("个体经营")
    form.get_by_role("button", name="补充当事人基本情况").click()
    t.page.wait_for_selector("text=52岁")

    # the draft, printed before signing
    t.page.locator("summary", has_text="制作调解协议书草稿").click()
    form = t.page.locator("form[action$='/act/draft_agreement/']")
    form.get_by_label("纠纷主要事实、争议事项及各方责任").fill("围墙越界0.3米，李二负主要责任。")
    form.get_by_label("协议内容（每行一项）").fill("李二于十日内拆除越界部分围墙\n王大配合测量定界")
    form.get_by_label("履行方式").fill("李二自行拆除，费用自理")
    form.get_by_label("履行期限").fill((today + dt.timedelta(days=10)).isoformat())
    form.get_by_role("button", name="制作调解协议书草稿").click()
    t.page.get_by_test_id("agreement-draft").wait_for()
    t.shot("draft")
    draft = pdf_text(t, f"/mediation/{d.pk}/agreement.pdf")
    assert "人民调解协议书（草稿）" in draft and "不发生效力" in draft

    # the signatures and the seal are recorded: effective today
    t.page.locator("summary", has_text="记录签署，协议生效").click()
    form = t.page.locator("form[action$='/act/sign_agreement/']")
    form.get_by_label("王大").select_option(label="签名")
    form.get_by_label("李二").select_option(label="按指印")
    form.get_by_label("人民调解员已签名").check()
    form.get_by_label("已加盖人民调解委员会印章").check()
    form.get_by_role("button", name="记录签署，协议生效").click()
    window = t.page.get_by_test_id("confirmation-window")
    window.wait_for()
    t.shot("agreed")
    assert "司法确认" in window.inner_text()
    d.refresh_from_db()
    assert d.state == "agreed" and d.settled_level == "township" and d.agreement.effective_on == today

    # the effective agreement's PDF
    text = pdf_text(t, f"/mediation/{d.pk}/agreement.pdf")
    due = d.confirmation_due_on
    for part in ("人民调解协议书", "甲镇人民调解委员会", "甲方：王大，男，1968年5月3日出生", "职业：务农", "住址：幸福村1组",
                 "联系电话：13800000001", "乙方：李二，女，52岁，职业：个体经营", "李二于十日内拆除越界部分围墙",
                 "王大配合测量定界", "自本协议生效之日起三十日内共同向人民法院申请司法确认",
                 f"共同申请司法确认的期限至{due.year}年{due.month}月{due.day}日", "本协议一式三份",
                 "甲方：王大（签名）", "乙方：李二（按指印）", "人民调解员：陈建华（签名）"):
        assert part in text, part
    assert "草稿" not in text and "民族" not in text
