"""Which years the holiday schedule still lacks, and how many running clocks wait on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from .models import ScheduleYear


@dataclass(frozen=True)
class ScheduleGap:
    year: int
    cases: int  # open cases whose current clock ends on a provisional date in that year
    supervisions: int  # unanswered supervision notices whose reply date is provisional
    disputes: int  # disputes whose judicial-confirmation window ends on a provisional date

    @property
    def clocks(self) -> int:
        return self.cases + self.supervisions + self.disputes


def schedule_gaps(today: dt.date) -> list[ScheduleGap]:
    """This year and the next when their schedule is missing, and every year a running clock ends in unpublished.

    Those clocks count the statutory holidays and weekends only (provisional); no automatic step acts on them
    until the year is entered (``import_holidays`` or the admin), which recomputes them.
    """
    from casework.cases.models import Case, SupervisionNotice
    from casework.mediation.models import Dispute
    from casework.rules.lifecycle import OPEN

    known = set(ScheduleYear.objects.values_list("year", flat=True))

    def by_year(qs, field: str) -> dict[int, int]:
        rows = qs.annotate(y=ExtractYear(field)).values("y").annotate(n=Count("pk")).order_by()
        return {r["y"]: r["n"] for r in rows}

    cases = by_year(Case.objects.filter(state__in=[s.value for s in OPEN], due_provisional=True), "due_on")
    notices = by_year(SupervisionNotice.objects.filter(answered_on__isnull=True, due_provisional=True), "due_on")
    disputes = by_year(Dispute.objects.filter(confirmation_provisional=True, confirmation_due_on__gte=today),
                       "confirmation_due_on")
    years = {today.year, today.year + 1} | set(cases) | set(notices) | set(disputes)
    return [ScheduleGap(y, cases.get(y, 0), notices.get(y, 0), disputes.get(y, 0))
            for y in sorted(years) if y not in known]
