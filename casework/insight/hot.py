"""Hot issues: groups of similar open cases across units (many residents, one problem), for supervisors.

``clusters.cluster_texts`` groups the open cases a supervisor may see (cases
whose materials are withheld from them are left out); the board adds the
cases, how many people raised it, which units hold them, the phrases they
share and the counts per week. The grouping is cached for ten minutes, keyed by
the exact set of cases it was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache

from casework.cases.access import StaffScope, cases_visible_to, withheld_case_ids
from casework.cases.models import Case, CaseParty
from casework.rules.lifecycle import OPEN

from .clusters import MIN_SIZE, cluster_texts
from .labels import group_labels
from .text import case_text

MAX_CASES = 5000  # the most recent open cases considered
LABEL_SAMPLE = 12  # the most central messages of a group its labels are read from
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
    phrases: tuple[str, ...]  # labels: words and phrases the messages share (labels.group_labels)
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
    ids = list(open_cases.order_by("-received_on", "-pk").values_list("pk", flat=True)[:MAX_CASES])
    hidden = withheld_case_ids(user, ids)
    ids = sorted(pk for pk in ids if pk not in hidden)
    # The groups depend only on which cases are in: the key is that exact set, so a change of
    # access (a new membership, a recusal) or a new case is a new key, never a stale answer.
    key = "hot:" + hashlib.sha256(f"{min_size}:{ids}".encode()).hexdigest()
    groups = cache.get(key)
    if groups is None:
        rows = list(Case.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "title", "request", "facts_reasons"))
        texts = [case_text(*r[1:]) for r in rows]
        clusters = cluster_texts(texts, min_size=min_size)
        labels = group_labels([[texts[i] for i in g[:LABEL_SAMPLE]] for g in clusters])
        groups = [([rows[i][0] for i in g], words) for g, words in zip(clusters, labels)]
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
            overdue=sum(1 for c in cs if c.duty_due_on and c.duty_due_on < today),  # the unit's own limits
        ))
    out.sort(key=lambda h: (-len(h.cases), -max(c.received_on for c in h.cases).toordinal()))
    return out

