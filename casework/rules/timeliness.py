"""How late a unit is, and how often it answered on time (plain Python).

信访工作条例 Art 45(1) holds a unit to account for 「未在规定期限内办结信访事项」: lateness is
measured against the limits the unit itself must keep (``Rule.unit_duty``: the receipt notice,
Art 22, 23; handling, Art 34; the review and re-review decisions, Art 35, 36). The complainant's
own windows (the review and re-review requests, Art 35, 36) are theirs to use: a case waiting in
one is never a unit's lateness.
"""

from __future__ import annotations

import datetime as dt

from .calendar import HolidayCalendar
from .clocks import Rule, Unit


def days_overdue(rule: Rule, due: dt.date | None, today: dt.date, calendar: HolidayCalendar) -> int:
    """Days past ``due`` on ``today``, counted as the rule counts its period: calendar days for a limit
    in days, working days for one in working days (Art 23 ¶3 「5个工作日」). 0 when not yet due, when
    there is no due date (a paused clock, Art 36 ¶2), and always for a window that is not the unit's
    duty (the complainant's Art 35 and 36 windows)."""
    if due is None or not rule.unit_duty or today <= due:
        return 0
    if rule.unit is Unit.WORKING_DAYS:
        return calendar.working_days_between(due, today)
    return (today - due).days


def on_time_rate(*, on_time: int, replied: int, overdue_unanswered: int) -> float | None:
    """按期答复率: the share of the answers owed that were given on time (Art 34, 45(1)).

    The answers owed are those given (``replied``, of which ``on_time`` within the limit) and
    those not given although their limit has passed (``overdue_unanswered``): a case left
    unanswered past its limit is late now, not only once it is answered. None when nothing was owed.
    """
    if min(on_time, replied, overdue_unanswered) < 0 or on_time > replied:
        raise ValueError("counts must be whole, and on_time at most replied")
    owed = replied + overdue_unanswered
    return on_time / owed if owed else None
