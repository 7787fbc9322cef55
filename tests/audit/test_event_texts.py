"""Free text about people stays out of the permanent record (issue 12 item 4; DESIGN.md "Events").

A staff note, a reason, an opinion is stored beside its event (``EventText``); the event holds a reference and a
keyed digest. So the text can be withheld (Art 30 ¶3) and erased when a closed case is anonymised (PIPL Art 47)
while the chain still verifies, and an edit of the text behind the event's back is still caught.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from casework.audit.chain import verify_chains
from casework.audit.models import Event, EventText
from casework.audit.texts import readable
from casework.cases.actions import case_accept, case_record_step
from tests.conftest import register

NOTE = "走访欧阳明月家，其邻居王五称路面塌陷"


@pytest.fixture
def noted(world):
    case = register(world).case
    case_accept(world.users["handler_a"], case_id=case.pk)
    case_record_step(world.users["handler_a"], case_id=case.pk, kind="investigation", note=NOTE)
    event = Event.objects.get(case=case, verb="record_step")
    return case, event


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_events", stdout=out, stderr=err)
    except SystemExit as e:
        return int(e.code), err.getvalue()
    return 0, out.getvalue()


def test_the_note_is_kept_beside_its_event_never_in_it_xinfang_art_30_3(noted):
    case, event = noted
    with connection.cursor() as c:
        c.execute(f"SELECT * FROM {Event._meta.db_table}")
        stored = json.dumps([[str(v) for v in row] for row in c.fetchall()], ensure_ascii=False)
    assert NOTE not in stored and "王五" not in stored
    ref = event.data["note"]
    assert set(ref) == {"text_id", "digest"}
    assert EventText.objects.get(pk=ref["text_id"]).text == NOTE
    assert readable(event)["note"] == NOTE


def test_anonymising_a_text_leaves_the_chain_verifying_pipl_art_47(noted):
    # given
    _, event = noted
    # when: the text and its salt are erased, as the retention command does
    EventText.objects.filter(pk=event.data["note"]["text_id"]).update(text="", salt="", anonymised_at=timezone.now())
    # then
    assert list(verify_chains()) == []
    assert _verify()[0] == 0
    assert readable(Event.objects.get(pk=event.pk))["note"] == ""


def test_a_text_edited_behind_its_event_is_caught(noted):
    # given
    _, event = noted
    assert _verify()[0] == 0
    # when
    EventText.objects.filter(pk=event.data["note"]["text_id"]).update(text="走访，无异常")
    # then
    faults = list(verify_chains())
    assert len(faults) == 1 and faults[0].event_id == event.pk and "does not match the digest" in faults[0].problem
    code, message = _verify()
    assert code == 1 and "does not match the digest" in message


def test_a_text_deleted_behind_its_event_is_caught(noted):
    _, event = noted
    EventText.objects.filter(pk=event.data["note"]["text_id"]).delete()
    faults = list(verify_chains())
    assert len(faults) == 1 and faults[0].event_id == event.pk
