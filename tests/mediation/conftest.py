"""The shared world plus the committees of people's mediation, and disputes taken into each state.

``mworld`` adds to tests/conftest.py's world:
  幸福村 (village under 甲镇)  幸福村人民调解委员会  village_mediator
  甲镇                        甲镇人民调解委员会    township_mediator, township_mediator_2
  东县                        东县住房和城乡建设局  labour_mediator (a competent department that mediates)
(``mediator_a`` of the world sits in 甲镇信访办, a petition office: the township's mediation is not done there.)
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.utils import timezone

from casework.audit.models import Event
from casework.cases.models import Person
from casework.mediation import actions as M
from casework.mediation.actions import PartyData, dispute_register
from casework.mediation.models import (
    Agreement, AgreementSignature, Dispute, DisputeParty, DisputeUnit, Escalation, MediatorChange, MediatorConflict,
    PerformanceCheck, Session, Termination,
)
from casework.organisation.models import Membership
from casework.organisation.services import jurisdiction_create, unit_create


@pytest.fixture
def mworld(world):
    village = jurisdiction_create(name="幸福村", code="V1", level="village", parent=world.town_a)
    committee = unit_create(name="幸福村人民调解委员会", kind="mediation", jurisdiction=village)
    township_committee = unit_create(name="甲镇人民调解委员会", kind="mediation", jurisdiction=world.town_a)
    User = get_user_model()

    def member(username, unit, **names):
        user = User.objects.create_user(username, password="pw-" + username, **names)
        Membership.objects.create(user=user, unit=unit, role="mediator")
        world.users[username] = user
        return user

    member("village_mediator", committee, first_name="调解员", last_name="刘")
    member("township_mediator", township_committee, first_name="建华", last_name="陈")
    member("township_mediator_2", township_committee, first_name="秀英", last_name="周")
    member("labour_mediator", world.county_housing, first_name="志强", last_name="吴")
    world.jurisdictions["village"] = village
    world.units["village_committee"] = committee
    world.units["town_a_committee"] = township_committee
    return world


def today() -> dt.date:
    return timezone.localdate()


def parties():
    """Two neighbours; 王大 with every basic detail the agreement states, 李二 with name, address and phone only."""
    return [
        PartyData("王大", "幸福村1组", "13800000001", "要求对方拆除越界围墙", sex="male",
                  birth_date=dt.date(1968, 5, 3), occupation="务农"),
        PartyData("李二", "幸福村1组", "13800000002", "围墙建在自家宅基地上"),
    ]


def new_dispute(w, **over):
    kwargs = dict(unit_id=w.village_committee.pk, dispute_type="land", facts="两家宅基地边界围墙纠纷", parties=parties(),
                  mediator_id=w.village_mediator.pk)
    kwargs.update(over)
    return dispute_register(w.village_mediator, **kwargs)


def complete_details(w, d, who=None):
    """李二's missing details, so that an agreement can state them (Art 29 ¶1(1))."""
    li = d.parties.get(person__name="李二")
    M.dispute_record_party_details(who or w.village_mediator, dispute_id=d.pk,
                                   details={li.pk: {"sex": "female", "age": 52, "occupation": "个体经营"}})


def mediating(w, who=None, **over):
    d = new_dispute(w, **over)
    M.dispute_record_session(who or w.village_mediator, dispute_id=d.pk, summary="双方陈述", attendees="王大、李二")
    return Dispute.objects.get(pk=d.pk)


DRAFT = dict(facts_responsibility="围墙越界0.3米，李二负主要责任", terms="李二拆除越界部分围墙\n王大配合测量定界",
             performance_manner="李二自行拆除，费用自理")


def drafted(w, who=None):
    d = mediating(w, who)
    complete_details(w, d, who)
    M.dispute_draft_agreement(who or w.village_mediator, dispute_id=d.pk,
                              performance_deadline=today() + dt.timedelta(days=10), **DRAFT)
    return Dispute.objects.get(pk=d.pk)


def all_signed(d, manner="signed"):
    return {p: manner for p in d.parties.values_list("pk", flat=True)}


def signed(w, who=None):
    d = drafted(w, who)
    M.dispute_sign_agreement(who or w.village_mediator, dispute_id=d.pk, signatures=all_signed(d),
                             mediator_signed=True, sealed=True)
    return Dispute.objects.get(pk=d.pk)


TABLES = (Dispute, DisputeParty, DisputeUnit, Session, Agreement, AgreementSignature, Escalation, Termination,
          MediatorChange, MediatorConflict, PerformanceCheck, Person, Event)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


def dispute_row(d) -> dict:
    d = Dispute.objects.get(pk=d.pk)
    row = model_to_dict(d)
    row["parties"] = [model_to_dict(p) for p in d.parties.all()]
    row["agreements"] = [model_to_dict(a) for a in d.agreements.all()]
    return row


def refused(call, error, *disputes):
    """Call ``call``; it must raise ``error`` and leave every mediation table and the given disputes as they were."""
    rows, before = [dispute_row(d) for d in disputes], counts()
    with pytest.raises(error) as raised:
        call()
    assert counts() == before
    assert [dispute_row(d) for d in disputes] == rows
    return raised.value
