"""A year whose holiday schedule is not published: its dates are provisional, and nothing automatic acts on them.

放假办法 Art 2 fixes the statutory holidays whatever the yearly notice adds, so such a year counts them and the
weekends; the notice's bridge and make-up days are unknown, so every date resting on the year is provisional.
No expiry, closing or refusal acts on a provisional date: they wait for the schedule (issue 12).

These tests make 2026 such a year (its schedule taken out of the database), so that real dates in the past rest
on it; the actions refuse dates in the future, and a test with the real 2027 could not show anything happening.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casework.cases.actions import case_request_review, cases_close_expired_windows, cases_recompute_clocks
from casework.cases.models import Case
from casework.holidays.models import ScheduleDay, ScheduleYear
from casework.holidays.selectors import schedule_gaps
from casework.holidays.services import schedule_seed_from_package
from tests.cases.casekit import complainant, drive

pytestmark = pytest.mark.django_db

UNPUBLISHED = 2026


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def unpublished_year(world):
    """The package's schedules in the database, without 2026's: 2026 becomes a year nobody has published."""
    schedule_seed_from_package()
    ScheduleDay.objects.filter(day__year=UNPUBLISHED).delete()
    ScheduleYear.objects.filter(year=UNPUBLISHED).delete()
    return UNPUBLISHED


def publish(year: int) -> None:
    schedule_seed_from_package()  # adds the package's days of the years the database lacks
    cases_recompute_clocks()


def test_the_job_does_not_close_a_review_window_that_ended_on_a_provisional_date_xinfang_art_35(world,
                                                                                                unpublished_year):
    """Art 35's 30 days ended on a date that rests on an unpublished year: the case waits for the schedule."""
    # given a reply 80 days ago: its review window ended some 50 days ago, in the unpublished year
    case = drive(world, "replied", on=today() - dt.timedelta(days=80))
    assert case.due_rule == "review_request" and case.due_provisional and case.due_on < today()
    # when
    closed = cases_close_expired_windows()
    # then
    assert closed == 0 and Case.objects.get(pk=case.pk).state == "replied"
    # and once the schedule is entered, the same job closes it
    publish(unpublished_year)
    assert Case.objects.get(pk=case.pk).due_provisional is False
    assert cases_close_expired_windows() == 1
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_a_review_request_after_a_provisional_end_is_not_refused_xinfang_art_35(world, unpublished_year):
    """Art 35: a request made after a window end that the schedule may still move is accepted, not refused."""
    case = drive(world, "replied", on=today() - dt.timedelta(days=40))
    assert case.due_provisional and case.due_on < today()
    case_request_review(complainant(case), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                        reason="不服处理意见")
    assert Case.objects.get(pk=case.pk).state == "review"


def test_with_the_schedule_entered_a_late_review_request_is_refused_xinfang_art_35(world):
    """The control of the test above: with 2026 published, the same late request is refused."""
    from casework.cases.errors import InvalidInput

    case = drive(world, "replied", on=today() - dt.timedelta(days=40))
    assert not case.due_provisional
    with pytest.raises(InvalidInput, match="已超过申请期限"):
        case_request_review(complainant(case), case_id=case.pk, review_unit_id=world.units["county_gov"].pk,
                            reason="不服处理意见")


def test_the_administrators_home_names_the_missing_year_and_the_clocks_that_wait_on_it(world, unpublished_year,
                                                                                       client):
    drive(world, "replied", on=today() - dt.timedelta(days=80))
    drive(world, "accepted", on=today() - dt.timedelta(days=80))
    gaps = {g.year: g for g in schedule_gaps(today())}
    assert gaps[UNPUBLISHED].cases == 2
    assert today().year + 1 in gaps  # next year's notice is not in the package either

    keeper = world.users["supervisor"]  # works on cases and keeps the schedule (the admin site)
    keeper.is_staff = True
    keeper.save(update_fields=["is_staff"])
    client.force_login(keeper)
    page = client.get("/").content.decode()
    assert "节假日安排尚未录入" in page and f"{UNPUBLISHED} 年：2 个期限" in page
    client.force_login(world.users["handler_a"])
    assert "节假日安排尚未录入" not in client.get("/").content.decode()

    publish(unpublished_year)
    assert UNPUBLISHED not in {g.year for g in schedule_gaps(today())}


def test_the_admin_index_names_the_missing_year_for_the_administrator(world, unpublished_year, client):
    """The demo's 系统管理员 has no grievance work; the admin site is their first page, and it says it too."""
    from casework.organisation.services import administrator_access_grant

    drive(world, "accepted", on=today() - dt.timedelta(days=80))
    admin = world.users["admin_user"]
    administrator_access_grant(admin)
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "节假日安排尚未录入" in page and f"{UNPUBLISHED} 年：1 个期限" in page
    assert client.get("/admin/holidays/scheduleday/").status_code == 200  # they may enter the schedule
