"""Every business action on a grievance case, on the real database: the happy path and the bad input.

信访工作条例 2022 (see /work/shared/law/RULES.md §1). Each refusal is checked
twice: the error says what went wrong (class and ``code``), and nothing was
written (the case row, the events and the other tables are as before).

Dates the law counts are fixed days of 2026 (the holiday schedule for 2026 is
published), so that every due date below can be checked by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casekit import REPLY, UPHELD, case_row, complainant, counts, drive, events_of, last_event, refused, register
from casework.audit.texts import readable
from casework.cases.access import case_get, cases_visible_to, roles_on_case
from casework.cases.actions import (
    PersonData,
    access_code_matches,
    case_accept,
    case_approve_extension,
    case_refuse_extension,
    case_assign,
    case_decide_rereview,
    case_decide_review,
    case_end_hearing,
    case_expire_window,
    case_forward,
    case_merge,
    case_object,
    case_rate,
    case_record_delivery,
    case_record_step,
    case_recuse,
    case_redirect,
    case_reply,
    case_request_extension,
    case_request_rereview,
    case_request_review,
    case_start_hearing,
    case_withdraw,
    cases_close_expired_windows,
)
from casework.cases.errors import Conflict, Forbidden, InvalidInput, NotFound
from casework.cases.models import Attachment, Case, CaseParty, CaseUnit, PartyRole, Recusal

D = dt.date


def today() -> dt.date:
    return timezone.localdate()


CODES = {InvalidInput: "invalid", Conflict: "wrong_state", Forbidden: "forbidden", NotFound: "not_found"}


def refused_with(call, error, *cases):
    err = refused(call, error, *cases)
    assert err.code == CODES[error]
    return err


def person(name="李四", address="甲镇和平村5组", phone=""):
    return PersonData(name=name, address=address, phone=phone)


# -- register (Art 17, 19, 20, 22) ---------------------------------------------------------------


def test_register_creates_the_case_with_a_number_an_access_code_and_the_receipt_clock_xinfang_art_19_22(world):
    """Art 22 ¶1 「予以登记」 and notice within 15 days; Art 21 ¶2 the complainant can look the case up."""
    # given
    before = counts()
    # when
    registered = register(world, received_on=D(2026, 6, 1))
    # then
    case = Case.objects.get(pk=registered.case.pk)
    assert case.state == "registered"
    assert case.number == "T1-2026-00001"
    assert case.current_unit == world.units["town_a_office"]
    assert case.jurisdiction == world.jurisdictions["town_a"]
    assert len(registered.access_code) == 8 and access_code_matches(case, registered.access_code)
    assert registered.access_code not in case.access_code_digest
    assert (case.due_rule, case.due_on) == ("receipt_notice", D(2026, 6, 16))  # 15 days, start day not counted
    assert counts() == {**before, "case": before["case"] + 1, "event": before["event"] + 1,
                        "person": before["person"] + 1, "party": before["party"] + 1,
                        "unit_link": before["unit_link"] + 1}
    party = CaseParty.objects.get(case=case)
    assert (party.person.name, party.person.address, party.role) == ("张三", "甲镇幸福村3组", PartyRole.COMPLAINANT)
    event = last_event(case)
    assert (event.verb, event.actor_id, event.effective_on) == ("register", world.users["clerk_a"].pk, D(2026, 6, 1))
    assert "张三" not in str(event.data)  # personal data stays in Person rows (DESIGN.md, Events)


def test_register_numbers_cases_one_after_another_per_jurisdiction_and_year(world):
    """Case numbers are unique: jurisdiction code, year, a running number."""
    # given
    first = register(world).case
    # when
    second = register(world).case
    other_town = register(world, by="clerk_b", unit="town_b_office").case
    # then
    year = today().year
    assert (first.number, second.number) == (f"T1-{year}-00001", f"T1-{year}-00002")
    assert other_town.number == f"T2-{year}-00001"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"request": ""}, "request"),
        ({"facts_reasons": "   "}, "facts_reasons"),
        ({"request": None}, "request"),
    ],
    ids=["no-request", "no-facts", "request-none"],
)
def test_register_refuses_a_matter_without_request_or_facts_xinfang_art_19(world, overrides, field):
    """Art 19 ¶1: a complaint states its 「请求、事实、理由」; without them nothing is registered.
    (A missing name or address does not stop registration: tests/cases/test_intake_rules.py, Art 22 ¶1, 23 ¶2.)"""
    # given
    before = counts()
    # when
    with pytest.raises(InvalidInput) as err:
        register(world, **overrides)
    # then
    assert (err.value.code, err.value.field) == ("invalid", field)
    assert counts() == before


def test_register_a_group_visit_with_five_representatives_xinfang_art_20(world):
    """Art 20 ¶3: a group visit elects representatives, 「代表人数不得超过5人」: five is allowed."""
    # given
    reps = [person(name=f"代表{i}") for i in range(1, 6)]
    # when
    case = register(world, complainants=reps, group_size=40).case
    # then
    case.refresh_from_db()
    assert case.is_group and case.group_size == 40
    parties = list(CaseParty.objects.filter(case=case).select_related("person"))
    assert [p.person.name for p in parties] == [f"代表{i}" for i in range(1, 6)]
    assert {p.role for p in parties} == {PartyRole.REPRESENTATIVE}


def test_register_refuses_six_representatives_and_writes_nothing_xinfang_art_20(world):
    """Art 20 ¶3: at most five representatives; a sixth is refused and no case, person or event is written."""
    # given
    reps = [person(name=f"代表{i}") for i in range(1, 7)]
    before = counts()
    # when
    with pytest.raises(InvalidInput) as err:
        register(world, complainants=reps, group_size=40)
    # then
    assert err.value.field == "complainants" and "5" in err.value.message
    assert counts() == before


def test_register_refuses_a_group_size_smaller_than_its_representatives(world):
    """The number of people in a group cannot be below the representatives registered."""
    # given
    before = counts()
    # when / then
    with pytest.raises(InvalidInput) as err:
        register(world, complainants=[person(name="甲"), person(name="乙")], group_size=1)
    assert err.value.field == "group_size"
    assert counts() == before


@pytest.mark.parametrize("unit_id", [987654, "abc", None], ids=["no-such-id", "not-a-number", "none"])
def test_register_refuses_an_unknown_unit(world, unit_id):
    """Bad input (DESIGN.md quality bars): an unknown unit is a clear error and writes nothing."""
    # given
    before = counts()
    # when
    with pytest.raises(InvalidInput) as err:
        register(world, unit_id=unit_id)
    # then
    assert err.value.field == "unit_id"
    assert counts() == before


def test_register_refuses_an_inactive_unit(world):
    """A unit that has been closed down takes no new cases."""
    # given
    unit = world.units["town_a_office"]
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    before = counts()
    # when / then
    with pytest.raises(InvalidInput) as err:
        register(world)
    assert err.value.field == "unit_id"
    assert counts() == before


def test_register_refuses_an_unknown_channel_xinfang_art_17(world):
    """Art 17 lists the channels (network, letter, phone, fax, visit); anything else is refused."""
    before = counts()
    with pytest.raises(InvalidInput) as err:
        register(world, channel="pigeon")
    assert err.value.field == "channel"
    assert counts() == before


def test_register_by_someone_who_is_not_a_clerk_of_that_unit_is_forbidden(world):
    """Only the unit's intake clerk registers at that unit (lifecycle table: register)."""
    # given
    before = counts()
    # when / then: the clerk of 乙镇 cannot register at 甲镇, nor can 甲镇's handler
    for by in ("clerk_b", "handler_a", "supervisor", "outsider"):
        with pytest.raises(Forbidden) as err:
            register(world, by=by)
        assert err.value.code == "forbidden"
    assert counts() == before


def test_register_refuses_the_respondent_unit_as_the_registering_unit_xinfang_art_30_3(world):
    """Art 30 ¶3: the unit complained about never handles the complaint, not even at registration."""
    before = counts()
    with pytest.raises(InvalidInput) as err:
        register(world, respondent_unit_ids=[world.units["town_a_office"].pk])
    assert err.value.field == "unit_id"
    assert counts() == before


@pytest.mark.parametrize("ids", [[987654], ["x"], [None]], ids=["no-such-user", "not-a-number", "none"])
def test_register_refuses_an_unknown_respondent_official_and_writes_nothing(world, ids):
    """An unknown id is refused before anything is written; so is a malformed one (fixed: it raised
    ValueError, a 500)."""
    before = counts()
    with pytest.raises(InvalidInput) as err:
        register(world, respondent_official_ids=ids)
    assert err.value.field == "respondent_official_ids"
    assert counts() == before


def test_register_links_the_units_and_officials_complained_about_once_each_xinfang_art_30_3(world):
    """A repeated id is one link; the event names each unit once (the links are inserted, not diffed)."""
    police, official = world.units["county_police"], world.users["county_official"]
    registered = register(world, respondent_unit_ids=[police.pk, police.pk],
                          respondent_official_ids=[official.pk, str(official.pk)])
    case = Case.objects.get(pk=registered.case.pk)
    assert list(case.respondent_units.all()) == [police]
    assert list(case.respondent_officials.all()) == [official]
    assert last_event(case).data["respondent_units"] == [police.pk]
    assert registered.respondent_unit_ids == (police.pk,)


def test_register_stores_the_clock_its_event_replays_to(world):
    """The due date is computed before the case row is written; replaying the stored event agrees."""
    from casework.cases.actions.clocks import cases_recompute_clocks

    for on in (D(2026, 6, 1), D(2025, 9, 20), D(2025, 12, 31)):  # ending in the National Day holiday, a new year
        register(world, received_on=on)
    assert cases_recompute_clocks() == 0


@pytest.mark.parametrize("group_size", ["3", 2.5, 0, -1], ids=["a-string", "a-fraction", "zero", "negative"])
def test_register_refuses_a_malformed_group_size_xinfang_art_20(world, group_size):
    """The group's size is a whole number of people (fixed: a string raised TypeError, a 500)."""
    before = counts()
    with pytest.raises(InvalidInput) as err:
        register(world, group_size=group_size)
    assert err.value.field == "group_size"
    assert counts() == before


def test_register_stores_an_accepted_attachment_xinfang_art_19(world, media_root):
    """Art 19: written materials are kept with the case (in their own rows, never in events)."""
    # given
    scan = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    # when
    case = register(world, attachments=[scan]).case
    # then
    attachment = Attachment.objects.get(case=case)
    assert (attachment.original_name, attachment.content_type, attachment.size) == ("申请书.pdf", "application/pdf", 13)
    assert attachment.file.path.startswith(str(media_root))
    assert last_event(case).data["attachments"] == [attachment.pk]


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("virus.exe", b"MZ....", "类型"),
        ("noextension", b"hello", "类型"),
        ("big.pdf", b"x" * 1025, "超过"),
        ("empty.pdf", b"", "空文件"),
    ],
    ids=["wrong-type", "no-suffix", "oversized", "empty"],
)
def test_register_refuses_a_bad_attachment_and_writes_nothing(world, settings, media_root, name, content, problem):
    """Bad uploads (DESIGN.md quality bars: oversized uploads) are refused before anything is written."""
    # given
    settings.CASEWORK_ATTACHMENT_MAX_BYTES = 1024
    good = SimpleUploadedFile("ok.pdf", b"%PDF", content_type="application/pdf")
    bad = SimpleUploadedFile(name, content)
    before = counts()
    # when
    with pytest.raises(InvalidInput) as err:
        register(world, attachments=[good, bad])
    # then
    assert err.value.field == "attachments" and problem in err.value.message
    assert counts() == before
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


@pytest.mark.parametrize(
    "received_on",
    [lambda: today() + dt.timedelta(days=1), lambda: D(2003, 12, 31), lambda: "2026-06-01"],
    ids=["tomorrow", "before-2004", "a-string"],
)
def test_register_refuses_an_impossible_receipt_date(world, received_on):
    """Impossible dates are refused: the future, and before 2004 (no official holiday schedule to count with)."""
    # given
    before = counts()
    # when
    with pytest.raises(InvalidInput) as err:
        register(world, received_on=received_on())
    # then
    assert err.value.code == "invalid"
    assert counts() == before


def test_register_accepts_a_letter_received_on_an_earlier_day_xinfang_art_22(world):
    """A letter is registered from the day it was received: the 15 days run from then (Art 22 ¶1)."""
    case = register(world, channel="letter", received_on=D(2026, 9, 30)).case
    case.refresh_from_db()
    assert case.received_on == D(2026, 9, 30)
    # 15 calendar days end on 15 October 2026 (a Thursday, after the National Day holiday)
    assert (case.due_rule, case.due_on) == ("receipt_notice", D(2026, 10, 15))


# -- forward and object (Art 22, 23 ¶3, 30 ¶3) ----------------------------------------------------


def test_forward_sends_the_case_to_the_competent_unit_with_5_working_days_to_object_xinfang_art_23_3(world):
    """Art 22 ¶1 forward to the competent organ; Art 23 ¶3 it may object 「5个工作日内」."""
    # given
    case = register(world, received_on=D(2026, 9, 30)).case
    housing = world.units["county_housing"]
    # when
    case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=housing.pk, note="属住建职责", on=D(2026, 9, 30))
    # then
    case.refresh_from_db()
    assert (case.state, case.current_unit_id) == ("forwarded", housing.pk)
    assert CaseUnit.objects.filter(case=case, unit=housing, relation="received").exists()
    event = last_event(case)
    assert (event.verb, event.data["from_unit"], event.data["to_unit"]) == (
        "forward", world.units["town_a_office"].pk, housing.pk)
    # 5 working days after 30 Sep 2026: 8, 9, 10 (a make-up Saturday), 12, 13 October
    assert (case.due_rule, case.due_on) == ("forward_objection", D(2026, 10, 13))


def test_forward_to_the_unit_complained_about_is_refused_xinfang_art_30_3(world):
    """Art 30 ¶3: 「不得将信访人的检举、揭发材料…转给被检举、揭发的人员或者单位」."""
    # given
    police = world.units["county_police"]
    case = register(world, respondent_unit_ids=[police.pk]).case
    # when
    err = refused_with(
        lambda: case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=police.pk), InvalidInput, case)
    # then
    assert err.field == "to_unit_id" and "第三十条第三款" in err.message
    assert Case.objects.get(pk=case.pk).current_unit == world.units["town_a_office"]


@pytest.mark.parametrize("to", ["town_a_office", 987654], ids=["own-unit", "unknown-unit"])
def test_forward_to_its_own_or_an_unknown_unit_is_refused(world, to):
    """A forward names another, existing unit."""
    case = register(world).case
    to_id = world.units[to].pk if isinstance(to, str) else to
    err = refused_with(lambda: case_forward(world.users["clerk_a"], case_id=case.pk, to_unit_id=to_id),
                       InvalidInput, case)
    assert err.field == "to_unit_id"


def test_object_within_5_working_days_sends_the_case_to_the_sender_to_decide_xinfang_art_23_3(world):
    """Art 23 ¶3: the receiving unit objects 「自收到之日起5个工作日内」. Forwarded on 30 Sep 2026, the
    fifth working day is 13 October: 13 calendar days later, because of the National Day holiday. The objection
    takes effect when the sending body agrees (RULES.md §0): until then the sender holds the case to decide."""
    # given
    case = drive(world, "forwarded", on=D(2026, 9, 30))
    # when
    case_object(world.users["housing_handler"], case_id=case.pk, reason="不属本局职责", on=D(2026, 10, 13))
    # then
    case.refresh_from_db()
    assert (case.state, case.current_unit) == ("objected", world.units["town_a_office"])
    assert (last_event(case).verb, readable(last_event(case))["reason"]) == ("object", "不属本局职责")
    # the receiving unit's 15 days from its receipt run on: nothing restarts them
    assert (case.due_rule, case.due_on) == ("receipt_notice", D(2026, 10, 15))


def test_object_after_5_working_days_is_refused_xinfang_art_23_3(world):
    """Art 23 ¶3: after the fifth working day (13 Oct 2026) the objection is too late."""
    # given
    case = drive(world, "forwarded", on=D(2026, 9, 30))
    # when
    err = refused_with(
        lambda: case_object(world.users["housing_handler"], case_id=case.pk, reason="不属本局职责", on=D(2026, 10, 14)),
        InvalidInput, case)
    # then
    assert "2026-10-13" in err.message
    assert Case.objects.get(pk=case.pk).state == "forwarded"


def test_object_without_reasons_is_refused_xinfang_art_23_3(world):
    """Art 23 ¶3: an objection states its reasons."""
    case = drive(world, "forwarded")
    refused_with(lambda: case_object(world.users["housing_handler"], case_id=case.pk, reason=" "), InvalidInput, case)


def test_object_by_the_unit_that_forwarded_is_forbidden(world):
    """Only the receiving unit objects; the sender cannot pull the case back this way."""
    case = drive(world, "forwarded")
    refused_with(lambda: case_object(world.users["handler_a"], case_id=case.pk, reason="收回"), Forbidden, case)


# -- redirect (Art 28 ¶2, 31(1)-(4)) ------------------------------------------------------------


def test_redirect_tells_the_person_the_legal_route_and_stops_the_clocks_xinfang_art_31(world):
    """Art 31(2): arbitration matters go to arbitration; the person is told, and the case leaves the 信访 track."""
    # given
    case = register(world).case
    # when
    case_redirect(world.users["clerk_a"], case_id=case.pk, route="arbitration", reason="劳动争议，应申请劳动仲裁")
    # then
    case.refresh_from_db()
    assert (case.state, case.route, case.due_on, case.due_rule) == ("redirected", "arbitration", None, "")
    assert readable(last_event(case))["reason"] == "劳动争议，应申请劳动仲裁"


@pytest.mark.parametrize("route, reason", [("", "应起诉"), ("court", "应起诉"), (None, "应起诉"), ("litigation", "")],
                         ids=["no-route", "unknown-route", "none", "no-reason"])
def test_redirect_requires_a_route_and_a_reason_xinfang_art_31(world, route, reason):
    """Art 31(1)-(4): the route must be one of the four procedures, and the person is told why."""
    case = register(world).case
    refused_with(lambda: case_redirect(world.users["clerk_a"], case_id=case.pk, route=route, reason=reason),
                 InvalidInput, case)


def test_a_redirected_case_cannot_be_accepted_afterwards(world):
    """Redirected is terminal: the matter left the 信访 track (Art 28 ¶2)."""
    case = drive(world, "redirected")
    refused_with(lambda: case_accept(world.users["handler_a"], case_id=case.pk), Conflict, case)


# -- accept, assign, record (Art 24, 31(6), 34) -------------------------------------------------


def test_accept_starts_the_60_day_handling_clock_xinfang_art_34(world):
    """Art 34: 「自受理之日起60日内办结」. Accepted 1 June 2026, due 31 July 2026."""
    # given
    case = register(world, received_on=D(2026, 6, 1)).case
    # when
    case_accept(world.users["handler_a"], case_id=case.pk, accountable_official_id=world.users["official_a"].pk,
                on=D(2026, 6, 1))
    # then
    case.refresh_from_db()
    assert (case.state, case.due_rule, case.due_on) == ("accepted", "handling", D(2026, 7, 31))
    assert (case.lead_unit, case.accountable_official) == (world.units["town_a_office"], world.users["official_a"])
    assert CaseUnit.objects.filter(case=case, unit=world.units["town_a_office"], relation="lead").exists()


def test_accept_names_only_an_accountable_official_of_the_unit(world):
    """The 包案领导 must hold that role in the unit handling the case."""
    case = register(world).case
    err = refused_with(
        lambda: case_accept(world.users["handler_a"], case_id=case.pk,
                            accountable_official_id=world.users["county_official"].pk),
        InvalidInput, case)
    assert err.field == "accountable_official_id"


def test_accept_by_the_intake_clerk_is_forbidden_xinfang_art_31_6(world):
    """Acceptance as a 信访 matter is the handler's or the head's decision, not the clerk's."""
    case = register(world).case
    refused_with(lambda: case_accept(world.users["clerk_a"], case_id=case.pk), Forbidden, case)


def test_assign_names_co_handling_units_xinfang_art_24(world):
    """Art 24: a matter involving several organs has one lead and co-handling units."""
    # given
    case = drive(world, "accepted")
    housing = world.units["county_housing"]
    # when
    case_assign(world.users["official_a"], case_id=case.pk, accountable_official_id=world.users["official_a"].pk,
                 co_unit_ids=[housing.pk])
    # then
    case.refresh_from_db()
    assert list(case.co_units.all()) == [housing]
    assert CaseUnit.objects.filter(case=case, unit=housing, relation="co").exists()
    assert last_event(case).verb == "assign"


def test_assign_a_respondent_unit_as_co_handler_is_refused_xinfang_art_30_3(world):
    """Art 30 ¶3: the unit complained about does not co-handle the complaint either."""
    police = world.units["county_police"]
    case = drive(world, "accepted", respondent_unit_ids=[police.pk])
    refused_with(lambda: case_assign(world.users["official_a"], case_id=case.pk, co_unit_ids=[police.pk]),
                 InvalidInput, case)


def test_record_step_needs_a_note_and_a_known_kind_xinfang_art_31_6(world):
    """Art 31(6) 调查核实: what was done is recorded; an empty record or unknown kind is refused."""
    case = drive(world, "accepted")
    refused_with(lambda: case_record_step(world.users["handler_a"], case_id=case.pk, note=""), InvalidInput, case)
    refused_with(lambda: case_record_step(world.users["handler_a"], case_id=case.pk, note="走访", kind="raid"),
                 InvalidInput, case)
    # when
    case_record_step(world.users["handler_a"], case_id=case.pk, note="现场查看村道", kind="investigation")
    # then
    assert (last_event(case).verb, last_event(case).data["kind"]) == ("record_step", "investigation")
    assert Case.objects.get(pk=case.pk).state == "accepted"


# -- extension (Art 34) ------------------------------------------------------------------------


@pytest.fixture
def accepted_june(world):
    """A case accepted on 1 June 2026: handling due 31 July 2026 (Art 34)."""
    return drive(world, "accepted", on=D(2026, 6, 1))


@pytest.mark.parametrize("days", [31, 0, -5, "10", 10.0, True, None])
def test_extension_request_over_30_days_or_malformed_is_refused_xinfang_art_34(world, accepted_june, days):
    """Art 34: the extension 「不得超过30日」; anything not a whole number of days from 1 to 30 is refused."""
    refused_with(
        lambda: case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=days, reason="需勘查",
                                       on=D(2026, 6, 10)),
        InvalidInput, accepted_june)


def test_extension_request_needs_reasons_xinfang_art_34(world, accepted_june):
    """Art 34: the complainant is told 「延期理由」, so a request states them."""
    refused_with(
        lambda: case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason=""),
        InvalidInput, accepted_june)


def test_approved_extension_moves_the_handling_due_date_xinfang_art_34(world, accepted_june):
    """Art 34: 「经本机关、单位负责人批准」 the period is extended: 60 + 20 days from 1 June = 20 August 2026."""
    # given
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=20, reason="需现场勘查",
                           on=D(2026, 6, 10))
    pending = Case.objects.get(pk=accepted_june.pk)
    assert (pending.extension_pending_days, pending.due_on) == (20, D(2026, 7, 31))  # not moved before approval
    # when
    case_approve_extension(world.users["official_a"], case_id=accepted_june.pk, on=D(2026, 6, 11))
    # then
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.extension_pending_days, case.extension_days_granted) == (0, 20)
    assert (case.due_rule, case.due_on) == ("handling", D(2026, 8, 20))
    assert last_event(case).data["extension_days"] == 20


def test_second_extension_is_refused_xinfang_art_34(world, accepted_june):
    """Art 34: one extension only, even if the first was shorter than 30 days."""
    # given
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason="需勘查",
                           on=D(2026, 6, 10))
    case_approve_extension(world.users["official_a"], case_id=accepted_june.pk, on=D(2026, 6, 10))
    # when
    err = refused_with(
        lambda: case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=5, reason="再延",
                                       on=D(2026, 6, 20)),
        InvalidInput, accepted_june)
    # then
    assert "第34条" in err.message
    assert Case.objects.get(pk=accepted_june.pk).due_on == D(2026, 8, 10)


def test_extension_request_while_one_is_pending_is_refused_xinfang_art_34(world, accepted_june):
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason="需勘查",
                           on=D(2026, 6, 10))
    err = refused_with(
        lambda: case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=20, reason="改为20日",
                                       on=D(2026, 6, 11)),
        InvalidInput, accepted_june)
    assert "待批准" in err.message


def test_refused_extension_leaves_the_handling_due_date_and_writes_one_event_xinfang_art_34(world, accepted_june):
    """Art 34 「经本机关、单位负责人批准」: the head may refuse, with reasons. The handling period stays 31 July
    2026, nothing is pending any more, one event records the days asked and the reasons; a new request may
    follow (a refused request is not the one extension Art 34 allows)."""
    # given a request for 20 days
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=20, reason="需现场勘查",
                           on=D(2026, 6, 10))
    before = events_of(accepted_june)
    # when
    case_refuse_extension(world.users["official_a"], case_id=accepted_june.pk, reason="现有期限足以办结",
                          on=D(2026, 6, 11))
    # then
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.extension_pending_days, case.extension_days_granted) == (0, 0)
    assert (case.due_rule, case.due_on, case.duty_due_on) == ("handling", D(2026, 7, 31), D(2026, 7, 31))
    assert events_of(case) == before + 1
    assert (last_event(case).verb, readable(last_event(case))) == ("refuse_extension", {"days": 20, "reason": "现有期限足以办结"})
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason="鉴定结论未出",
                           on=D(2026, 6, 20))
    assert Case.objects.get(pk=accepted_june.pk).extension_pending_days == 10


def test_refusing_an_extension_needs_a_reason_a_request_and_the_head_xinfang_art_34(world, accepted_june):
    """Art 34: only the head of the unit decides, only on a pending request, and says why."""
    official, handler = world.users["official_a"], world.users["handler_a"]
    refused_with(lambda: case_refuse_extension(official, case_id=accepted_june.pk, reason="不需要", on=D(2026, 6, 11)),
                 InvalidInput, accepted_june)  # nothing asked for
    case_request_extension(handler, case_id=accepted_june.pk, days=10, reason="需勘查", on=D(2026, 6, 10))
    refused_with(lambda: case_refuse_extension(official, case_id=accepted_june.pk, reason="  ", on=D(2026, 6, 11)), InvalidInput, accepted_june)
    refused_with(lambda: case_refuse_extension(handler, case_id=accepted_june.pk, reason="不需要", on=D(2026, 6, 11)), Forbidden, accepted_june)
    refused_with(lambda: case_refuse_extension(world.users["handler_b"], case_id=accepted_june.pk, reason="不需要", on=D(2026, 6, 11)),
                 NotFound, accepted_june)


def test_approval_of_more_than_requested_or_of_nothing_is_refused_xinfang_art_34(world, accepted_june):
    """The head approves at most what was asked for, and only an actual request."""
    refused_with(lambda: case_approve_extension(world.users["official_a"], case_id=accepted_june.pk),
                 InvalidInput, accepted_june)
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason="需勘查", on=D(2026, 6, 10))
    refused_with(lambda: case_approve_extension(world.users["official_a"], case_id=accepted_june.pk, days=11, on=D(2026, 6, 11)),
                 InvalidInput, accepted_june)


def test_the_handler_cannot_approve_their_own_extension_xinfang_art_34(world, accepted_june):
    """Art 34: approval is by 「本机关、单位负责人」, not by the handler who asked."""
    case_request_extension(world.users["handler_a"], case_id=accepted_june.pk, days=10, reason="需勘查", on=D(2026, 6, 10))
    refused_with(lambda: case_approve_extension(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 6, 11)),
                 Forbidden, accepted_june)


# -- reply (Art 32) ------------------------------------------------------------------------------


def test_reply_issues_the_opinion_and_the_review_window_waits_for_delivery_xinfang_art_32_35(world, accepted_june):
    """Art 32 the 处理意见书; Art 35 review may be requested 「自收到书面答复之日起30日内」: the window opens on
    delivery (10 June → 10 July 2026), not on issue."""
    # when
    case_reply(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 6, 10), **REPLY)
    # then
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.state, case.outcome) == ("replied", "explained")
    assert (case.due_rule, case.due_on, case.reply_received_on) == ("", None, None)
    assert {k: readable(last_event(case))[k] for k in REPLY} == REPLY
    assert last_event(case).data["unit"] == world.units["town_a_office"].pk  # who issued it: review goes above
    # when the delivery in person the same day is recorded
    case_record_delivery(world.users["handler_a"], case_id=case.pk, received_on=D(2026, 6, 10), manner="in_person",
                         on=D(2026, 6, 12))
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.due_rule, case.due_on) == ("review_request", D(2026, 7, 10))


def test_reply_received_later_opens_the_review_window_from_receipt_xinfang_art_35(world, accepted_june):
    """Art 35: the 30 days run from the day the complainant receives the reply (3 June → 3 July 2026)."""
    case_reply(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 6, 1), received_on=D(2026, 6, 3), **REPLY)
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.due_rule, case.due_on) == ("review_request", D(2026, 7, 3))


@pytest.mark.parametrize("missing", ["outcome", "reasons", "opinion", "legal_basis"])
def test_reply_without_outcome_reasons_opinion_or_legal_basis_is_refused_xinfang_art_32(world, accepted_june, missing):
    """Art 32: the 处理意见书 states 「投诉请求、事实和理由、处理意见及其法律法规依据」."""
    params = {**REPLY, missing: ""}
    err = refused_with(lambda: case_reply(world.users["handler_a"], case_id=accepted_june.pk, **params),
                       InvalidInput, accepted_june)
    assert err.code == "invalid"
    assert Case.objects.get(pk=accepted_june.pk).state == "accepted"


@pytest.mark.parametrize("outcome", ["maybe", "partly"])
def test_reply_with_an_outcome_outside_the_three_is_refused_xinfang_art_32(world, accepted_june, outcome):
    """Art 32 (RULES.md §0): 予以支持, 解释说明 or 不予支持: nothing else, and 「部分支持」 is not one of them."""
    params = {**REPLY, "outcome": outcome}
    err = refused_with(lambda: case_reply(world.users["handler_a"], case_id=accepted_june.pk, **params),
                       InvalidInput, accepted_june)
    assert "支持、解释说明或不予支持" in err.message and "第三十二条" in err.message


def test_a_reply_answers_several_requests_one_by_one_xinfang_art_32(world, accepted_june):
    """RULES.md §0: a matter with several requests can carry one outcome per request; the case keeps them
    and its single outcome is blank when they differ."""
    outcomes = [{"request": "修复村道", "outcome": "supported"}, {"request": "赔偿车辆损失", "outcome": "not_supported"}]
    case_reply(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 6, 10), outcomes=outcomes,
               **{k: v for k, v in REPLY.items() if k != "outcome"})
    case = Case.objects.get(pk=accepted_june.pk)
    assert (case.state, case.outcome, case.request_outcomes) == ("replied", "", outcomes)
    assert case.outcomes == [("修复村道", "支持"), ("赔偿车辆损失", "不予支持")]
    assert readable(last_event(case))["outcomes"] == outcomes
    same = [{"request": "修复村道", "outcome": "explained"}, {"request": "安装路灯", "outcome": "explained"}]
    other = drive(world, "accepted", on=D(2026, 6, 1))
    case_reply(world.users["handler_a"], case_id=other.pk, outcomes=same, on=D(2026, 6, 10),
               **{k: v for k, v in REPLY.items() if k != "outcome"})
    assert Case.objects.get(pk=other.pk).outcome == "explained"


def test_a_reply_with_one_request_answered_one_by_one_is_refused_xinfang_art_32(world, accepted_june):
    err = refused_with(
        lambda: case_reply(world.users["handler_a"], case_id=accepted_june.pk, outcome="",
                           outcomes=[{"request": "修复村道", "outcome": "supported"}],
                           **{k: v for k, v in REPLY.items() if k != "outcome"}),
        InvalidInput, accepted_june)
    assert "至少填写两项" in err.message


def test_reply_received_before_it_was_issued_is_refused(world, accepted_june):
    err = refused_with(
        lambda: case_reply(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 6, 10),
                           received_on=D(2026, 6, 9), **REPLY),
        InvalidInput, accepted_june)
    assert err.field == "received_on"


def test_an_action_dated_before_the_previous_step_is_refused(world, accepted_june):
    """Steps are recorded in order: a reply cannot predate the acceptance it answers."""
    err = refused_with(
        lambda: case_reply(world.users["handler_a"], case_id=accepted_june.pk, on=D(2026, 5, 31), **REPLY),
        InvalidInput, accepted_june)
    assert err.field == "on"


# -- review (Art 35) -----------------------------------------------------------------------------


@pytest.fixture
def replied_june(world):
    """Registered, accepted and replied on 1 June 2026: the review window ends 1 July 2026 (Art 35)."""
    return drive(world, "replied", on=D(2026, 6, 1))


def test_review_requested_on_the_last_day_goes_one_level_up_xinfang_art_35(world, replied_june):
    """Art 35: request within 30 days of receipt, to the next higher organ, which decides within 30 days."""
    # when
    case_request_review(complainant(replied_june), case_id=replied_june.pk,
                        review_unit_id=world.units["county_gov"].pk, reason="不服", on=D(2026, 7, 1))
    # then
    case = Case.objects.get(pk=replied_june.pk)
    assert (case.state, case.current_unit) == ("review", world.units["county_gov"])
    assert (case.due_rule, case.due_on) == ("review_decision", D(2026, 7, 31))
    assert CaseUnit.objects.filter(case=case, unit=world.units["county_gov"], relation="review").exists()
    assert (last_event(case).actor_kind, last_event(case).actor_id) == ("complainant", None)


def test_review_requested_after_30_days_is_refused_xinfang_art_35(world, replied_june):
    """Art 35: a request on 2 July 2026, one day after the window, is refused."""
    err = refused_with(
        lambda: case_request_review(complainant(replied_june), case_id=replied_june.pk,
                                    review_unit_id=world.units["county_gov"].pk, reason="不服", on=D(2026, 7, 2)),
        InvalidInput, replied_june)
    assert "2026-07-01" in err.message


def test_review_requested_today_of_a_reply_80_days_old_is_refused_xinfang_art_35(world):
    """Art 35: registered, accepted and replied 80 days ago; a request today is 50 days late."""
    # given
    case = drive(world, "replied", on=today() - dt.timedelta(days=80))
    # when / then
    refused_with(
        lambda: case_request_review(complainant(case), case_id=case.pk,
                                    review_unit_id=world.units["county_gov"].pk, reason="不服"),
        InvalidInput, case)


def test_review_requested_today_of_a_reply_10_days_old_is_accepted_xinfang_art_35(world):
    case = drive(world, "replied", on=today() - dt.timedelta(days=10))
    case_request_review(complainant(case), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                        reason="不服")
    assert Case.objects.get(pk=case.pk).state == "review"


@pytest.mark.parametrize("unit", ["town_b_office", "town_a_office"])
def test_review_by_a_body_that_is_not_higher_is_refused_xinfang_art_35(world, replied_june, unit):
    """Art 35: 「上一级」: a unit of the same township, or of a neighbouring one, does not review."""
    err = refused_with(
        lambda: case_request_review(complainant(replied_june), case_id=replied_june.pk,
                                    review_unit_id=world.units[unit].pk, reason="不服", on=D(2026, 6, 20)),
        InvalidInput, replied_june)
    assert err.field == "review_unit_id"


def test_review_request_needs_the_request_xinfang_art_35(world, replied_june):
    refused_with(
        lambda: case_request_review(complainant(replied_june), case_id=replied_june.pk,
                                    review_unit_id=world.units["county_gov"].pk, reason="", on=D(2026, 6, 20)),
        InvalidInput, replied_june)


def test_review_decision_opens_the_rereview_window_xinfang_art_35_36(world, replied_june):
    """Art 35 the written review opinion; Art 36 ¶1 re-review may be requested within 30 days of it.
    Decided 3 July 2026: the 30th day is Sunday 2 August, so the window ends Monday 3 August
    (民法典 Art 203, the counting setting)."""
    # given
    case_request_review(complainant(replied_june), case_id=replied_june.pk,
                        review_unit_id=world.units["county_gov"].pk, reason="不服", on=D(2026, 6, 20))
    # when
    case_decide_review(world.users["gov_handler"], case_id=replied_june.pk, decision="change",
                       findings="村道损坏属实。", opinion="变更原处理意见：限期修复。", legal_basis="《公路法》第四十三条",
                       on=D(2026, 7, 3))
    # then: the reply's Art 32 outcome stays; the review decision stands beside it
    case = Case.objects.get(pk=replied_june.pk)
    assert (case.state, case.outcome, case.review_decision) == ("reviewed", "explained", "change")
    assert (case.due_rule, case.due_on) == ("rereview_request", D(2026, 8, 3))


def test_review_decision_with_a_receipt_date_in_the_future_is_refused_xinfang_art_36_1(world):
    """Art 36 ¶1: the re-review window runs from receipt of the review opinion; a receipt date in the
    future would stretch the window at will (fixed: it was stored unchecked)."""
    case = drive(world, "review")
    err = refused_with(
        lambda: case_decide_review(world.users["gov_handler"], case_id=case.pk, received_on=D(2099, 1, 1),
                                   **UPHELD),
        InvalidInput, case)
    assert err.field == "received_on"


@pytest.mark.parametrize("missing", ["decision", "findings", "opinion", "legal_basis"])
def test_review_decision_needs_decision_findings_opinion_and_legal_basis_xinfang_art_35(world, missing):
    """Art 35 (RULES.md §0): the body upholds, revokes or changes, 「with its reasons and legal basis, in writing」."""
    case = drive(world, "review")
    err = refused_with(lambda: case_decide_review(world.users["gov_handler"], case_id=case.pk,
                                                  **{**UPHELD, missing: ""}), InvalidInput, case)
    assert err.code == "invalid"


def test_review_decision_by_the_unit_that_gave_the_first_reply_is_forbidden_xinfang_art_35(world):
    """Art 35: the higher organ reviews; the original handler (now visible only as a past unit) cannot."""
    case = drive(world, "review")
    refused_with(lambda: case_decide_review(world.users["handler_a"], case_id=case.pk, **UPHELD), Forbidden, case)


# -- re-review, hearing, final (Art 36) ----------------------------------------------------------


@pytest.fixture
def reviewed_july(world):
    """Reviewed on 6 July 2026 (all steps that day): the re-review window ends 5 August 2026."""
    return drive(world, "reviewed", on=D(2026, 7, 6))


def test_rereview_request_within_30_days_goes_to_the_city_government_xinfang_art_36_1(world, reviewed_july):
    """Art 36 ¶1: request within 30 days of the review opinion; decision within 30 days of receipt."""
    case_request_rereview(complainant(reviewed_july), case_id=reviewed_july.pk,
                          rereview_unit_id=world.units["city_gov"].pk, reason="不服复查意见", on=D(2026, 8, 5))
    case = Case.objects.get(pk=reviewed_july.pk)
    assert (case.state, case.current_unit) == ("rereview", world.units["city_gov"])
    assert (case.due_rule, case.due_on) == ("rereview_decision", D(2026, 9, 4))


def test_rereview_request_after_the_window_is_refused_xinfang_art_36_1(world, reviewed_july):
    refused_with(
        lambda: case_request_rereview(complainant(reviewed_july), case_id=reviewed_july.pk,
                                      rereview_unit_id=world.units["city_gov"].pk, reason="不服",
                                      on=D(2026, 8, 6)),
        InvalidInput, reviewed_july)


def test_rereview_by_the_body_that_reviewed_is_refused_xinfang_art_36_1(world, reviewed_july):
    """Re-review goes up again: the county government that reviewed does not re-review itself."""
    err = refused_with(
        lambda: case_request_rereview(complainant(reviewed_july), case_id=reviewed_july.pk,
                                      rereview_unit_id=world.units["county_gov"].pk, reason="不服",
                                      on=D(2026, 7, 20)),
        InvalidInput, reviewed_july)
    assert err.field == "rereview_unit_id"


def test_hearing_time_is_not_counted_in_the_rereview_period_xinfang_art_36_2(world, reviewed_july):
    """Art 36 ¶2 「听证所需时间不计算在前款规定的期限内」: requested 5 Aug 2026 (due 4 Sep), a hearing
    from 10 to 17 Aug (8 days, both counted) moves the decision's due date to Sat 12 Sep 2026, rolled to
    Mon 14 Sep (民法典 Art 203)."""
    # given
    case_request_rereview(complainant(reviewed_july), case_id=reviewed_july.pk,
                          rereview_unit_id=world.units["city_gov"].pk, reason="不服", on=D(2026, 8, 5))
    # when
    case_start_hearing(world.users["city_gov_handler"], case_id=reviewed_july.pk, note="公开听证", on=D(2026, 8, 10))
    # then: while the hearing runs the clock stands still
    during = Case.objects.get(pk=reviewed_july.pk)
    assert (during.state, during.due_on) == ("hearing", None)
    # when
    case_end_hearing(world.users["city_gov_handler"], case_id=reviewed_july.pk, note="听证结束", on=D(2026, 8, 17))
    # then
    after = Case.objects.get(pk=reviewed_july.pk)
    assert (after.state, after.due_rule, after.due_on) == ("rereview", "rereview_decision", D(2026, 9, 14))


def test_rereview_decision_during_a_hearing_is_refused_xinfang_art_36_2(world):
    """The hearing ends before the re-review opinion is issued."""
    case = drive(world, "hearing")
    refused_with(lambda: case_decide_rereview(world.users["city_gov_handler"], case_id=case.pk, **UPHELD),
                 Conflict, case)


def test_rereview_decision_makes_the_matter_final_xinfang_art_36_3(world):
    """Art 36 ¶3: after 复核, the same facts and reasons are 「不再受理」: nothing moves the case any more."""
    # given
    case = drive(world, "rereview")
    # when
    case_decide_rereview(world.users["city_gov_handler"], case_id=case.pk, **UPHELD)
    # then
    case.refresh_from_db()
    assert (case.state, case.outcome, case.rereview_decision, case.due_on) == ("final", "explained", "uphold", None)
    me = complainant(case)
    refused_with(lambda: case_request_rereview(me, case_id=case.pk, rereview_unit_id=world.units["city_gov"].pk,
                                               reason="再次申请"), Conflict, case)
    refused_with(lambda: case_withdraw(me, case_id=case.pk, reason="撤回"), Conflict, case)
    refused_with(lambda: case_decide_rereview(world.users["city_gov_handler"], case_id=case.pk,
                                              **{**UPHELD, "decision": "change"}), Conflict, case)


def test_rereview_decision_needs_an_opinion_xinfang_art_36_1(world):
    case = drive(world, "rereview")
    refused_with(lambda: case_decide_rereview(world.users["city_gov_handler"], case_id=case.pk,
                                              **{**UPHELD, "opinion": " "}), InvalidInput, case)


# -- merge (Art 19 ¶3) ---------------------------------------------------------------------------


def test_merge_a_resubmission_into_the_case_in_progress_xinfang_art_19_3(world):
    """Art 19 ¶3: a matter already accepted and in its time limit is not accepted again; it joins that case."""
    # given
    original = drive(world, "accepted")
    again = register(world).case
    # when
    case_merge(world.users["clerk_a"], case_id=again.pk, into_case_id=original.pk)
    # then
    again.refresh_from_db()
    assert (again.state, again.merged_into_id, again.due_on) == ("closed", original.pk, None)
    assert last_event(again).data == {"into": original.pk, "into_number": original.number}
    assert Case.objects.get(pk=original.pk).state == "accepted"


@pytest.mark.parametrize("target_state", ["closed", "final", "redirected"])
def test_merge_into_a_closed_case_is_refused_xinfang_art_19_3(world, target_state):
    """Art 19 ¶3 speaks of a matter still in progress; a closed one cannot absorb the new submission."""
    # given
    finished = drive(world, target_state)
    again = register(world).case
    # when
    err = refused_with(lambda: case_merge(world.users["clerk_a"], case_id=again.pk, into_case_id=finished.pk),
                       InvalidInput, again, finished)
    # then
    assert err.field == "into_case_id" and finished.number in err.message


def test_merge_into_itself_is_refused(world):
    case = register(world).case
    refused_with(lambda: case_merge(world.users["clerk_a"], case_id=case.pk, into_case_id=case.pk), InvalidInput, case)


def test_merge_into_a_case_the_clerk_cannot_see_is_not_found(world):
    """The target is fetched through the same scope: a case of another township is not even confirmed to exist."""
    other = register(world, by="clerk_b", unit="town_b_office").case
    case = register(world).case
    err = refused_with(lambda: case_merge(world.users["clerk_a"], case_id=case.pk, into_case_id=other.pk),
                       NotFound, case, other)
    assert other.number not in err.message


def test_merge_after_acceptance_is_refused_xinfang_art_19_3(world):
    """Only a matter still at registration is merged; an accepted one already runs its own course."""
    original = drive(world, "accepted")
    accepted_again = drive(world, "accepted")
    refused_with(lambda: case_merge(world.users["clerk_a"], case_id=accepted_again.pk, into_case_id=original.pk),
                 Conflict, accepted_again, original)


# -- withdraw (Art 19) ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["registered", "accepted", "review", "hearing"])
def test_withdraw_closes_an_open_case_and_stops_its_clocks(world, state):
    """The complainant may withdraw at any open stage; every clock stops."""
    case = drive(world, state)
    case_withdraw(complainant(case), case_id=case.pk, reason="问题已解决")
    case.refresh_from_db()
    assert (case.state, case.due_on, case.due_rule) == ("closed", None, "")
    assert (last_event(case).verb, last_event(case).actor_kind) == ("withdraw", "complainant")


def test_withdraw_needs_a_statement(world):
    case = register(world).case
    refused_with(lambda: case_withdraw(complainant(case), case_id=case.pk, reason=""), InvalidInput, case)


def test_withdraw_of_a_closed_case_is_refused(world):
    case = drive(world, "closed")
    refused_with(lambda: case_withdraw(complainant(case), case_id=case.pk, reason="再撤回"), Conflict, case)


# -- rate (Art 21 ¶2) ----------------------------------------------------------------------------


def test_rate_once_and_never_again_xinfang_art_21_2(world):
    """Art 21 ¶2 「方便信访人查询、评价」: the rating is the complainant's, given once, not changed after."""
    # given
    case = drive(world, "replied")
    # when
    case_rate(complainant(case), case_id=case.pk, satisfaction="basically", comment="基本满意")
    # then
    case.refresh_from_db()
    assert (case.satisfaction, case.state) == ("basically", "replied")
    err = refused_with(lambda: case_rate(complainant(case), case_id=case.pk, satisfaction="satisfied"),
                       InvalidInput, case)
    assert "不能更改" in err.message


def test_rate_before_the_reply_is_refused_xinfang_art_21_2(world):
    """There is nothing to rate before the written opinion."""
    accepted = drive(world, "accepted")
    refused_with(lambda: case_rate(complainant(accepted), case_id=accepted.pk, satisfaction="satisfied"),
                 Conflict, accepted)
    withdrawn_early = drive(world, "registered")
    case_withdraw(complainant(withdrawn_early), case_id=withdrawn_early.pk, reason="撤回")
    refused_with(lambda: case_rate(complainant(withdrawn_early), case_id=withdrawn_early.pk, satisfaction="satisfied"),
                 InvalidInput, withdrawn_early)


def test_rate_by_staff_is_forbidden_and_bad_values_are_refused_xinfang_art_21_2(world):
    """The rating is not editable by staff (DESIGN.md capability 9)."""
    case = drive(world, "replied")
    refused_with(lambda: case_rate(world.users["handler_a"], case_id=case.pk, satisfaction="satisfied"),
                 Forbidden, case)
    refused_with(lambda: case_rate(complainant(case), case_id=case.pk, satisfaction="great"), InvalidInput, case)


# -- the deadline job (Art 35, 36) ---------------------------------------------------------------


def test_expired_review_windows_are_closed_by_the_deadline_job_xinfang_art_35(world):
    """Art 35: no review requested within 30 days: the job closes the case; a fresh reply stays open."""
    # given
    expired = drive(world, "replied", on=today() - dt.timedelta(days=80))
    expired_rereview = drive(world, "reviewed", on=today() - dt.timedelta(days=80))
    fresh = drive(world, "replied")
    # when
    closed = cases_close_expired_windows()
    # then
    assert closed == 2
    for case in (expired, expired_rereview):
        case.refresh_from_db()
        assert (case.state, case.due_on) == ("closed", None)
        event = last_event(case)
        assert (event.verb, event.actor_kind, event.actor_id, event.effective_on) == (
            "expire_window", "system", None, today())
    assert Case.objects.get(pk=fresh.pk).state == "replied"
    assert cases_close_expired_windows() == 0  # nothing left to close


def test_expire_window_before_the_window_ends_is_refused_xinfang_art_35(world):
    case = drive(world, "replied")
    refused_with(lambda: case_expire_window(case_id=case.pk), InvalidInput, case)


def test_expire_window_does_not_touch_a_case_in_handling(world):
    """Only the review and re-review request windows expire; the handling clock escalates, it does not close."""
    case = drive(world, "accepted", on=today() - dt.timedelta(days=80))
    before = case_row(case)
    assert cases_close_expired_windows() == 0
    assert case_row(case) == before
    refused_with(lambda: case_expire_window(case_id=case.pk), Conflict, case)


# -- recusal (Art 28 ¶3) -------------------------------------------------------------------------


def test_recusal_hides_the_case_from_the_recused_user_xinfang_art_28_3(world):
    """Art 28 ¶3 「与信访事项或者信访人有直接利害关系的，应当回避」: the recused handler sees and does nothing more."""
    # given
    case = register(world).case
    handler = world.users["handler_a"]
    assert case in cases_visible_to(handler)
    # when
    case_recuse(handler, case_id=case.pk, reason="信访人是本人亲属")
    # then
    assert case not in cases_visible_to(handler)
    with pytest.raises(NotFound):
        case_get(handler, case_id=case.pk)
    assert roles_on_case(handler, case) == frozenset()
    refused_with(lambda: case_accept(handler, case_id=case.pk), NotFound, case)
    assert case in cases_visible_to(world.users["clerk_a"])  # the others still do
    assert Recusal.objects.filter(case=case, user=handler).count() == 1
    assert (last_event(case).verb, last_event(case).actor_id) == ("recuse", handler.pk)


def test_recusal_needs_a_reason_and_a_staff_member_xinfang_art_28_3(world):
    case = register(world).case
    refused_with(lambda: case_recuse(world.users["handler_a"], case_id=case.pk, reason=""), InvalidInput, case)
    refused_with(lambda: case_recuse(complainant(case), case_id=case.pk, reason="不想"), Forbidden, case)


def test_recusal_of_a_case_one_cannot_see_is_not_found(world):
    case = register(world).case
    err = refused_with(lambda: case_recuse(world.users["clerk_b"], case_id=case.pk, reason="亲属"), NotFound, case)
    assert case.number not in err.message
    assert events_of(case) == 1
