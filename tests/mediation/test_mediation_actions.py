"""People's mediation (人民调解法): lowest level first, refusal ends it, agreements, the 30-day confirmation window."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.audit.chain import verify_chains
from casework.audit.models import Event
from casework.cases.errors import Conflict, Forbidden, InvalidInput
from casework.mediation import actions as M
from casework.mediation.models import Dispute

from tests.mediation.conftest import new_dispute, parties


def today():
    return timezone.localdate()


def test_register_needs_two_parties_with_contact(mworld):
    """Art 17: a dispute between parties; one party alone is refused and nothing is written."""
    with pytest.raises(InvalidInput, match="两方"):
        new_dispute(mworld, parties=parties()[:1])
    with pytest.raises(InvalidInput, match="联系电话"):
        new_dispute(mworld, parties=[parties()[0], M.PartyData("李二", "幸福村", "")])
    assert Dispute.objects.count() == 0 and Event.objects.count() == 0
    d = new_dispute(mworld)
    assert d.level == "village" and d.state == "registered" and d.number.startswith("V1-TJ")


def test_escalation_needs_a_reason_and_the_township_names_unit_mediator_and_target(mworld):
    """Lowest level first; the township names the lead unit, mediator and a target date."""
    d = new_dispute(mworld)
    target = today() + dt.timedelta(days=20)
    with pytest.raises(InvalidInput, match="上交理由"):
        M.dispute_escalate(mworld.village_mediator, dispute_id=d.pk, reason="", unit_id=mworld.town_a_office.pk,
                           mediator_id=mworld.mediator_a.pk, target_on=target)
    with pytest.raises(InvalidInput, match="调解员"):
        M.dispute_escalate(mworld.village_mediator, dispute_id=d.pk, reason="村里调解不成",
                           unit_id=mworld.town_a_office.pk, target_on=target)
    assert Event.objects.filter(dispute=d).count() == 1
    M.dispute_escalate(mworld.village_mediator, dispute_id=d.pk, reason="双方分歧大，村里调解不成",
                       unit_id=mworld.town_a_office.pk, mediator_id=mworld.mediator_a.pk, target_on=target)
    d.refresh_from_db()
    assert d.level == "township" and d.unit == mworld.town_a_office and d.mediator == mworld.mediator_a
    assert d.target_on == target


def test_a_party_refusing_ends_mediation_and_nothing_more_can_be_done(mworld):
    """Art 17, 23(2): a party may refuse or end mediation at any time; Art 26 tells the other routes."""
    d = new_dispute(mworld)
    M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party="李二", reason="不愿调解，要起诉")
    d.refresh_from_db()
    assert d.state == "ended"
    with pytest.raises(Conflict, match="不得继续调解"):
        M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="再谈", attendees="王大")
    assert Event.objects.filter(dispute=d).count() == 2


def test_agreement_needs_terms_and_a_deadline_not_before_it(mworld):
    """Art 29: terms, manner and deadline of performance; Art 29 ¶2 signatures for a written agreement."""
    d = new_dispute(mworld)
    M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="双方陈述", attendees="王大、李二")
    common = dict(dispute_id=d.pk, form="written", facts_responsibility="围墙越界0.3米，王大负主要责任",
                  performance_manner="王大自行拆除", signed=True)
    with pytest.raises(InvalidInput, match="协议内容"):
        M.dispute_agree(mworld.village_mediator, terms="", performance_deadline=today(), **common)
    with pytest.raises(InvalidInput, match="履行期限不能早于"):
        M.dispute_agree(mworld.village_mediator, terms="拆除越界部分", performance_deadline=today() - dt.timedelta(days=1), **common)
    with pytest.raises(InvalidInput, match="签名"):
        M.dispute_agree(mworld.village_mediator, terms="拆除越界部分", performance_deadline=today(),
                        **{**common, "signed": False})
    d.refresh_from_db()
    assert d.state == "mediating"


def test_written_agreement_starts_the_30_day_confirmation_window(mworld):
    """人民调解法 Art 33: joint application for judicial confirmation within 30 days of taking effect."""
    d = new_dispute(mworld)
    M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="达成一致", attendees="王大、李二",
                             public=False)
    a = M.dispute_agree(mworld.village_mediator, dispute_id=d.pk, form="written",
                        facts_responsibility="围墙越界", terms="王大拆除越界部分围墙", performance_manner="自行拆除",
                        performance_deadline=today() + dt.timedelta(days=10), signed=True)
    d.refresh_from_db()
    assert d.state == "agreed" and d.settled_level == "village"
    assert d.confirmation_due_on >= a.effective_on + dt.timedelta(days=30)
    M.dispute_record_performance(mworld.village_mediator, dispute_id=d.pk, performed=True, note="已拆除")
    d.refresh_from_db()
    assert d.state == "performed"
    assert list(verify_chains()) == []


def test_oral_agreement_takes_effect_the_same_day_and_has_no_confirmation_window(mworld):
    """Art 28, 30: an oral agreement is recorded and takes effect the day it is reached."""
    d = new_dispute(mworld)
    M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="口头达成", attendees="王大、李二")
    a = M.dispute_agree(mworld.village_mediator, dispute_id=d.pk, form="oral", facts_responsibility="小额纠纷",
                        terms="李二赔偿100元", performance_manner="当场支付", performance_deadline=today())
    d.refresh_from_db()
    assert a.effective_on == today() and d.confirmation_due_on is None


def test_only_the_handling_units_mediator_acts_and_a_conflicted_mediator_is_out(mworld):
    """Art 19: mediators chosen or assigned; a conflict of interest means another mediator."""
    d = new_dispute(mworld)
    with pytest.raises(Exception):
        M.dispute_record_session(mworld.clerk_b, dispute_id=d.pk, summary="x", attendees="y")
    M.dispute_declare_conflict(mworld.village_mediator, dispute_id=d.pk, reason="李二是我表兄")
    from casework.cases.errors import NotFound

    with pytest.raises(NotFound):
        M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="x", attendees="y")
    _ = Forbidden
