"""Hot issues: groups of similar open cases across units (many residents, one problem), for supervisors.

``clusters.cluster_texts`` groups the open cases a supervisor may see (cases
whose materials are withheld from them are left out); the board adds the
cases, how many people raised it, which units hold them, the phrases they
share and the counts per week. The grouping is cached for ten minutes per
person and per state of their open cases (count, newest case, latest event).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

from casework.cases.access import StaffScope, cases_visible_to, withheld_case_ids
from casework.cases.models import Case, CaseParty
from casework.rules.lifecycle import OPEN

from .clusters import MIN_SIZE, cluster_texts, shared_phrases

MAX_CASES = 5000  # the most recent open cases considered
WEEKS = 8
CACHE_SECONDS = 600


# -- the board --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: dt.date
    count: int


@dataclass(frozen=True)
class HotIssue:
    cases: list[Case]  # the most central first
    phrases: tuple[str, ...]
    people: int  # distinct complainants and representatives
    people_counted: int  # including the members of group visits
    units: list[str]
    categories: list[tuple[str, int]]
    weeks: list[Week]  # the last WEEKS weeks, oldest first
    earlier: int  # received before those weeks
    overdue: int

    @property
    def title(self) -> str:
        return self.cases[0].title

    @property
    def peak(self) -> int:
        return max([w.count for w in self.weeks] + [1])


def may_view_hot_issues(user) -> bool:
    scope = StaffScope.of(user)
    return bool(scope and scope.supervised_paths)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def hot_issues(user, *, today: dt.date, min_size: int = MIN_SIZE) -> list[HotIssue]:
    """The groups of similar open cases among those ``user`` may see, largest first."""
    open_cases = cases_visible_to(user).filter(state__in=[s.value for s in OPEN], merged_into__isnull=True)
    stamp = open_cases.aggregate(n=Count("pk"), m=Max("pk"), e=Max("last_event_on"))
    key = f"hot:{user.pk}:{stamp['n']}:{stamp['m']}:{stamp['e']}:{today}:{min_size}"
    groups = cache.get(key)
    if groups is None:
        rows = list(open_cases.order_by("-received_on", "-pk").values_list("pk", "title", "request", "facts_reasons")
                    [:MAX_CASES])
        hidden = withheld_case_ids(user, [r[0] for r in rows])
        rows = [r for r in rows if r[0] not in hidden]
        from .service import case_text

        texts = [case_text(*r[1:]) for r in rows]
        groups = [([rows[i][0] for i in g], shared_phrases([texts[i] for i in g[:12]]))
                  for g in cluster_texts(texts, min_size=min_size)]
        cache.set(key, groups, CACHE_SECONDS)
    if not groups:
        return []
    ids = [pk for g, _ in groups for pk in g]
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("current_unit")}
    people: dict[int, set[int]] = {}
    for case_id, person_id in CaseParty.objects.filter(case_id__in=ids).values_list("case_id", "person_id"):
        people.setdefault(case_id, set()).add(person_id)
    first_week = _week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    out = []
    for members, phrases in groups:
        cs = [cases[pk] for pk in members if pk in cases]
        if len(cs) < min_size:
            continue
        persons = set().union(*(people.get(c.pk, set()) for c in cs))
        counted = sum(max(c.group_size, len(people.get(c.pk, ()))) for c in cs)
        per_week = Counter(_week_start(c.received_on) for c in cs if c.received_on >= first_week)
        weeks = [Week(first_week + dt.timedelta(weeks=i), per_week.get(first_week + dt.timedelta(weeks=i), 0))
                 for i in range(WEEKS)]
        out.append(HotIssue(
            cases=cs, phrases=phrases, people=len(persons), people_counted=counted,
            units=sorted({c.current_unit.name for c in cs}),
            categories=Counter(c.category for c in cs if c.category).most_common(3),
            weeks=weeks, earlier=sum(1 for c in cs if c.received_on < first_week),
            overdue=sum(1 for c in cs if c.due_on and c.due_on < today),
        ))
    out.sort(key=lambda h: (-len(h.cases), -max(c.received_on for c in h.cases).toordinal()))
    return out

