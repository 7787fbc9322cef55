"""Mediation pages: errors beside their fields and nothing written; boards; the agreement PDF."""

import datetime as dt

from django.utils import timezone

from casework.audit.models import Event
from casework.mediation import actions as M
from casework.mediation.models import Dispute
from tests.mediation.conftest import new_dispute


def register_post(w, n_parties=2, **over):
    data = {"unit_id": w.village_committee.pk, "dispute_type": "neighbour", "facts": "噪音纠纷",
            "party-TOTAL_FORMS": str(n_parties), "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "2",
            "party-MAX_NUM_FORMS": "20"}
    for i in range(n_parties):
        data.update({f"party-{i}-name": f"当事人{i}", f"party-{i}-address": "幸福村", f"party-{i}-phone": f"1380000000{i}"})
    data.update(over)
    return data


def test_one_party_only_is_refused_on_the_form(client, mworld):
    client.force_login(mworld.village_mediator)
    r = client.post("/mediation/new/", register_post(mworld, n_parties=1))
    assert r.status_code == 400 and Dispute.objects.count() == 0
    ok = client.post("/mediation/new/", register_post(mworld))
    assert ok.status_code == 302 and Dispute.objects.count() == 1


def test_escalation_without_reason_shows_the_error_and_writes_nothing(client, mworld):
    d = new_dispute(mworld)
    client.force_login(mworld.village_mediator)
    r = client.post(f"/mediation/{d.pk}/act/escalate/", {"escalate-reason": "", "escalate-unit_id": mworld.town_a_office.pk})
    assert r.status_code == 400 and "上交理由" in r.content.decode()
    assert Event.objects.filter(dispute=d).count() == 1


def test_acting_on_a_refused_dispute_is_refused(client, mworld):
    """人民调解法 Art 17: once a party refuses, no mediation."""
    d = new_dispute(mworld)
    M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party="李二")
    client.force_login(mworld.village_mediator)
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert "仲裁、行政、司法" in page and "/act/record_session/" not in page
    r = client.post(f"/mediation/{d.pk}/act/record_session/", {"record_session-attendees": "x", "record_session-summary": "y"})
    assert r.status_code == 400 and "不得继续调解" in r.content.decode()


def test_board_reminds_the_confirmation_window_and_counts_by_level(client, mworld):
    d = new_dispute(mworld)
    M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="谈妥", attendees="双方")
    today = timezone.localdate()
    M.dispute_agree(mworld.village_mediator, dispute_id=d.pk, form="written", facts_responsibility="责任各半",
                    terms="互相道歉", performance_manner="当面", performance_deadline=today, signed=True,
                    on=today, effective_on=today)
    Dispute.objects.filter(pk=d.pk).update(confirmation_due_on=today + dt.timedelta(days=3))
    client.force_login(mworld.village_mediator)
    page = client.get("/mediation/").content.decode()
    assert "司法确认申请期即将届满" in page and d.number in page
    assert "履行期限已到" in page
    pdf = client.get(f"/mediation/{d.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(mworld.clerk_b)
    assert client.get(f"/mediation/{d.pk}/").status_code == 404
