"""Mediation in a real browser: the village mediator registers a dispute, cannot settle it and escalates;
the township mediator settles it; the agreement PDF is produced and the 30-day window shows
(人民调解法 Art 17, 27, 29, 33)."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.mediation.models import Dispute

pytestmark = pytest.mark.django_db(transaction=True)


def test_village_to_township_agreement(world, screen):
    from django.contrib.auth import get_user_model

    from casework.organisation.models import Membership
    from casework.organisation.services import jurisdiction_create, unit_create

    village = jurisdiction_create(name="幸福村", code="V1", level="village", parent=world.town_a)
    committee = unit_create(name="幸福村人民调解委员会", kind="mediation", jurisdiction=village)
    vm = get_user_model().objects.create_user("village_mediator", password="pw-village_mediator")
    Membership.objects.create(user=vm, unit=committee, role="mediator")

    # the village mediator registers the dispute
    v = screen("6-village")
    v.login("village_mediator")
    page = v.go("/mediation/new/")
    page.get_by_label("纠纷类型").select_option(label="土地、宅基地边界纠纷")
    page.get_by_label("纠纷事实").fill("王大与李二两家宅基地之间的围墙越界约0.3米。")
    for i, (name, phone) in enumerate([("王大", "13800000001"), ("李二", "13800000002")]):
        page.locator(f"#id_party-{i}-name").fill(name)
        page.locator(f"#id_party-{i}-address").fill("幸福村1组")
        page.locator(f"#id_party-{i}-phone").fill(phone)
    v.shot("register")
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector("[data-testid=dispute-state]")
    d = Dispute.objects.get()
    # a session that does not settle it
    page.locator("summary", has_text="记录调解").click()
    form = page.locator("form[action$='/act/record_session/']")
    form.get_by_label("参加人员").fill("王大、李二、调解员")
    form.get_by_label("调解情况（各方陈述）").fill("双方各执一词，未能达成一致。")
    form.get_by_role("button", name="记录调解").click()
    page.wait_for_selector("text=调解中")
    # escalates with a reason, naming the township's mediator and a target date
    page.locator("summary", has_text="上交上一级调解").click()
    form = page.locator("form[action$='/act/escalate/']")
    form.get_by_label("上交理由").fill("双方分歧较大，村调委会调解不成。")
    v.pick("上交至（牵头单位）", "甲镇信访办", within=form)
    v.pick("调解员", "mediator_a（甲镇信访办）", within=form)  # name and unit; these test users have no names
    form.get_by_label("调解目标日期").fill((timezone.localdate() + dt.timedelta(days=20)).isoformat())
    v.shot("escalate")
    form.get_by_role("button", name="上交上一级调解").click()
    page.wait_for_selector("text=乡镇（街道）")
    d.refresh_from_db()
    assert d.level == "township" and d.unit == world.town_a_office

    # the township mediator finds it in the queue and settles it
    t = screen("7-township")
    t.login("mediator_a")
    t.go("/mediation/")
    t.shot("queue")
    t.page.get_by_role("link", name=d.number).first.click()
    t.page.locator("summary", has_text="记录调解").click()
    form = t.page.locator("form[action$='/act/record_session/']")
    form.get_by_label("参加人员").fill("王大、李二")
    form.get_by_label("调解情况（各方陈述）").fill("经释法说理，双方同意按原址重砌围墙。")
    form.get_by_role("button", name="记录调解").click()
    t.page.wait_for_selector("text=调解中")
    t.page.locator("summary", has_text="达成调解协议").click()
    form = t.page.locator("form[action$='/act/agree/']")
    form.get_by_label("书面协议").check()
    form.get_by_label("纠纷主要事实、争议事项及各方责任").fill("围墙越界0.3米，王大负主要责任。")
    form.get_by_label("协议内容（每行一项）").fill("王大于十日内拆除越界部分围墙\n李二配合测量定界")
    form.get_by_label("履行方式").fill("王大自行拆除，费用自理")
    form.get_by_label("履行期限").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    form.get_by_label("各方当事人已签名、盖章或按指印，调解员已签名（第二十九条第二款）").check()
    form.get_by_role("button", name="达成调解协议").click()
    window = t.page.get_by_test_id("confirmation-window")
    window.wait_for()
    t.shot("agreed")
    assert "司法确认" in window.inner_text()
    d.refresh_from_db()
    assert d.state == "agreed" and d.settled_level == "township"

    # the agreement PDF
    response = t.page.request.get(t.base + f"/mediation/{d.pk}/agreement.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).replace("\n", "")
    assert "调解协议书" in text and "王大" in text and "拆除越界部分围墙" in text
