"""The deadline calculator that staff use to answer "by when?" (command and page share it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.rules.calendar import CalendarError, DueDate
from casework.rules.clocks import RULES, Rule

from .services import counting, current_calendar


class DueDateError(ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    due: DueDate
    rule: Rule | None
    days: int
    working_days: bool


def parse_start(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise DueDateError(f"起算日期应为 YYYY-MM-DD：{value!r}") from None


def compute_due(start: dt.date, *, rule: str | None = None, days: int | None = None, working_days: bool = False) -> Answer:
    if (rule is None) == (days is None):
        raise DueDateError("请指定一个期限规则，或者天数")
    calendar = current_calendar()
    try:
        if rule is not None:
            r = RULES.get(rule)
            if r is None:
                raise DueDateError(f"没有这个期限规则：{rule}（可用：{', '.join(RULES)}）")
            return Answer(r.due(start, calendar, counting()), r, r.days, r.unit == "working")
        if not isinstance(days, int) or days < 1 or days > 3650:
            raise DueDateError("天数应为 1 至 3650 之间的整数")
        due = calendar.add_working_days(start, days, counting()) if working_days else calendar.add_days(start, days, counting())
        return Answer(due, None, days, working_days)
    except CalendarError as e:
        raise DueDateError(str(e)) from None
