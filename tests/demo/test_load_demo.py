"""``manage.py load_demo``: a fictional city and cases made through the real actions."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from casework.audit.models import Event
from casework.cases.access import cases_visible_to
from casework.cases.models import Case
from casework.demo.org import DEMO_PASSWORD, LABELS
from casework.demo.sources import guess_label
from casework.organisation.models import Membership, Unit
from casework.rules.lifecycle import OPEN, State
from tests.conftest import require_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_data(settings, tmp_path):
    settings.CASEWORK_DATA_DIR = tmp_path / "missing"


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, verbosity=0, **options)
    return out.getvalue()


def verify_events() -> None:
    out = io.StringIO()
    call_command("verify_events", "--quiet", stdout=out)  # sys.exit(1) on a broken chain
    assert "verified" in out.getvalue()


def test_load_demo_on_the_builtin_sample(no_data):
    out = load(cases=60)

    assert "内置示例" in out and "password" in out and DEMO_PASSWORD in out
    assert "被规则拒绝" not in out, out  # every step of every story was allowed by the rules
    cases = list(Case.objects.select_related("current_unit"))
    assert len(cases) == 60
    states = Counter(c.state for c in cases)
    assert len(states) >= 4, states
    assert states[State.CLOSED] and states[State.ACCEPTED], states
    today = timezone.localdate()
    overdue = [c for c in cases if State(c.state) in OPEN and c.due_on and c.due_on < today]
    assert overdue, "some cases are overdue"
    assert all(c.category in LABELS for c in cases)
    assert all(c.received_on <= today and c.received_on >= today - dt.timedelta(days=200) for c in cases)

    # Every case is reachable: the city supervisor sees all, and the staff of its current unit see it.
    supervisor = get_user_model().objects.get(username="supervisor_city")
    assert cases_visible_to(supervisor).count() == 60
    for unit_id in {c.current_unit_id for c in cases}:
        member = Membership.objects.filter(unit_id=unit_id).exclude(role="supervisor").first().user
        mine = {c.pk for c in cases if c.current_unit_id == unit_id}
        assert mine <= set(cases_visible_to(member).values_list("pk", flat=True))

    # The state was only ever changed by actions: the last state an event recorded is the case's state.
    last_state = {}
    for e in Event.objects.filter(case__isnull=False).order_by("id"):
        if "state" in e.after:
            last_state[e.case_id] = e.after["state"]
    assert last_state == {c.pk: c.state for c in cases}
    verify_events()

    # Every role exists, with Chinese names, and the admin can log in.
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "intake_clerk", "handler", "accountable_official", "supervisor", "mediator", "administrator"}
    clerk = get_user_model().objects.get(username="clerk_a1")
    assert clerk.last_name and clerk.first_name and clerk.check_password(DEMO_PASSWORD)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Unit.objects.filter(categories="城乡建设", name="A1区住房和城乡建设局").exists()
    # Every office publishes its address, telephone and reception hours (信访工作条例 Art 18 ¶1).
    assert not Unit.objects.filter(kind__in=["petition_office", "department"]).filter(
        Q(address="") | Q(phone="") | Q(reception_hours="")).exists()
    # Withdrawals are the complainants' own (staff record one only from a signed letter).
    assert set(Event.objects.filter(verb="withdraw").values_list("actor_kind", flat=True)) <= {"complainant"}

    # A second run changes nothing.
    again = load(cases=60)
    assert "已存在" in again
    assert Case.objects.count() == 60


def test_reset_is_sqlite_only(no_data):
    load(cases=8)
    if connection.vendor == "sqlite":
        load(cases=5, reset=True)
        assert Case.objects.count() == 5
        assert Unit.objects.filter(name="A1区信访局").count() == 1
        verify_events()
    else:
        with pytest.raises(CommandError, match="SQLite"):
            load(cases=5, reset=True)
        assert Case.objects.count() == 8


def test_load_demo_on_the_real_messages(settings):
    settings.CASEWORK_DATA_DIR = require_data()
    out = load(cases=30)

    assert "内置示例" not in out
    assert str(settings.CASEWORK_DATA_DIR) in out
    assert "被规则拒绝" not in out, out
    assert Case.objects.count() == 30
    assert len(set(Case.objects.values_list("state", flat=True))) >= 3
    verify_events()


def test_category_guess_for_messages_without_one():
    assert guess_label("小区物业乱收费", "物业公司擅自提高物业费") == "城乡建设"
    assert guess_label("拖欠工资", "老板拖欠农民工工资三个月") == "劳动和社会保障"
    assert guess_label("", "", "已转交市交通运输局办理") == "交通运输"
