"""我的工作 and the supervision board on hand-counted cases (信访工作条例 Art 34, 35, 36, 45(1)).

Every case below is made through the real actions on fixed days of 2026, and every expected order, count,
day and rate is counted by hand on the calendar (the days checked against the 2026 holiday schedule:
1-5 May 劳动节, 19 June 端午). "Today" is Tue 30 June 2026.

    A  accepted Fri 20 Mar           handling due Tue 19 May   42 days overdue on 30 June
    B  accepted Fri 10 Apr           handling due Tue  9 Jun   21 days overdue; a group visit of 30 (2 representatives)
    C  accepted Mon  4 May           handling due Fri  3 Jul   due within three days
    D  accepted Mon  1 Jun           handling due Fri 31 Jul
    E  registered Mon 29 Jun         receipt notice due Tue 14 Jul (Art 22)
    F  accepted 4 May, replied Wed 20 May (on time), delivered in person that day; the complainant's review
       window (from delivery, Art 35) ended Mon 22 Jun
       (20 May + 30 = Fri 19 Jun, 端午, so the next working day): waiting on nobody, overdue for nobody
    G  withdrawn: closed
    H  forwarded Mon 22 Jun to 县住建局: the objection window (5 working days) ended Mon 29 Jun, the receipt
       notice (15 days) runs to Tue 7 Jul: not overdue (Art 23 ¶3)
    I  accepted Mon 23 Mar, handling due Fri 22 May, replied Mon 1 Jun (delivered in person): late
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from casework.cases.actions import (
    PersonData, case_accept, case_forward, case_reply, case_withdraw,
)
from casework.cases.actors import Actor
from casework.cases.models import Case
from casework.cases.selectors import CaseFilters, cases_search, supervision_board, work_counts
from tests.conftest import register

D = dt.date
TODAY = D(2026, 6, 30)
REPLY = {"outcome": "supported", "reasons": "属实", "opinion": "限期修复", "legal_basis": "《信访工作条例》第三十二条"}


@pytest.fixture
def cases(world) -> dict[str, Case]:
    w = world.users
    world.official_a.last_name, world.official_a.first_name = "郑", "军"
    world.official_a.save(update_fields=["last_name", "first_name"])

    def accepted(title, on, **kw):
        case = register(world, title=title, received_on=on, **kw).case
        case_accept(w["handler_a"], case_id=case.pk, accountable_official_id=w["official_a"].pk, on=on)
        return case

    made = {
        "A": accepted("A 村道损坏", D(2026, 3, 20)),
        "B": accepted("B 拖欠工资", D(2026, 4, 10), group_size=30,
                      complainants=[PersonData("王一", "甲镇一组"), PersonData("王二", "甲镇二组")]),
        "C": accepted("C 噪声扰民", D(2026, 5, 4)),
        "D": accepted("D 路灯不亮", D(2026, 6, 1)),
        "E": register(world, title="E 新登记", received_on=D(2026, 6, 29)).case,
        "F": accepted("F 已答复", D(2026, 5, 4)),
        "G": register(world, title="G 已撤回", received_on=D(2026, 6, 1)).case,
        "H": register(world, title="H 已转送", received_on=D(2026, 6, 22)).case,
        "I": accepted("I 逾期答复", D(2026, 3, 23)),
    }
    case_reply(w["handler_a"], case_id=made["F"].pk, on=D(2026, 5, 20), received_on=D(2026, 5, 20), **REPLY)
    case_reply(w["handler_a"], case_id=made["I"].pk, on=D(2026, 6, 1), received_on=D(2026, 6, 1), **REPLY)
    case_withdraw(Actor.complainant(made["G"].pk), case_id=made["G"].pk, reason="已解决", on=D(2026, 6, 2))
    case_forward(w["clerk_a"], case_id=made["H"].pk, to_unit_id=world.county_housing.pk, on=D(2026, 6, 22))
    return {k: Case.objects.get(pk=c.pk) for k, c in made.items()}


def titles(qs) -> list[str]:
    return [c.title[0] for c in qs]


# -- the stored clocks the lists rest on ------------------------------------------------------------


def test_the_hand_counted_due_dates_are_what_the_cases_store_xinfang_art_22_23_34_35(cases):
    """Art 34 (handling, 60 days), Art 22/23 (receipt notice, 15 days), Art 35 (the complainant's 30 days) as
    counted in the module docstring: the unit's duty date, and the date that matters now."""
    duty = {k: (c.duty_rule, c.duty_due_on) for k, c in cases.items()}
    assert duty == {
        "A": ("handling", D(2026, 5, 19)), "B": ("handling", D(2026, 6, 9)), "C": ("handling", D(2026, 7, 3)),
        "D": ("handling", D(2026, 7, 31)), "E": ("receipt_notice", D(2026, 7, 14)), "F": ("", None),
        "G": ("", None), "H": ("receipt_notice", D(2026, 7, 7)), "I": ("", None),
    }
    assert (cases["F"].due_rule, cases["F"].due_on) == ("review_request", D(2026, 6, 22))
    assert (cases["H"].due_rule, cases["H"].due_on) == ("forward_objection", D(2026, 6, 29))


# -- 我的工作 -----------------------------------------------------------------------------------------


def test_my_work_puts_the_most_overdue_first_then_the_units_next_deadline_xinfang_art_34_45_1(world, cases):
    """Overdue first, most overdue first (A 42 days, B 21); then the unit's own deadlines (C 3 Jul, H 7 Jul,
    E 14 Jul, D 31 Jul); then what waits on the complainant, by its date (F's window ended 22 Jun, I's runs to
    1 Jul: Art 35); closed cases not at all."""
    # given the county supervisor, who sees every case of the county
    # when
    listed = cases_search(world.supervisor, CaseFilters(), today=TODAY)
    # then
    assert titles(listed) == ["A", "B", "C", "H", "E", "D", "F", "I"]


def test_closed_cases_only_on_request(world, cases):
    """The withdrawn G appears only when asked for, after all open work; asking for the closed state shows it alone."""
    everything = cases_search(world.supervisor, CaseFilters(include_closed=True), today=TODAY)
    assert titles(everything) == ["A", "B", "C", "H", "E", "D", "F", "I", "G"]
    assert titles(cases_search(world.supervisor, CaseFilters(state="closed"), today=TODAY)) == ["G"]


def test_work_counts_count_only_the_units_own_lateness_xinfang_art_35_45_1(world, cases):
    """已超期 2 (A, B), 三日内到期 1 (C, due Fri 3 Jul), 在办 8 (all but the withdrawn G): F, whose review window
    passed, and H, whose objection window passed, are not overdue (Art 23 ¶3, 35)."""
    assert work_counts(world.supervisor, today=TODAY) == {"overdue": 2, "soon": 1, "open": 8}
    overdue = cases_search(world.supervisor, CaseFilters(urgency="overdue"), today=TODAY)
    assert titles(overdue) == ["A", "B"]


def test_my_work_page_shows_the_same_order_and_marks_the_group_visit(world, cases, monkeypatch):
    """The page lists what the selector orders, and marks B as a group visit of 30 (Art 20) so the office can
    receive it properly."""
    # given
    client = Client()
    client.force_login(world.supervisor)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    # when
    html = client.get("/").content.decode()
    # then
    numbers = [cases[k].number for k in "ABCHEDFI"]
    positions = [html.index(n) for n in numbers]
    assert positions == sorted(positions)
    assert cases["G"].number not in html
    row_b = html[html.index(cases["B"].number):html.index(cases["C"].number)]
    assert "集体访 30 人" in row_b
    assert "集体访" not in html[html.index(cases["A"].number):html.index(cases["B"].number)]
    closed = client.get("/", {"include_closed": "on"}).content.decode()
    assert cases["G"].number in closed


# -- the supervision board -------------------------------------------------------------------------


def test_board_lists_every_overdue_case_most_overdue_first_with_who_handles_it_xinfang_art_45_1(world, cases):
    """Art 45(1): A 42 and B 21 calendar days past their handling limit (Art 34), each with its unit and its
    accountable official; F (the complainant's review window, Art 35) and H (an objection window, Art 23 ¶3)
    are not there."""
    board = supervision_board(world.supervisor, today=TODAY)
    rows = [(c.title[0], c.days_overdue, c.current_unit.name, c.accountable_official.last_name) for c in board["overdue"]]
    assert rows == [("A", 42, "甲镇信访办", "郑"), ("B", 21, "甲镇信访办", "郑")]
    assert [c.title[0] for c in board["soon"]] == ["C"]


def test_on_time_rate_counts_overdue_unanswered_cases_as_late_xinfang_art_34_45_1(world, cases):
    """按期答复率 of 甲镇信访办: F answered on time, I late, A and B past their limit unanswered: 1 of 4 answers owed
    came on time, 25%, not the 50% (1 of 2 replies) that ignores the overdue cases."""
    board = supervision_board(world.supervisor, today=TODAY)
    row = next(s for s in board["stats"] if s["unit"] == world.town_a_office)
    assert (row["replied"], row["on_time"], row["overdue_unanswered"]) == (2, 1, 2)
    assert row["on_time_rate"] == pytest.approx(0.25)
    assert board["totals"]["on_time_rate"] == pytest.approx(0.25)
    assert (row["open"], row["overdue"]) == (7, 2)  # held by 甲镇信访办 now: all open but H, forwarded


def test_board_page_shows_days_official_rate_and_group_visit(world, cases, monkeypatch):
    client = Client()
    client.force_login(world.supervisor)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    html = client.get("/supervision/").content.decode()
    overdue = html[html.index('id="o-h"'):html.index('id="s-h"')]
    assert overdue.index(cases["A"].number) < overdue.index(cases["B"].number)
    assert "42 日" in overdue and "21 日" in overdue and "郑军" in overdue and "集体访 30 人" in overdue
    assert cases["F"].number not in overdue and cases["H"].number not in overdue
    assert "按期答复率 <strong>25%</strong>" in html
    assert re.search(r"超期未答复 2 件", html)


def test_board_is_the_supervisors_only(world, cases):
    """督办 is the supervisors' (Art 40): others get a clear 403, and the menu does not offer it."""
    client = Client()
    client.force_login(world.handler_a)
    response = client.get("/supervision/")
    assert response.status_code == 403 and "督办人员" in response.content.decode()
