"""People's mediation (人民调解法): lowest level first with the parties' consent, refusal ends it, the other routes,
another mediator, agreements drafted and signed, oral agreements, the Art 33 window, performance follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casework.audit.chain import verify_chains
from casework.audit.models import Event
from casework.cases.errors import Conflict, Forbidden, InvalidInput, NotFound
from casework.mediation import actions as M
from casework.mediation.models import (
    Agreement, AgreementSignature, Dispute, DisputeParty, Escalation, MediatorChange, PerformanceCheck, Termination,
)
from casework.organisation.models import Membership
from casework.organisation.services import unit_create
from casework.holidays.services import counting, current_calendar
from casework.rules.clocks import RULES

from tests.mediation.conftest import (
    DRAFT, all_signed, complete_details, drafted, mediating, new_dispute, parties, refused, signed, today,
)


def fail(w, d, who=None, **over):
    kwargs = dict(dispute_id=d.pk, reason="双方分歧大，调解不成", routes_told=True)
    kwargs.update(over)
    return M.dispute_fail(who or w.village_mediator, **kwargs)


def escalate_to_township(w, d, **over):
    kwargs = dict(dispute_id=d.pk, reason="村调委会调解不成", unit_id=w.town_a_committee.pk, consent=True,
                  consent_note="双方在调解笔录上签字同意", mediator_id=w.township_mediator.pk,
                  target_on=today() + dt.timedelta(days=20))
    kwargs.update(over)
    return M.dispute_escalate(w.village_mediator, **kwargs)


# -- registration (Art 17) -----------------------------------------------------------------


def test_register_needs_two_parties_with_contact_art_17(mworld):
    """Art 17: a dispute between parties; one party alone is refused and nothing is written."""
    refused(lambda: new_dispute(mworld, parties=parties()[:1]), InvalidInput)
    with pytest.raises(InvalidInput, match="联系电话"):
        new_dispute(mworld, parties=[parties()[0], M.PartyData("李二", "幸福村", "")])
    assert Dispute.objects.count() == 0 and Event.objects.count() == 0
    d = new_dispute(mworld)
    assert d.level == "village" and d.state == "registered" and d.number.startswith("V1-TJ")
    wang = d.parties.get(person__name="王大")
    assert (wang.sex, wang.birth_date, wang.occupation) == ("male", dt.date(1968, 5, 3), "务农")


def test_a_petition_office_does_not_register_disputes_people_mediation_law_art_7_34(mworld):
    """Art 7, 34: people's mediation is done by 人民调解委员会; 甲镇信访办 is a petition office."""
    err = refused(lambda: M.dispute_register(mworld.mediator_a, unit_id=mworld.town_a_office.pk, dispute_type="land",
                                             facts="围墙纠纷", parties=parties()), InvalidInput)
    assert "不是人民调解委员会" in err.message and err.field == "unit_id"


def test_party_details_are_checked_and_never_hold_ethnicity(mworld):
    """Art 29 ¶1(1) details as the 司法部 model form asks, except 民族: Casework holds no ethnicity (DESIGN.md)."""
    bad = [M.PartyData("王大", "幸福村", "138", sex="unknown"), parties()[1]]
    err = refused(lambda: new_dispute(mworld, parties=bad), InvalidInput)
    assert err.field == "parties.0.sex"
    future = [M.PartyData("王大", "幸福村", "138", birth_date=today() + dt.timedelta(days=1)), parties()[1]]
    refused(lambda: new_dispute(mworld, parties=future), InvalidInput)
    company = [M.PartyData("A市兴华建筑劳务有限公司", "A市建设路1号", "0731-1", kind="organisation", sex="male"),
               parties()[1]]
    refused(lambda: new_dispute(mworld, parties=company), InvalidInput)
    names = {f.name for f in DisputeParty._meta.get_fields()} | set(M.PartyData.__dataclass_fields__)
    labels = {str(getattr(f, "verbose_name", "")) for f in DisputeParty._meta.get_fields()}
    assert not any(word in n for n in names for word in ("ethnic", "nation", "religio", "politic"))
    assert not any("民族" in label or "宗教" in label or "政治" in label for label in labels)


# -- escalation (Art 3(1), 17, 26, 34) -------------------------------------------------------


def test_a_failed_village_mediation_is_escalated_to_the_township_committee_with_consent_art_17_26(mworld):
    """Art 26: failure ends the village mediation; with the parties' consent (Art 3(1), 17) it goes to the township's
    人民调解委员会 (Art 34), which names a mediator and a target date."""
    d = mediating(mworld)
    fail(mworld, d)
    d.refresh_from_db()
    assert d.state == "failed"
    escalation = escalate_to_township(mworld, d)
    d.refresh_from_db()
    assert (d.state, d.level, d.unit, d.mediator) == ("registered", "township", mworld.town_a_committee,
                                                      mworld.township_mediator)
    assert (escalation.consent, escalation.consent_note, escalation.from_level, escalation.to_level) == (
        True, "双方在调解笔录上签字同意", "village", "township")
    event = Event.objects.filter(dispute=d).last()
    assert event.verb == "escalate" and event.data["consent"] is True and event.data["escalation"] == escalation.pk
    # the township mediator now mediates it; the village mediator no longer acts on it
    M.dispute_record_session(mworld.township_mediator, dispute_id=d.pk, summary="释法说理", attendees="双方")
    refused(lambda: M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="x", attendees="y"),
            Forbidden, d)
    assert list(verify_chains()) == []


def test_escalation_needs_the_parties_consent_art_3_17(mworld):
    """Art 3(1): mediation rests on the parties' free will; going up a level is not the committee's decision alone."""
    d = mediating(mworld)
    fail(mworld, d)
    err = refused(lambda: escalate_to_township(mworld, d, consent=False), InvalidInput, d)
    assert "须经各方当事人同意" in err.message


def test_escalation_needs_a_reason_and_the_township_names_mediator_and_target(mworld):
    """The township names the committee, the mediator and a target date (司法部规定第33条: one month)."""
    d = new_dispute(mworld)
    refused(lambda: escalate_to_township(mworld, d, reason=""), InvalidInput, d)
    err = refused(lambda: escalate_to_township(mworld, d, mediator_id=None), InvalidInput, d)
    assert "调解员" in err.message
    escalate_to_township(mworld, d)
    d.refresh_from_db()
    assert d.level == "township" and d.target_on == today() + dt.timedelta(days=20)


def test_the_township_petition_office_is_not_the_townships_mediation_committee_art_7_34(mworld):
    """Art 34: a township mediates through its 人民调解委员会, not its 信访办 (issue 11 item 12)."""
    d = mediating(mworld)
    err = refused(lambda: escalate_to_township(mworld, d, unit_id=mworld.town_a_office.pk,
                                               mediator_id=mworld.mediator_a.pk), InvalidInput, d)
    assert "不是人民调解委员会" in err.message and err.field == "unit_id"
    # nor the committee of another township, nor a unit two levels up
    other = unit_create(name="乙镇人民调解委员会", kind="mediation", jurisdiction=mworld.town_b)
    Membership.objects.create(user=mworld.outsider, unit=other, role="mediator")
    err = refused(lambda: escalate_to_township(mworld, d, unit_id=other.pk, mediator_id=mworld.outsider.pk),
                  InvalidInput, d)
    assert "不是幸福村的上一级" in err.message
    refused(lambda: escalate_to_township(mworld, d, unit_id=mworld.county_housing.pk,
                                         mediator_id=mworld.labour_mediator.pk), InvalidInput, d)


def test_a_mediator_is_a_member_of_a_mediating_unit_art_7_34(mworld):
    """The organisation model: a mediator's unit is a 人民调解委员会 or a competent department, never a petition office."""
    with pytest.raises(ValidationError, match="人民调解委员会"):
        Membership(user=mworld.outsider, unit=mworld.town_a_office, role="mediator").full_clean()
    Membership(user=mworld.outsider, unit=mworld.town_a_committee, role="mediator").full_clean()
    Membership(user=mworld.outsider, unit=mworld.county_housing, role="mediator").full_clean()
    Membership(user=mworld.outsider, unit=mworld.town_a_office, role="handler").full_clean()


def test_a_failed_township_mediation_goes_to_the_competent_department_and_no_further_art_17_26(mworld):
    """Township failed: with consent, to the competent department of the county; there is nothing above it."""
    d = mediating(mworld)
    fail(mworld, d)
    escalate_to_township(mworld, d)
    M.dispute_record_session(mworld.township_mediator, dispute_id=d.pk, summary="分歧大", attendees="双方")
    fail(mworld, d, who=mworld.township_mediator)
    M.dispute_escalate(mworld.township_mediator, dispute_id=d.pk, reason="乡镇调解不成", consent=True,
                       unit_id=mworld.county_housing.pk, mediator_id=mworld.labour_mediator.pk)
    d.refresh_from_db()
    assert (d.level, d.unit, d.state) == ("department", mworld.county_housing, "registered")
    assert list(Escalation.objects.filter(dispute=d).values_list("to_level", flat=True)) == ["township", "department"]
    M.dispute_record_session(mworld.labour_mediator, dispute_id=d.pk, summary="仍不成", attendees="双方")
    fail(mworld, d, who=mworld.labour_mediator)
    err = refused(lambda: M.dispute_escalate(mworld.labour_mediator, dispute_id=d.pk, reason="再上交", consent=True,
                                             unit_id=mworld.county_bureau.pk), InvalidInput, d)
    assert "不能再上交" in err.message
    assert Termination.objects.filter(dispute=d).count() == 3


# -- ending, the other routes, another mediator (Art 17, 23, 26) ------------------------------------


def test_a_party_refusing_ends_mediation_and_the_routes_are_told_art_17_23_26(mworld):
    """Art 17, 23(2): a party may refuse or end mediation; Art 26: the parties are told their other routes."""
    d = new_dispute(mworld)
    li = d.parties.get(person__name="李二")
    err = refused(lambda: M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party_id=li.pk,
                                                 reason="不愿调解，要起诉"), InvalidInput, d)
    assert "仲裁、行政、司法" in err.message and "第二十六条" in err.message
    t = M.dispute_end_by_party(mworld.village_mediator, dispute_id=d.pk, party_id=li.pk, reason="不愿调解，要起诉",
                               routes_told=True)
    d.refresh_from_db()
    assert d.state == "ended" and (t.kind, t.party, t.routes_told, t.unit) == (
        "refused", li, True, mworld.village_committee)
    err = refused(lambda: M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="再谈",
                                                   attendees="王大"), Conflict, d)
    assert "不得继续调解" in err.message
    refused(lambda: escalate_to_township(mworld, d), Conflict, d)


def test_failure_records_that_the_parties_were_told_their_other_routes_art_26(mworld):
    d = mediating(mworld)
    refused(lambda: fail(mworld, d, routes_told=False), InvalidInput, d)
    t = fail(mworld, d)
    assert (t.kind, t.routes_told, t.reason, t.level) == ("failed", True, "双方分歧大，调解不成", "village")


def test_a_party_can_ask_for_another_mediator_art_23_1(mworld):
    """Art 23(1) 选择或者接受人民调解员; 司法部《人民调解工作若干规定》: the committee names another mediator."""
    d = mediating(mworld)
    fail(mworld, d)
    escalate_to_township(mworld, d)
    li = d.parties.get(person__name="李二")
    change = lambda mediator: M.dispute_change_mediator(  # noqa: E731
        mworld.township_mediator, dispute_id=d.pk, party_id=li.pk, mediator_id=mediator.pk, reason="与对方熟识")
    err = refused(lambda: change(mworld.township_mediator), InvalidInput, d)
    assert "不能再指定原调解员" in err.message
    refused(lambda: change(mworld.village_mediator), InvalidInput, d)  # not of this committee
    c = change(mworld.township_mediator_2)
    d.refresh_from_db()
    assert d.mediator == mworld.township_mediator_2
    assert (c.party, c.previous, c.mediator, c.reason) == (li, mworld.township_mediator, mworld.township_mediator_2,
                                                           "与对方熟识")
    assert MediatorChange.objects.filter(dispute=d).count() == 1


# -- agreements (Art 28–30) -------------------------------------------------------------------------


def test_a_written_agreement_is_a_draft_until_signed_then_effective_that_day_art_29(mworld):
    """Art 29 ¶2: effective when every party has signed, sealed or thumb-printed, the mediator signed and the seal is on."""
    d = drafted(mworld)
    draft = d.agreement
    assert d.state == "drafted" and draft.is_draft and draft.effective_on is None and d.confirmation_due_on is None
    day = today()
    M.dispute_sign_agreement(mworld.village_mediator, dispute_id=d.pk, mediator_signed=True, sealed=True, on=day,
                             signatures={p.pk: m for p, m in zip(d.parties.all(), ("signed", "thumbprint"))})
    d.refresh_from_db()
    a = Agreement.objects.get(pk=draft.pk)
    assert d.state == "agreed" and d.settled_level == "village"
    assert (a.status, a.effective_on, a.mediator_signed, a.sealed) == ("effective", day, True, True)
    assert sorted(AgreementSignature.objects.filter(agreement=a).values_list("manner", flat=True)) == [
        "signed", "thumbprint"]


def test_signing_needs_every_party_the_mediator_and_the_seal_art_29_2(mworld):
    d = drafted(mworld)
    sign = lambda **kw: M.dispute_sign_agreement(  # noqa: E731
        mworld.village_mediator, dispute_id=d.pk, **{"signatures": all_signed(d), "mediator_signed": True,
                                                     "sealed": True, **kw})
    wang = d.parties.get(person__name="王大").pk
    err = refused(lambda: sign(signatures={wang: "signed"}), InvalidInput, d)
    assert "李二" in err.message and "第二十九条第二款" in err.message
    refused(lambda: sign(signatures={**all_signed(d), wang: "waved"}), InvalidInput, d)
    refused(lambda: sign(mediator_signed=False), InvalidInput, d)
    refused(lambda: sign(sealed=False), InvalidInput, d)
    refused(lambda: sign(signatures={**all_signed(d), 99999: "signed"}), InvalidInput, d)
    sign()


def test_a_draft_states_the_parties_basic_details_art_29_1_1(mworld):
    """Art 29 ¶1(1): the parties' basic details, as the 司法部 model agreement asks (李二 has none yet)."""
    d = mediating(mworld)
    draft = lambda: M.dispute_draft_agreement(  # noqa: E731
        mworld.village_mediator, dispute_id=d.pk, performance_deadline=today(), **DRAFT)
    err = refused(draft, InvalidInput, d)
    assert "李二的性别、年龄或出生日期、职业" in err.message and "王大" not in err.message
    complete_details(mworld, d)
    li = d.parties.get(person__name="李二")
    assert (li.sex, li.age, li.occupation) == ("female", 52, "个体经营")
    event = Event.objects.filter(dispute=d).last()
    assert event.data == {"changed": {str(li.pk): ["sex", "age", "occupation"]}}  # which fields, never the values
    draft()


def test_agreement_needs_terms_and_a_deadline_not_before_it_art_29(mworld):
    """Art 29 ¶1(3): the terms, the manner and deadline of performance."""
    d = mediating(mworld)
    complete_details(mworld, d)
    common = dict(dispute_id=d.pk, facts_responsibility="围墙越界0.3米", performance_manner="自行拆除")
    refused(lambda: M.dispute_draft_agreement(mworld.village_mediator, terms="", performance_deadline=today(),
                                              **common), InvalidInput, d)
    err = refused(lambda: M.dispute_draft_agreement(mworld.village_mediator, terms="拆除", **common,
                                                    performance_deadline=today() - dt.timedelta(days=1)),
                  InvalidInput, d)
    assert "履行期限不能早于" in err.message


def test_drafting_again_replaces_the_draft_and_an_unsigned_draft_is_abandoned_when_mediation_fails(mworld):
    """A failed village mediation with an unsigned draft can still be settled by the township (one live agreement)."""
    d = drafted(mworld)
    first = d.agreement
    M.dispute_draft_agreement(mworld.village_mediator, dispute_id=d.pk, performance_deadline=today(),
                              **{**DRAFT, "terms": "李二拆除越界部分围墙"})
    assert Agreement.objects.filter(dispute=d).count() == 1 and Agreement.objects.get(pk=first.pk).terms == "李二拆除越界部分围墙"
    fail(mworld, Dispute.objects.get(pk=d.pk))
    assert Agreement.objects.get(pk=first.pk).status == "abandoned" and Dispute.objects.get(pk=d.pk).agreement is None
    escalate_to_township(mworld, d)
    M.dispute_record_session(mworld.township_mediator, dispute_id=d.pk, summary="谈妥", attendees="双方")
    M.dispute_draft_agreement(mworld.township_mediator, dispute_id=d.pk, performance_deadline=today(), **DRAFT)
    d = Dispute.objects.get(pk=d.pk)
    M.dispute_sign_agreement(mworld.township_mediator, dispute_id=d.pk, signatures=all_signed(d), mediator_signed=True,
                             sealed=True)
    d.refresh_from_db()
    a = d.agreement
    assert a.pk != first.pk and (a.unit, a.level, a.mediator) == (mworld.town_a_committee, "township",
                                                                  mworld.township_mediator)
    assert d.settled_level == "township"


def test_an_oral_agreement_takes_effect_the_day_it_is_reached_art_28_30(mworld):
    """Art 28: the parties see no need for a document; Art 30: effective the day it is reached."""
    d = mediating(mworld)
    oral = dict(dispute_id=d.pk, terms="李二赔偿100元", performance_manner="当场支付", performance_deadline=today())
    err = refused(lambda: M.dispute_agree_orally(mworld.village_mediator, **oral), InvalidInput, d)
    assert "第二十八条" in err.message
    a = M.dispute_agree_orally(mworld.village_mediator, writing_waived=True, **oral)
    d.refresh_from_db()
    assert (a.form, a.status, a.effective_on, d.state) == ("oral", "effective", today(), "agreed")


# -- the Art 33 window for every agreement -------------------------------------------------------


def test_every_agreement_gets_the_art_33_window_from_its_effective_day_people_mediation_law_art_33(mworld):
    """Art 33: within 30 days (the rule's number) of taking effect, written and oral alike."""
    written = signed(mworld)
    rule = RULES["judicial_confirmation"]
    assert written.agreement.effective_on == today()
    expected = rule.due(today(), current_calendar(), counting())
    assert (written.confirmation_due_on, written.confirmation_provisional) == (expected.on, expected.provisional)
    assert written.confirmation_due_on >= today() + dt.timedelta(days=rule.days)
    d = mediating(mworld)
    M.dispute_agree_orally(mworld.village_mediator, dispute_id=d.pk, terms="李二赔偿100元", performance_manner="当场支付",
                           performance_deadline=today(), writing_waived=True)
    d.refresh_from_db()
    assert (d.confirmation_due_on, d.confirmation_provisional) == (expected.on, expected.provisional)


# -- performance (Art 31, 32) -------------------------------------------------------------------------


def test_performance_is_followed_up_until_performed_art_31(mworld):
    """Art 31: the committee supervises performance, as often as it takes."""
    d = signed(mworld)
    follow = lambda result, note="": M.dispute_record_performance(  # noqa: E731
        mworld.village_mediator, dispute_id=d.pk, result=result, note=note)
    refused(lambda: follow("maybe"), InvalidInput, d)
    follow("in_progress", "已拆除一半")
    follow("in_progress", "仍在拆除")
    assert Dispute.objects.get(pk=d.pk).state == "agreed"
    follow("performed", "已拆除")
    assert Dispute.objects.get(pk=d.pk).state == "performed"
    assert list(PerformanceCheck.objects.filter(dispute=d).values_list("result", flat=True)) == [
        "in_progress", "in_progress", "performed"]
    refused(lambda: follow("performed"), Conflict, d)


def test_an_unperformed_agreement_is_referred_to_court_art_32(mworld):
    """Art 32: a dispute over performance goes to court; the follow-ups end there."""
    d = signed(mworld)
    M.dispute_record_performance(mworld.village_mediator, dispute_id=d.pk, result="court", note="拒不履行")
    assert Dispute.objects.get(pk=d.pk).state == "unperformed"


# -- one event each, no free text about people in events, scope -------------------------------------


def test_every_action_writes_one_event_and_no_free_text_about_people(mworld):
    """DESIGN.md: personal data never goes into an event; reasons and notes stay in their rows."""
    d = mediating(mworld)
    n = Event.objects.filter(dispute=d).count()
    fail(mworld, d, reason="王大情绪激动，拒绝让步")
    escalate_to_township(mworld, d, reason="王大要求上交")
    li = d.parties.get(person__name="李二")
    M.dispute_change_mediator(mworld.township_mediator, dispute_id=d.pk, party_id=li.pk,
                              mediator_id=mworld.township_mediator_2.pk, reason="李二认为调解员偏袒")
    M.dispute_end_by_party(mworld.township_mediator_2, dispute_id=d.pk, party_id=li.pk, reason="李二决定起诉",
                           routes_told=True)
    events = list(Event.objects.filter(dispute=d).order_by("id"))[n:]
    assert [e.verb for e in events] == ["fail", "escalate", "change_mediator", "end_by_party"]
    for e in events:
        text = str(e.data) + str(e.before) + str(e.after)
        assert "王大" not in text and "李二" not in text, e.verb
    assert list(verify_chains()) == []


def test_only_the_handling_units_mediator_acts_and_a_conflicted_mediator_is_out(mworld):
    """Art 19: mediators chosen or assigned; a conflict of interest means another mediator."""
    d = new_dispute(mworld)
    refused(lambda: M.dispute_record_session(mworld.clerk_b, dispute_id=d.pk, summary="x", attendees="y"), NotFound, d)
    M.dispute_declare_conflict(mworld.village_mediator, dispute_id=d.pk, reason="李二是我表兄")
    with pytest.raises(NotFound):
        M.dispute_record_session(mworld.village_mediator, dispute_id=d.pk, summary="x", attendees="y")
