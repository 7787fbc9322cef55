

import pytest
from django.contrib.auth import get_user_model

from casework.mediation.actions import PartyData, dispute_register
from casework.organisation.models import Membership
from casework.organisation.services import jurisdiction_create, unit_create


@pytest.fixture
def mworld(world):
    """The shared world plus a village under 甲镇 with its mediation committee."""
    village = jurisdiction_create(name="幸福村", code="V1", level="village", parent=world.town_a)
    committee = unit_create(name="幸福村人民调解委员会", kind="mediation", jurisdiction=village)
    User = get_user_model()
    vm = User.objects.create_user("village_mediator", password="pw-village_mediator", first_name="调解员", last_name="刘")
    Membership.objects.create(user=vm, unit=committee, role="mediator")
    labour_mediator = User.objects.create_user("labour_mediator", password="pw-labour_mediator")
    Membership.objects.create(user=labour_mediator, unit=world.county_housing, role="mediator")
    world.jurisdictions["village"] = village
    world.units["village_committee"] = committee
    world.users["village_mediator"] = vm
    world.users["labour_mediator"] = labour_mediator
    return world


def parties():
    return [
        PartyData("王大", "幸福村1组", "13800000001", "要求对方拆除越界围墙"),
        PartyData("李二", "幸福村1组", "13800000002", "围墙建在自家宅基地上"),
    ]


def new_dispute(w, **over):
    kwargs = dict(unit_id=w.village_committee.pk, dispute_type="land", facts="两家宅基地边界围墙纠纷", parties=parties())
    kwargs.update(over)
    return dispute_register(w.village_mediator, **kwargs)


