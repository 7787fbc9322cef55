"""casework.rows: the hand-composed INSERTs store what the ORM would, on SQLite and PostgreSQL alike."""

from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from casework.cases.actions import PersonData
from casework.cases.models import Case, CaseParty, CaseUnit, Person
from casework.organisation.models import Unit
from casework.rows import Row, insert_row, insert_rows
from tests.conftest import register


def stored(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def test_insert_rows_links_later_rows_to_earlier_keys_and_stores_what_save_would(world):
    case = register(world).case
    # given: the same person and party as the ORM would write them
    by_orm = Person.objects.create(name="李四", address="乙镇", phone="139")
    party_by_orm = CaseParty.objects.create(case=case, jurisdiction=case.jurisdiction, person=by_orm,
                                            role="representative")
    # when
    person = Person(name="李四", address="乙镇", phone="139")
    party = CaseParty(case=case, jurisdiction=case.jurisdiction, person=person, role="representative")
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        insert_rows([Row(person), Row(party, {"person": 0})])
    # then: keys set, links filled, rows equal to the ORM's but for their own keys
    assert person.pk and party.pk and party.person_id == person.pk
    assert not person._state.adding and not party._state.adding
    assert stored(person) | {"id": None} == stored(by_orm) | {"id": None}
    assert stored(party) | {"id": None, "person": None} == stored(party_by_orm) | {"id": None, "person": None}
    inserts = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2)


def test_insert_rows_runs_the_extra_statement_and_skips_a_row_already_there(world):
    case = register(world).case  # registered at town_a_office: that link exists
    other = Unit.objects.exclude(pk=case.current_unit_id).first()
    again = CaseUnit(case=case, unit=case.current_unit, relation="registered", jurisdiction_id=case.jurisdiction_id)
    new = CaseUnit(case=case, unit=other, relation="received", jurisdiction_id=case.jurisdiction_id)
    conflict = ("case", "unit", "relation")
    with transaction.atomic():
        insert_rows([Row(again, ignore_conflict_on=conflict), Row(new, ignore_conflict_on=conflict)],
                    also=("UPDATE cases_case SET category = %s WHERE id = %s", ["测试类别", case.pk]))
    assert again.pk is None and again._state.adding  # left as it was
    assert new.pk and CaseUnit.objects.filter(case=case).count() == 2
    assert Case.objects.get(pk=case.pk).category == "测试类别"


def test_insert_row_reports_a_conflict_and_keeps_a_given_key(world):
    case = register(world).case
    link = CaseUnit(case=case, unit=case.current_unit, relation="registered", jurisdiction_id=case.jurisdiction_id)
    assert insert_row(link, ignore_conflict_on=("case", "unit", "relation")) is False and link.pk is None
    person = Person(pk=Person.objects.order_by("-pk").first().pk + 100, name="王五", address="丙镇")
    assert insert_row(person) is True
    assert stored(person)["name"] == "王五" and stored(person)["id"] == person.pk


def test_a_group_registration_links_every_representative_and_the_respondent_units(world):
    """信访工作条例 Art 20 ¶3: up to five representatives, each with its party row, in one insert chain."""
    reps = [PersonData(name=f"代表{i}", address="甲镇", phone="") for i in range(5)]
    r = register(world, complainants=reps, group_size=40, respondent_unit_ids=[world.units["county_police"].pk])
    parties = list(CaseParty.objects.filter(case=r.case).select_related("person").order_by("id"))
    assert [p.person.name for p in parties] == [f"代表{i}" for i in range(5)]
    assert [p.pk for p in parties] == sorted(p.pk for p in r.parties)
    assert list(r.case.respondent_units.values_list("pk", flat=True)) == [world.units["county_police"].pk]


def test_insert_rows_returns_the_fetched_row_or_none(world):
    from casework.audit.chain import head_query
    from casework.audit.models import EventChain

    case = register(world).case
    chain = EventChain.objects.get(jurisdiction_id=case.jurisdiction_id)
    with transaction.atomic():
        found = insert_rows([Row(Person(name="甲", address="乙"))], fetch=head_query(connection, case.jurisdiction_id))
        missing = insert_rows([Row(Person(name="丙", address="丁"))], fetch=head_query(connection, 10**9))
    assert found == (chain.length, chain.head_hash)
    assert missing is None
