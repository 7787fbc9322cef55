"""Retention: closed cases past CASEWORK_RETENTION_DAYS anonymised (PIPL Art 19, 47): people, attachments, free
text, issued documents; the related-case index without them; the event chain still verifying."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from casework.audit.chain import verify_chains
from casework.audit.models import Event
from casework.cases.actions import PersonData
from casework.cases.actions.retention import ANONYMISED, case_anonymise
from casework.cases.errors import Conflict
from casework.cases.models import Attachment, Case, Person
from casework.documents.models import IssuedDocument
from casework.insight.service import related_cases, reset_related_index
from tests.cases import files as F
from tests.cases.casekit import counts, step
from tests.conftest import register

NAME, ADDRESS, PHONE = "欧阳明月", "甲镇杏花村十一组88号", "13912345678"
FACTS = "杏花村十一组至镇中学的村道塌方两处，欧阳明月之子上学每天绕行五公里，雨天无法通行，多次反映无果。"
REQUEST = "请求尽快修复杏花村十一组塌方村道"
WITHDRAW_REASON = "已与杏花村村委会协商解决"


def dump() -> str:
    """Every row of every table, as the database holds it."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out.append(json.dumps(cursor.fetchall(), default=str, ensure_ascii=False))
    return "\n".join(out)


@pytest.fixture
def closed(world):
    """A case closed today: replied (a 处理意见书 issued), then withdrawn with a reason; a photo attached."""
    case = register(world, complainants=[PersonData(NAME, ADDRESS, PHONE)], request=REQUEST, facts_reasons=FACTS,
                    title="杏花村村道塌方", attachments=[F.upload("欧阳明月-现场.png", F.image("PNG"))]).case
    for name in ("accept", "reply"):
        step(world, case, name)
    from casework.cases.actions import case_withdraw
    from tests.cases.casekit import complainant

    case_withdraw(complainant(case), case_id=case.pk, reason=WITHDRAW_REASON)
    return Case.objects.get(pk=case.pk)


def later(days: int = 0) -> str:
    from django.conf import settings

    return (timezone.localdate() + dt.timedelta(days=settings.CASEWORK_RETENTION_DAYS + days)).isoformat()


def test_the_dry_run_lists_the_case_and_changes_nothing(world, closed, capsys):
    # given
    before, rows = counts(), dump()
    # when
    call_command("anonymise_closed", "--dry-run", "--today", later(1))
    # then
    assert closed.number in capsys.readouterr().out
    assert counts() == before and dump() == rows


def test_a_case_not_yet_past_retention_is_left_alone(world, closed):
    before = counts()
    call_command("anonymise_closed", "--today", later(-1))
    assert counts() == before and Case.objects.get(pk=closed.pk).anonymised_at is None


def test_an_open_case_is_never_anonymised(world, closed):
    case = register(world).case
    with pytest.raises(Conflict):
        case_anonymise(case_id=case.pk, today=dt.date.fromisoformat(later(1)))


def test_anonymising_leaves_no_personal_data_and_a_verifying_chain_pipl_art_47(
        world, closed, django_capture_on_commit_callbacks):
    # given: the text is in the related-case index and the rows
    assert IssuedDocument.objects.filter(case=closed).exclude(content=None).exists()
    files = [Path(a.file.path) for a in Attachment.objects.filter(case=closed)]
    assert files and all(f.exists() for f in files)
    reset_related_index()
    assert [r.case.pk for r in related_cases(world.supervisor, facts_reasons=FACTS)] == [closed.pk]
    events_before = Event.objects.filter(case=closed).count()
    # when
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the transaction commits
        call_command("anonymise_closed", "--today", later(1))
    # then: the people, the attachments (files too), the free text are gone from every table
    case = Case.objects.get(pk=closed.pk)
    assert case.anonymised_at and (case.title, case.request, case.facts_reasons) == (ANONYMISED,) * 3
    person = Person.objects.get(case_parties__case=case)
    assert (person.name, person.address, person.phone, person.name_index, person.phone_index) == (
        ANONYMISED, "", "", person.name_index, "")
    assert not Attachment.objects.filter(case=case).exists() and not any(f.exists() for f in files)
    rows = dump()
    for secret in (NAME, ADDRESS, PHONE, "杏花村", "塌方", WITHDRAW_REASON, "欧阳明月-现场",
                   "由村委会组织临时修补"):  # the reply's opinion, in an EventText row and the document's content
        assert secret not in rows, secret
    assert not IssuedDocument.objects.filter(case=case).exclude(content=None).exists()
    # the index no longer finds it (in this process or any other: it rebuilds on the next query)
    assert related_cases(world.supervisor, facts_reasons=FACTS) == []
    # one event, with counts and nothing else; the chain verifies
    new = list(Event.objects.filter(case=case).order_by("id")[events_before:])
    assert [e.verb for e in new] == ["anonymise"] and new[0].actor_id is None
    assert set(new[0].data) == {"retention_days", "people", "attachments", "texts", "documents"}
    assert list(verify_chains()) == []
    out = json.dumps([e.data for e in new], ensure_ascii=False)
    assert NAME not in out and "杏花村" not in out
    # a second run finds nothing to do
    before = counts()
    call_command("anonymise_closed", "--today", later(1))
    assert counts() == before


def test_its_documents_are_no_longer_printed(world, closed, client):
    call_command("anonymise_closed", "--today", later(1))
    client.force_login(world.clerk_a)
    assert client.get(f"/cases/{closed.pk}/documents/receipt.pdf").status_code == 404
    assert "documents/" not in client.get(f"/cases/{closed.pk}/").content.decode()


def test_routing_models_are_retrained_without_anonymised_cases_and_older_versions_go(world):
    # given: a model trained on 24 closed cases
    from casework.insight import training
    from casework.insight.models import RouterModel
    from tests.insight.test_insight_product import closed_cases

    made = closed_cases(world)
    training.router_train(world.province, evaluate_holdout=False, n_jobs=1)
    started = timezone.now()
    # when: eight of them are anonymised, and the job rebuilds what was fitted on their text
    for case in made[:8]:
        case_anonymise(case_id=case.pk, today=dt.date.fromisoformat(later(1)))
    assert training.routers_forget_anonymised(started) == 1
    # then: one model left, trained on the 16 others; the one fitted on their text is gone
    assert list(RouterModel.objects.values_list("version", "active", "n_cases")) == [(2, True, 16)]
    assert list(verify_chains()) == []


def test_texts_a_transition_changes_are_kept_out_of_the_event_and_erased_too(world):
    # given: a reply answering two requests one by one (Art 32), and who is complained about corrected in words
    from casework.cases.actions import case_reply, case_set_respondents, case_withdraw
    from tests.cases.casekit import REPLY, complainant

    case = register(world, complainants=[PersonData(NAME, ADDRESS, PHONE)]).case
    step(world, case, "accept")
    case_set_respondents(world.handler_a, case_id=case.pk, respondent_text="杏花村村主任欧阳大山",
                         reason="信访人补充说明")
    case_reply(world.handler_a, case_id=case.pk, outcome="",
               outcomes=[{"request": "修复杏花村塌方村道", "outcome": "supported"},
                         {"request": "赔偿欧阳明月误工费", "outcome": "not_supported"}],
               **{k: v for k, v in REPLY.items() if k != "outcome"})
    case_withdraw(complainant(case), case_id=case.pk, reason=WITHDRAW_REASON)
    events = json.dumps(list(Event.objects.filter(case=case).values_list("before", "after", "data")),
                        ensure_ascii=False)
    assert "欧阳大山" not in events and "塌方" not in events and "误工费" not in events  # references only
    assert Case.objects.get(pk=case.pk).request_outcomes[1]["request"] == "赔偿欧阳明月误工费"
    # when
    call_command("anonymise_closed", "--today", later(1))
    # then
    rows = dump()
    assert "欧阳大山" not in rows and "塌方" not in rows and "误工费" not in rows
    assert list(verify_chains()) == []
