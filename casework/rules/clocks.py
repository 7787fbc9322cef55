"""The statutory time limits, each a named rule citing its article.

A clock is started, stopped, paused and resumed by lifecycle transitions (see
``lifecycle.TRANSITIONS``). ``derive_clocks`` replays a case's history and
returns every clock with its due date, so that the due dates stored on a case
are always a function of its events and the calendar: when administrators
enter next year's holiday schedule, replaying corrects every open case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Iterable, Mapping

from .calendar import DEFAULT_COUNTING, Counting, DueDate, HolidayCalendar


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar"
    WORKING_DAYS = "working"


@dataclass(frozen=True)
class Rule:
    """A statutory time limit."""

    name: str
    days: int
    unit: Unit
    article: str
    label: str  # Chinese, as staff say it
    description: str  # English, what the clock measures
    written_notice: bool = False  # a duty to tell the complainant in writing: lapses without a name or address
    from_receipt: bool = False
    """True when the period runs from the day the complainant *received* a document (Art 35 「自收到书面答复之日
    起」): until that day is recorded the clock waits (``ClockState.AWAITING_RECEIPT``), has no end and so nothing
    expires on it."""
    unit_duty: bool = False
    """True when the unit holding the case must act by the due date, so that passing it makes the
    unit late (信访工作条例 Art 45(1)). False for a window someone *may* use: the complainant's
    review and re-review requests (Art 35, 36), a receiving unit's objection (Art 23 ¶3), the
    parties' judicial confirmation. Passing such a window is nobody's lateness."""

    def due(
        self,
        start: dt.date,
        calendar: HolidayCalendar,
        counting: Counting = DEFAULT_COUNTING,
        extra_days: int = 0,
    ) -> DueDate:
        """The last day of this period from ``start``, plus ``extra_days`` of the same unit."""
        days = self.days + extra_days
        if self.unit is Unit.WORKING_DAYS:
            return calendar.add_working_days(start, days, counting)
        return calendar.add_days(start, days, counting)


MAX_EXTENSION_DAYS = 30
"""信访工作条例 Art 34: an extension of the handling period 「不得超过30日」."""

RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "receipt_notice", 15, Unit.CALENDAR_DAYS, "信访工作条例 第22条、第23条",
            "登记受理告知",
            "register and tell the complainant in writing where the matter goes, within 15 days of receipt",
            written_notice=True,
            unit_duty=True,
        ),
        Rule(
            "forward_objection", 5, Unit.WORKING_DAYS, "信访工作条例 第23条第3款",
            "转送异议期",
            "a unit that receives a forwarded matter it is not competent for objects, with reasons, within 5 working days",
        ),
        Rule(
            "handling", 60, Unit.CALENDAR_DAYS, "信访工作条例 第34条",
            "办理期限",
            "finish handling within 60 days of acceptance (one approved extension of at most 30 days)",
            unit_duty=True,
        ),
        Rule(
            "review_request", 30, Unit.CALENDAR_DAYS, "信访工作条例 第35条",
            "复查申请期",
            "the complainant may request review within 30 days of receiving the written reply",
            from_receipt=True,
        ),
        Rule(
            "review_decision", 30, Unit.CALENDAR_DAYS, "信访工作条例 第35条",
            "复查办理期限",
            "the reviewing body answers in writing within 30 days of receiving the request",
            unit_duty=True,
        ),
        Rule(
            "rereview_request", 30, Unit.CALENDAR_DAYS, "信访工作条例 第36条第1款",
            "复核申请期",
            "the complainant may request re-review within 30 days of receiving the review opinion",
        ),
        Rule(
            "rereview_decision", 30, Unit.CALENDAR_DAYS, "信访工作条例 第36条第1款、第2款",
            "复核办理期限",
            "the re-reviewing body decides within 30 days of receipt; hearing time is not counted",
            unit_duty=True,
        ),
        Rule(
            "judicial_confirmation", 30, Unit.CALENDAR_DAYS, "人民调解法 第33条",
            "司法确认申请期",
            "the parties may jointly apply for judicial confirmation within 30 days of the agreement taking effect",
        ),
    )
}


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    NOT_APPLICABLE = "not_applicable"  # a written notice to a complainant with no clear name or address (Art 23 ¶2)
    AWAITING_RECEIPT = "awaiting_receipt"  # runs from the complainant's receipt, not yet recorded (Art 35)


@dataclass(frozen=True)
class Clock:
    """One run of a rule on one case."""

    rule: Rule
    started_on: dt.date
    state: ClockState = ClockState.RUNNING
    extension_days: int = 0
    paused_days: int = 0
    paused_since: dt.date | None = None
    stopped_on: dt.date | None = None
    due: DueDate | None = None  # None while paused or awaiting receipt: the end is not known yet
    received: bool = True  # False: a ``from_receipt`` period whose start (the receipt) was never recorded

    @property
    def name(self) -> str:
        return self.rule.name


@dataclass(frozen=True)
class Happening:
    """A lifecycle transition as the clocks see it: which action, on which day.

    ``params`` carries what some effects need: ``extension_days`` for an
    approved extension, ``received_on`` when the period runs from the day the
    complainant received a document rather than the day it was issued,
    ``written_notice=False`` from the registration of a matter whose
    complainant has no clear name or address (Art 23 ¶2).
    """

    action: str
    on: dt.date
    params: Mapping[str, object] = field(default_factory=dict)


def derive_clocks(
    happenings: Iterable[Happening],
    calendar: HolidayCalendar,
    counting: Counting = DEFAULT_COUNTING,
) -> list[Clock]:
    """Replay a case's history; return every clock it started, in order.

    Unknown actions are ignored (not every event touches a clock). The due
    date of a running clock counts paused calendar days on top of the period
    (Art 36 ¶2: 「听证所需时间不计算在前款规定的期限内」): every day a hearing lasts, from
    the day it starts to the day it ends, both included. A rule of written
    notice is not applicable once the registration said the complainant has no
    clear name or address (Art 23 ¶2): the matter is handled, only that duty lapses.
    """
    from .lifecycle import TRANSITIONS  # the table says what each action does

    clocks: list[Clock] = []
    written_notice = True

    def running(name: str) -> int | None:
        for i in range(len(clocks) - 1, -1, -1):
            if clocks[i].name == name and clocks[i].state in (
                ClockState.RUNNING, ClockState.PAUSED, ClockState.AWAITING_RECEIPT
            ):
                return i
        return None

    for h in happenings:
        t = TRANSITIONS.get(h.action)
        if t is None:
            continue
        if h.params.get("written_notice") is False:
            written_notice = False
        for name in t.clocks.stops:
            i = running(name)
            if i is not None:
                clocks[i] = replace(clocks[i], state=ClockState.STOPPED, stopped_on=h.on)
        for name in t.clocks.pauses:
            i = running(name)
            if i is not None and clocks[i].state is ClockState.RUNNING:
                clocks[i] = replace(clocks[i], state=ClockState.PAUSED, paused_since=h.on)
        for name in t.clocks.resumes:
            i = running(name)
            if i is not None and clocks[i].state is ClockState.PAUSED:
                c = clocks[i]
                # every day the hearing lasts, the first and the last included (Art 36 ¶2)
                gap = (h.on - c.paused_since).days + 1 if c.paused_since else 0
                clocks[i] = replace(
                    c, state=ClockState.RUNNING, paused_since=None, paused_days=c.paused_days + max(gap, 0)
                )
        for name in t.clocks.extends:
            i = running(name)
            if i is not None:
                # Art 34: a period is extended before it ends; an approval after its last day extends nothing,
                # so a reply after that day is late whatever was approved afterwards. (A provisional last day
                # may still move: the approval counts.)
                due = _with_due(clocks[i], calendar, counting).due
                if due is not None and h.on > due.on and not due.provisional:
                    continue
                days = int(h.params.get("extension_days", 0))
                clocks[i] = replace(clocks[i], extension_days=clocks[i].extension_days + days)
        for name in t.clocks.starts:
            i = running(name)  # a restart replaces the clock that was running
            if i is not None:
                clocks[i] = replace(clocks[i], state=ClockState.STOPPED, stopped_on=h.on)
            received = h.params.get("received_on")
            start = received or h.on
            assert isinstance(start, dt.date)
            rule = RULES[name]
            lapsed = rule.written_notice and not written_notice
            if lapsed:
                clocks.append(Clock(rule, start, state=ClockState.NOT_APPLICABLE))
            elif rule.from_receipt and received is None:
                clocks.append(Clock(rule, start, state=ClockState.AWAITING_RECEIPT, received=False))
            else:
                clocks.append(Clock(rule, start))

    return [_with_due(c, calendar, counting) for c in clocks]


def _with_due(c: Clock, calendar: HolidayCalendar, counting: Counting) -> Clock:
    if c.state in (ClockState.PAUSED, ClockState.NOT_APPLICABLE, ClockState.AWAITING_RECEIPT) or not c.received:
        return c
    if c.rule.unit is Unit.WORKING_DAYS:
        due = c.rule.due(c.started_on, calendar, counting, extra_days=c.extension_days)
        if c.paused_days:
            due = calendar.add_days(due.on, c.paused_days, counting)
    else:
        due = c.rule.due(c.started_on, calendar, counting, extra_days=c.extension_days + c.paused_days)
    return replace(c, due=due)


def current_clock(clocks: list[Clock]) -> Clock | None:
    """The clock that matters now: the running one due soonest."""
    live = [c for c in clocks if c.state is ClockState.RUNNING and c.due is not None]
    return min(live, key=lambda c: c.due.on) if live else None


def duty_clock(clocks: list[Clock]) -> Clock | None:
    """The running clock of what the unit holding the case must do, due soonest (``Rule.unit_duty``).

    A forwarded matter runs both the receiving unit's objection window and its receipt notice: the
    window may pass while the unit is still on time. A replied matter runs only the complainant's
    review window: no duty of the unit at all (信访工作条例 Art 35).
    """
    return current_clock([c for c in clocks if c.rule.unit_duty])
