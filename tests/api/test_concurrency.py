"""Registrations racing each other through the API, on PostgreSQL (row locks, real concurrent transactions).

Case numbers stay gapless and unique per jurisdiction, every event chain verifies, and a key sent
twice at once makes one case. SQLite runs one writer at a time (BEGIN IMMEDIATE): nothing races there.
"""

import json
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client

from casework.api.models import ApiToken, IdempotencyRecord
from casework.audit.chain import verify_chains
from casework.audit.models import Event, EventChain
from casework.cases.models import Case, CaseParty, CaseUnit

THREADS = 6
PER_THREAD = 8


def _body(unit_id, n):
    return {
        "unit_id": unit_id, "channel": "api", "request": f"请求解决第{n}件事", "facts_reasons": "事实和理由。",
        "complainants": [{"name": f"信访人{n}", "address": "甲镇和平村5组"}],
    }


def test_concurrent_registrations_number_without_gaps_and_keep_every_chain_whole(transactional_db, world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    clerks = [(ApiToken.issue(world.users[u], "race")[1], world.units[unit].pk)
              for u, unit in (("clerk_a", "town_a_office"), ("clerk_b", "town_b_office"))]
    answers: list[tuple[str, int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(t):
        try:
            client = Client()
            start.wait()
            for i in range(PER_THREAD):
                # threads 0 and 1 send the same requests with the same keys at the same time
                token, unit_id = clerks[(i if t < 2 else t + i) % 2]
                key = f"shared-{i}" if t < 2 else f"t{t}-{i}"
                r = client.post("/api/v1/cases", data=json.dumps(_body(unit_id, i if t < 2 else t * 100 + i)),
                                content_type="application/json",
                                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
                with lock:
                    answers.append((key, r.status_code, r.json()))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    assert not errors, errors
    assert all(status == 201 for _, status, _ in answers), [a for a in answers if a[1] != 201][:3]
    by_key: dict[str, set[int]] = {}
    for key, _, body in answers:
        by_key.setdefault(key, set()).add(body["id"])
    assert all(len(ids) == 1 for ids in by_key.values())  # the same key answered with the same case
    expected = (THREADS - 1) * PER_THREAD  # threads 0 and 1 share their keys
    assert Case.objects.count() == len(by_key) == expected
    assert IdempotencyRecord.objects.count() == expected
    per_jurisdiction = Counter(Case.objects.values_list("jurisdiction_id", flat=True))
    for jid, n in per_jurisdiction.items():
        numbers = sorted(int(x.rsplit("-", 1)[1]) for x in Case.objects.filter(jurisdiction_id=jid)
                         .values_list("number", flat=True))
        assert numbers == list(range(1, n + 1))  # no gap, no duplicate
        assert sorted(Event.objects.filter(jurisdiction_id=jid).values_list("seq", flat=True)) == list(range(1, n + 1))
        assert EventChain.objects.get(pk=jid).length == n
    assert list(verify_chains()) == []
    assert CaseParty.objects.count() == CaseUnit.objects.count() == expected


def test_registrations_racing_other_actions_on_the_same_chain_keep_it_whole(transactional_db, world):
    """The registration's row-inserting statement also locks the chain head (casework.rows fetch); other
    actions of the jurisdiction lock it in event_append. Racing both, every seq is taken once, in order."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    from casework.cases.actions import PersonData, case_forward, case_register

    clerk, office, housing = world.users["clerk_a"], world.units["town_a_office"], world.units["county_housing"]

    def register_one(n):
        return case_register(clerk, unit_id=office.pk, channel="visit", request=f"请求{n}", facts_reasons="事实。",
                             complainants=[PersonData(name=f"信访人{n}", address="甲镇")]).case

    waiting = [register_one(n).pk for n in range(PER_THREAD * 2)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(t):
        try:
            start.wait()
            for i in range(PER_THREAD):
                if t < 2:
                    register_one(1000 + t * 100 + i)
                else:
                    case_forward(clerk, case_id=waiting[(t - 2) * PER_THREAD + i], to_unit_id=housing.pk, note="转送")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    assert not errors, errors
    jid = office.jurisdiction_id
    total = len(waiting) + 2 * PER_THREAD + 2 * PER_THREAD  # registrations before, registrations and forwards during
    assert sorted(Event.objects.filter(jurisdiction_id=jid).values_list("seq", flat=True)) == list(range(1, total + 1))
    assert EventChain.objects.get(pk=jid).length == total
    assert list(verify_chains()) == []
