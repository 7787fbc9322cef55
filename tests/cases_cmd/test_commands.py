"""The deadline job and the clock recomputation, as commands."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from casework.cases.actions import case_accept, case_record_delivery, case_reply
from casework.cases.models import Case
from tests.conftest import register


def test_run_deadlines_closes_cases_whose_review_window_passed(world):
    """Art 35: no review requested within 30 days of the reply: the case is closed, by the system."""
    # given one reply 40 days ago and one 5 days ago
    old_day = timezone.localdate() - dt.timedelta(days=40)
    old = register(world, received_on=old_day).case
    case_accept(world.handler_a, case_id=old.pk, on=old_day)
    case_reply(world.handler_a, case_id=old.pk, outcome="supported", reasons="r", opinion="o", legal_basis="l", on=old_day)
    # the window runs from the day the reply was received (Art 35): handed over the same day
    case_record_delivery(world.handler_a, case_id=old.pk, received_on=old_day, manner="in_person", on=old_day)
    fresh = register(world).case
    case_accept(world.handler_a, case_id=fresh.pk)
    case_reply(world.handler_a, case_id=fresh.pk, outcome="supported", reasons="r", opinion="o", legal_basis="l")
    # when
    out = StringIO()
    call_command("run_deadlines", stdout=out)
    call_command("run_deadlines", stdout=StringIO())
    # then
    assert Case.objects.get(pk=old.pk).state == "closed"
    assert Case.objects.get(pk=fresh.pk).state == "replied"
    assert out.getvalue().startswith("1 cases closed")
    assert old.events.filter(verb="expire_window", actor_kind="system").count() == 1


def test_recompute_clocks_reports_no_change_when_nothing_changed(world):
    register(world)
    out = StringIO()
    call_command("recompute_clocks", stdout=out)
    assert out.getvalue().strip() == "0 open cases changed due date"
