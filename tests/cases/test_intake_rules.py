"""A matter as it arrives, and how it leaves by withdrawal, on the real database.

信访工作条例 2022 as RULES.md §0 reads it: the five-representative limit binds group
visits only (Art 20 ¶3); a matter without a clear name or address is registered and
only the written notice lapses (Art 22 ¶1, 23 ¶2); withdrawal is the complainant's
act. Every refusal leaves every table as it was (``refused``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casekit import complainant, counts, drive, last_event, refused, register
from casework.audit.texts import readable
from casework.audit.models import Event
from casework.cases.actions import (
    PersonData, case_forward, case_record_withdrawal, case_refresh_clocks, case_withdraw, clocks_for_case,
)
from casework.cases.errors import Forbidden, InvalidInput
from casework.cases.models import Attachment, Case, CaseParty, PartyRole
from casework.cases.selectors import urgency_q
from casework.rules.clocks import ClockState
from casework.rules.intake import MAX_REPRESENTATIVES
from casework.rules.lifecycle import State

ART_20_MESSAGE = f"代表人不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条第三款）"


def people(n: int) -> list[PersonData]:
    return [PersonData(name=f"村民{i}", address=f"甲镇幸福村{i}组") for i in range(1, n + 1)]


def letter(name="撤回书.pdf", content=b"%PDF-1.4 signed by the complainant"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# -- Art 20 ¶3: five representatives, for group visits only ----------------------------------------


def test_a_group_visit_with_six_representatives_is_refused_with_the_article_xinfang_art_20_3(world):
    """Art 20 ¶3 「代表人数不得超过5人」: the sixth representative of a visit is refused, naming the
    article, and nothing is written."""
    err = refused(lambda: register(world, channel="visit", complainants=people(MAX_REPRESENTATIVES + 1),
                                   group_size=40), InvalidInput)
    assert (err.message, err.field) == (ART_20_MESSAGE, "complainants")


@pytest.mark.parametrize("channel", ["letter", "fax", "web", "phone"])
def test_a_matter_signed_by_many_is_registered_with_every_signatory_xinfang_art_20_3(world, channel):
    """Art 20 ¶3 limits the representatives of a group *visit*; a letter signed by many carries any
    number of signatures (RULES.md §0), each a complainant in their own name."""
    # given
    signatories = people(12)
    # when
    case = register(world, channel=channel, complainants=signatories, group_size=30).case
    # then
    case.refresh_from_db()
    parties = list(CaseParty.objects.filter(case=case).select_related("person"))
    assert [p.person.name for p in parties] == [p.name for p in signatories]
    assert {p.role for p in parties} == {PartyRole.COMPLAINANT}
    assert case.is_group and case.group_size == 30


def test_the_representatives_of_a_group_visit_are_its_representatives_xinfang_art_20_3(world):
    case = register(world, channel="visit", complainants=people(MAX_REPRESENTATIVES), group_size=60).case
    assert set(CaseParty.objects.filter(case=case).values_list("role", flat=True)) == {PartyRole.REPRESENTATIVE}


# -- Art 22 ¶1, 23 ¶2: a matter without a clear name or address ------------------------------------


UNCLEAR = {
    "no-name": [PersonData(name="", address="甲镇幸福村3组")],
    "no-address": [PersonData(name="张三", address="  ")],
    "nobody": [],
    "group-none-clear": [PersonData(name="李四", address=""), PersonData(name="", address="甲镇")],
}


@pytest.mark.parametrize("who", list(UNCLEAR), ids=list(UNCLEAR))
def test_a_matter_without_a_clear_name_or_address_is_registered_without_a_notice_clock_xinfang_art_22_23(world, who):
    """Art 22 ¶1 registers every matter; Art 23 ¶2 drops only the written notice 「信访人的姓名（名称）、
    住址不清的」: the receipt-notice clock is not applicable, so nothing calls the case overdue for it."""
    # given
    received = timezone.localdate() - dt.timedelta(days=40)
    # when
    case = register(world, complainants=UNCLEAR[who], received_on=received).case
    # then: registered with its parties, an access code and its event
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.REGISTERED and case.number
    assert CaseParty.objects.filter(case=case).count() == max(len(UNCLEAR[who]), 1)
    assert Event.objects.get(case=case).data["written_notice"] is False
    # the notice clock does not run, and no due date stands in for it
    notice = [c for c in clocks_for_case(case) if c.name == "receipt_notice"]
    assert [(c.state, c.due) for c in notice] == [(ClockState.NOT_APPLICABLE, None)]
    assert (case.due_on, case.due_rule) == (None, "")
    assert not Case.objects.filter(urgency_q("overdue", timezone.localdate()), pk=case.pk).exists()
    # replaying the events gives the same
    assert case_refresh_clocks(case) is False


def test_a_matter_forwarded_without_a_clear_address_owes_no_notice_at_the_receiving_unit_either_xinfang_art_23(world):
    """Art 23 ¶2–3: the receiving unit's notice of receipt is written notice too; it lapses with no address."""
    case = register(world, complainants=[PersonData(name="王五", address="")]).case
    case_forward(world.clerk_a, case_id=case.pk, to_unit_id=world.county_housing.pk)
    case.refresh_from_db()
    states = {c.name: c.state for c in clocks_for_case(case)}
    assert states == {"receipt_notice": ClockState.NOT_APPLICABLE, "forward_objection": ClockState.RUNNING}
    assert case.due_rule == "forward_objection"


def test_a_group_with_one_representative_who_can_be_written_to_is_owed_the_notice_xinfang_art_23_2(world):
    """The notice lapses only when no complainant can be written to."""
    on = dt.date(2026, 6, 1)
    case = register(world, complainants=[PersonData("", "甲镇"), PersonData("赵六", "甲镇和平村5组")],
                    received_on=on).case
    case.refresh_from_db()
    assert (case.due_rule, case.due_on) == ("receipt_notice", dt.date(2026, 6, 16))
    assert "written_notice" not in Event.objects.get(case=case).data


def test_a_clear_name_and_address_keep_the_fifteen_day_notice_xinfang_art_23_2(world):
    case = register(world, received_on=dt.date(2026, 6, 1)).case
    case.refresh_from_db()
    assert (case.due_rule, case.due_on) == ("receipt_notice", dt.date(2026, 6, 16))


def test_the_supervision_board_does_not_call_an_unclear_matter_overdue_for_its_notice_xinfang_art_23_2(world, client):
    """Same day, same unit: the matter with an address is overdue for its notice, the one without is not."""
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    known = register(world, received_on=long_ago).case
    unknown = register(world, complainants=[PersonData("", "")], received_on=long_ago).case
    client.force_login(world.supervisor)
    board = client.get("/supervision/").content.decode()
    assert known.number in board and unknown.number not in board


# -- withdrawal is the complainant's act -----------------------------------------------------------


@pytest.mark.parametrize("staff", ["clerk_a", "handler_a"])
def test_staff_cannot_close_a_case_as_withdrawn_on_their_own_word_xinfang_art_19(world, staff):
    """Withdrawal is the complainant's act: staff saying so is refused, with what they may do instead,
    and nothing changes."""
    case = drive(world, "accepted")
    err = refused(lambda: case_withdraw(world.users[staff], case_id=case.pk, reason="信访人电话说不用办了"),
                  Forbidden, case)
    assert "信访人本人" in err.message and "撤回书" in err.message


def test_staff_record_a_withdrawal_only_with_the_scan_of_the_signed_letter_xinfang_art_19(world, media_root):
    """Without the scan of the complainant's signed letter, nothing is recorded and no file is written."""
    case = drive(world, "accepted")
    err = refused(lambda: case_record_withdrawal(world.handler_a, case_id=case.pk, reason="信访人来信撤回",
                                                 letter=None), InvalidInput, case)
    assert "撤回书" in err.message
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_refused_recording_writes_no_file_xinfang_art_19(world, media_root):
    """The state is checked before the scan is stored: a closed case gets nothing, not even a file."""
    case = drive(world, "closed")
    refused(lambda: case_record_withdrawal(world.clerk_a, case_id=case.pk, reason="来信撤回", letter=letter()),
            Exception, case)
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_withdrawal_by_signed_letter_is_recorded_with_its_scan_and_closes_the_case_xinfang_art_19(world, media_root):
    # given
    case = drive(world, "accepted")
    before = counts()
    # when
    case_record_withdrawal(world.clerk_a, case_id=case.pk, reason="信访人来信：问题已解决，申请撤回",
                           letter=letter(), on=timezone.localdate())
    # then
    case.refresh_from_db()
    event = last_event(case)
    scan = Attachment.objects.get(case=case)
    assert case.state == State.CLOSED and (case.due_on, case.due_rule) == (None, "")
    assert (event.verb, event.actor_kind, event.actor_id) == ("record_withdrawal", "staff", world.clerk_a.pk)
    assert readable(event) == {"reason": "信访人来信：问题已解决，申请撤回", "letter": scan.pk}
    assert scan.original_name == "撤回书.pdf" and scan.file.read().startswith(b"%PDF")
    assert counts() == {**before, "event": before["event"] + 1, "attachment": before["attachment"] + 1}


def test_the_letter_must_be_a_scan_the_office_accepts(world, media_root):
    case = drive(world, "registered")
    err = refused(lambda: case_record_withdrawal(world.clerk_a, case_id=case.pk, reason="来信撤回",
                                                 letter=letter("撤回书.exe", b"MZ")), InvalidInput, case)
    assert err.field == "letter"


def test_the_complainant_withdraws_on_their_own_and_cannot_use_the_staff_record(world):
    """The complainant's own act needs no letter; recording a letter is for staff."""
    case = drive(world, "replied")
    refused(lambda: case_record_withdrawal(complainant(case), case_id=case.pk, reason="撤回", letter=letter()),
            Forbidden, case)
    case_withdraw(complainant(case), case_id=case.pk, reason="已与村委会协商解决")
    case.refresh_from_db()
    assert case.state == State.CLOSED and last_event(case).actor_kind == "complainant"
