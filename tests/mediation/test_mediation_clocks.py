"""The Art 33 window (人民调解法第三十三条) is counted by the rules core with the holiday schedule, provisional in a
year without a published schedule, and recomputed when that year's schedule is imported or entered (issue 12,
"Mediation deadlines are recomputed on import too"). Counting: 民法典 Art 201 (start day not counted), Art 203
(a period ending on a statutory day off ends on the next working day).

The agreements here take effect today, so their window ends about a month from now: in a year the package may not
know yet (2027 when these tests were written). The made-up schedule is built around the window's last day so that
the import moves it.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from casework.holidays.services import counting, current_calendar
from casework.mediation import actions as M
from casework.mediation.models import Dispute
from casework.rules.clocks import RULES

from tests.mediation.conftest import mediating, signed, today


@pytest.fixture
def two_agreements(mworld):
    """Seeded package schedules; a written and an oral agreement, both effective today."""
    call_command("seed_holidays", stdout=StringIO())
    written = signed(mworld)
    d = mediating(mworld)
    M.dispute_agree_orally(mworld.village_mediator, dispute_id=d.pk, terms="李二赔偿100元", performance_manner="当场支付",
                           performance_deadline=today(), writing_waived=True)
    return written, Dispute.objects.get(pk=d.pk)


def next_working_day_after(day: dt.date, off: set[dt.date]) -> dt.date:
    day += dt.timedelta(days=1)
    while day in off or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_a_window_in_a_year_without_schedule_is_provisional_never_a_crash_art_33(two_agreements):
    """A year nobody has published yet: the window is still computed (weekends only), and marked provisional."""
    due = RULES["judicial_confirmation"].due(today(), current_calendar(), counting())
    for d in two_agreements:
        assert (d.confirmation_due_on, d.confirmation_provisional) == (due.on, due.provisional)
    if not current_calendar().is_known(due.on):
        assert all(d.confirmation_provisional for d in two_agreements)


def test_importing_the_schedule_recomputes_every_agreements_window_art_33(two_agreements, tmp_path):
    # given: the window's last day becomes a holiday in the imported schedule of its year
    due = two_agreements[0].confirmation_due_on
    off = {due, dt.date(due.year, 1, 1)}
    path = tmp_path / "schedule.csv"
    path.write_text("".join(f"{d.isoformat()},off,测试假日\n" for d in sorted(off)), encoding="utf-8")
    # when
    out = StringIO()
    call_command("import_holidays", str(path), stdout=out)
    # then: both windows run to the next working day (民法典 Art 203) and are no longer provisional
    expected = next_working_day_after(due, off)
    for d in two_agreements:
        d.refresh_from_db()
        assert (d.confirmation_due_on, d.confirmation_provisional) == (expected, False)
    assert "2 mediation agreements changed confirmation window" in out.getvalue()
    # and recomputing again changes nothing
    assert M.disputes_recompute_confirmation() == 0


def test_the_admins_recompute_action_recomputes_the_windows_too_art_33(two_agreements, admin_client):
    due = two_agreements[0].confirmation_due_on
    for url, data in (("/admin/holidays/scheduleday/add/", {"day": due.isoformat(), "name": "测试假日", "_save": "保存"}),
                      ("/admin/holidays/scheduleyear/add/", {"year": due.year, "source": "admin", "_save": "保存"})):
        assert admin_client.post(url, data).status_code == 302
    response = admin_client.post("/admin/holidays/scheduleyear/",
                                 {"action": "recompute", "_selected_action": [due.year], "index": 0}, follow=True)
    assert "2 份调解协议的司法确认期限有变化" in response.content.decode()
    for d in two_agreements:
        d.refresh_from_db()
        assert d.confirmation_due_on > due and d.confirmation_provisional is False
