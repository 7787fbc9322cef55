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
    out = load(cases=30, router_seed_limit=600)

    assert "内置示例" not in out
    assert str(settings.CASEWORK_DATA_DIR) in out
    assert "被规则拒绝" not in out, out
    assert Case.objects.count() == 30
    assert len(set(Case.objects.values_list("state", flat=True))) >= 3
    verify_events()


def test_the_demo_router_learns_from_the_governments_labels_not_keywords(settings):
    """Issue 11: a textbook unpaid-wages complaint was routed to 城乡建设 at 81% by a model trained on keyword
    guesses. The demo's model is trained on the labelled messages (messages_labeled.csv)."""
    from casework.insight.models import RouterModel
    from casework.insight.service import suggest_categories
    from casework.organisation.models import Jurisdiction

    settings.CASEWORK_DATA_DIR = require_data()
    out = load(cases=40, router_seed_limit=800)

    model = RouterModel.objects.get(active=True)
    assert model.n_seed == 800 and model.seed.endswith("messages_labeled.csv")
    assert "800 条政府已分类留言" in out
    a1 = Jurisdiction.objects.get(code="A1")
    wages = suggest_categories(a1, title="工地老板拖欠工资", text="我在工地干了半年，老板拖欠我们三十多个工人的工资至今未发。")
    assert wages.items[0].label == "劳动和社会保障" and wages.items[0].confidence > 0.5
    assert wages.items[0].unit.name == "A1区人力资源和社会保障局"


def test_messages_without_a_category_are_labelled_by_a_model_of_the_labelled_ones():
    from casework.demo.sources import LABELED, Message, _read, label_unlabelled

    data = require_data()
    rows = list(_read(data / LABELED))
    held = rows[::10]  # every tenth labelled message, its label hidden
    msgs = [Message(r["title"], r["text"], r["label"]) for i, r in enumerate(rows) if i % 10]
    hidden = [Message(r["title"], r["text"], "") for r in held]
    label_unlabelled(msgs + hidden)
    agree = sum(m.label == r["label"] for m, r in zip(hidden, held)) / len(held)
    assert agree > 0.8, agree  # the government's own labels agree with the model's on unseen messages


def test_logins_name_one_person_per_role_and_kind_of_unit_and_every_department_of_a1(no_data):
    from casework.demo.logins import demo_logins

    out = load(cases=5)
    rows = demo_logins()
    shown = {r.username for r in rows}
    combos = {(m.role, m.unit.kind, m.unit.jurisdiction.level)
              for m in Membership.objects.select_related("unit__jurisdiction")}
    listed = {(m.role, m.unit.kind, m.unit.jurisdiction.level)
              for m in Membership.objects.select_related("unit__jurisdiction").filter(user__username__in=shown)}
    assert combos == listed
    a1_departments = Unit.objects.filter(jurisdiction__code="A1", kind="department")
    for unit in a1_departments:
        for m in Membership.objects.filter(unit=unit):
            assert m.user.username in shown
    assert {"handler_a1_labour", "official_a1_labour", "clerk_a1"} <= shown  # what a wage complaint needs
    assert len(rows) == len(shown)  # one row a person
    for r in rows:
        assert r.username in out and " " not in r.name  # family name first, no space


def test_login_page_lists_the_demo_logins_only_while_debug_is_on(no_data, client, settings):
    load(cases=3)
    settings.DEBUG = True
    page = client.get("/accounts/login/").content.decode()
    assert "handler_a1_labour" in page and "A1区人力资源和社会保障局" in page and DEMO_PASSWORD in page
    settings.DEBUG = False
    page = client.get("/accounts/login/").content.decode()
    assert "handler_a1_labour" not in page and DEMO_PASSWORD not in page


def test_pages_say_while_the_demo_is_still_loading(no_data, client, settings):
    from casework.demo.models import DemoLoad

    settings.DEBUG = True
    DemoLoad.objects.create(pk=1, phase=DemoLoad.Phase.CASES, total=3000, done=1200)
    for path in ("/accounts/login/", "/portal/"):
        assert "已生成 1200 / 3000 件案件" in client.get(path).content.decode()
    DemoLoad.objects.filter(pk=1).update(phase=DemoLoad.Phase.DONE, done=3000)
    assert "演示数据正在后台载入" not in client.get("/accounts/login/").content.decode()


def test_progress_bars_only_on_a_terminal():
    from casework.progress import progress_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    log, tty = io.StringIO(), Terminal()
    for stream in (log, tty):
        for _ in progress_bar(range(50), file=stream, desc="x", mininterval=0):
            pass
    assert log.getvalue() == ""
    assert "50/50" in tty.getvalue()
