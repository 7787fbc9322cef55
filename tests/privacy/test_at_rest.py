"""Secrets and personal data at rest (issue 13 items 4, 5; PIPL Art 51): what the database's own columns hold."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from casework.api.models import ApiToken, IdempotencyRecord
from casework.cases.actions import PersonData, access_code_matches
from casework.cases.models import Case, Person
from casework.cases.selectors import CaseFilters, cases_search
from casework.privacy import codes, keys
from tests.conftest import register

PHONE, ADDRESS, NAME = "13912345678", "甲镇幸福村3组12号", "李秀英"


def raw_rows(table: str) -> str:
    """Everything a table holds, as the database returns it (no field decrypts anything)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return json.dumps(cursor.fetchall(), default=str, ensure_ascii=False)


def test_names_addresses_and_phones_are_not_in_the_person_table_in_clear_pipl_art_51(world):
    # given
    case = register(world, complainants=[PersonData(NAME, ADDRESS, PHONE)]).case
    # when
    stored = raw_rows("cases_person")
    # then
    assert NAME not in stored and ADDRESS not in stored and PHONE not in stored and "幸福村" not in stored
    person = Person.objects.get(case_parties__case=case)
    assert (person.name, person.address, person.phone) == (NAME, ADDRESS, PHONE)  # the model decrypts


def test_the_access_code_is_nowhere_in_clear_and_its_digest_is_keyed_and_slow(world, settings):
    # given
    settings.CASEWORK_ACCESS_CODE_WORK = 12
    r = register(world)
    # when
    digest = Case.objects.get(pk=r.case.pk).access_code_digest
    # then: scrypt with N=2**12, salted by the index key; the code opens the case, nothing else does
    assert digest.startswith("s1$12$") and r.access_code not in raw_rows("cases_case")
    assert access_code_matches(r.case, r.access_code) and access_code_matches(r.case, r.access_code.lower())
    assert not access_code_matches(r.case, "AAAAAAAA") and not access_code_matches(r.case, "")
    settings.CASEWORK_INDEX_KEY = "another-index-key-of-at-least-32-characters"
    assert not access_code_matches(r.case, r.access_code)  # a copy of the database without the pepper guesses nothing


def test_a_digest_from_before_keeps_opening_its_case_once_wrapped(world):
    # given: a digest as they were (HMAC-SHA256 under SECRET_KEY), wrapped as migration cases.0011 does
    r = register(world)
    old = codes.legacy_hmac(r.case.number, r.access_code)
    Case.objects.filter(pk=r.case.pk).update(access_code_digest=codes.wrap_legacy(r.case.number, old))
    case = Case.objects.get(pk=r.case.pk)
    # then
    assert case.access_code_digest.startswith("s0$") and old not in case.access_code_digest
    assert access_code_matches(case, r.access_code) and not access_code_matches(case, "AAAAAAAA")


def test_an_idempotent_registration_keeps_its_answer_encrypted_and_replays_it(world, client):
    # given
    _, token = ApiToken.issue(world.clerk_a, "test")
    body = {"unit_id": world.town_a_office.pk, "channel": "letter", "request": "请求修复村道",
            "facts_reasons": "村道损坏", "complainants": [{"name": NAME, "address": ADDRESS, "phone": PHONE}]}
    post = lambda: client.post("/api/v1/cases", body, content_type="application/json",  # noqa: E731
                               headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    # when
    first, again = post(), post()
    # then
    assert first.status_code == 201 and again.json() == first.json()
    code = first.json()["access_code"]
    stored = raw_rows("api_idempotencyrecord")
    assert code not in stored and PHONE not in stored and NAME not in stored
    assert Case.objects.count() == 1


def test_an_idempotency_answer_past_its_time_is_not_replayed_and_is_purged(world, client, settings):
    # given
    _, token = ApiToken.issue(world.clerk_a, "test")
    body = {"unit_id": world.town_a_office.pk, "channel": "letter", "request": "请求修复村道",
            "facts_reasons": "村道损坏", "complainants": [{"name": NAME, "address": ADDRESS, "phone": PHONE}]}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/cases", body, content_type="application/json", headers=headers).status_code == 201
    # when: the time limit has passed
    settings.CASEWORK_IDEMPOTENCY_TTL = -1
    again = client.post("/api/v1/cases", body, content_type="application/json", headers=headers)
    # then: told so, nothing created; the daily job deletes the record
    assert again.status_code == 409 and again.json()["code"] == "idempotency_key_expired"
    assert Case.objects.count() == 1
    from casework.api.idempotency import idempotency_purge

    assert idempotency_purge() == 1 and not IdempotencyRecord.objects.exists()


def test_the_receipt_code_is_sealed_in_the_registering_session_only(world, client):
    # given: the intake desk registers a case
    client.force_login(world.clerk_a)
    r = register(world)
    from django.test import RequestFactory

    from casework.documents.catalogue import receipt_code, remember_receipt_code

    request = RequestFactory().get("/")
    request.session = client.session
    # when
    remember_receipt_code(request, r.case, r.access_code)
    request.session.save()
    # then: the session's row holds no code; this session gets it back, a fresh one does not
    assert r.access_code not in raw_rows("django_session")
    assert receipt_code(request, r.case) == r.access_code
    other = RequestFactory().get("/")
    other.session = type(client.session)()
    assert receipt_code(other, r.case) == ""


def test_a_name_is_found_by_exact_match_through_its_blind_index(world):
    # given
    register(world, complainants=[PersonData(NAME, ADDRESS, PHONE)])
    register(world, complainants=[PersonData("王五", ADDRESS, "")])
    # when
    found = list(cases_search(world.supervisor, CaseFilters(name=f" {NAME} ")))
    partly = list(cases_search(world.supervisor, CaseFilters(name=NAME[:2])))
    # then
    assert [p.person.name for c in found for p in c.parties.all()] == [NAME]
    assert partly == []  # exact match only: nothing in clear to compare a part with
    assert keys.blind_index("name", NAME) in raw_rows("cases_person") and NAME not in raw_rows("cases_person")


def test_rotation_re_encrypts_with_the_newest_key_and_the_old_one_can_go(world, settings):
    # given
    register(world, complainants=[PersonData(NAME, ADDRESS, PHONE)])
    old = list(settings.CASEWORK_DATA_KEYS)
    new = Fernet.generate_key().decode()
    settings.CASEWORK_DATA_KEYS = [new, *old]
    assert Person.objects.get().phone == PHONE  # the old key still decrypts
    # when
    call_command("reencrypt_personal_data")
    # then: readable with the new key alone
    settings.CASEWORK_DATA_KEYS = [new]
    person = Person.objects.get()
    assert (person.name, person.address, person.phone) == (NAME, ADDRESS, PHONE)
    settings.CASEWORK_DATA_KEYS = old
    with pytest.raises(keys.UnreadableData):
        Person.objects.get()
