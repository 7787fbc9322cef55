"""Queries of insight: category suggestions and related cases for one person, through the case scope.

Nothing here writes. The models and the related-case index are kept in the
process (they are read-only data); each call checks with one small query that
they are current:

* the router in use for a jurisdiction is the active ``RouterModel`` of its
  nearest ancestor-or-self; a newer version replaces the cached one;
* the related-case index covers every case; each query first adds the cases it
  has not seen (ids above the newest it holds, and the last ``LAG_WINDOW`` ids
  below it, because concurrent registrations commit out of id order).

Results pass through ``cases_visible_to``: a person is never shown a case they
could not open, and never the text of a case whose materials are withheld from
them (the unit complained about, Art 30 ¶3).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max

from casework.cases.access import cases_visible_to, withheld_case_ids
from casework.cases.models import Case, CaseParty
from casework.organisation.models import Jurisdiction, Unit
from casework.rules.lifecycle import OPEN, State
from casework.privacy.keys import blind_index, normal_phone

from .errors import ModelFormatError
from .models import RouterModel
from .related import RelatedIndex
from .router import Router
from .text import case_text

MIN_RELATED_SCORE = 0.2  # below this, "similar" is mostly shared boilerplate
RELATED_SHOWN = 5
MAX_K = 320  # most index answers read to find RELATED_SHOWN the person may see


# -- category suggestions ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitHint:
    unit_id: int
    name: str
    share: float | None  # share of closed cases of the category that went there; None: from 主管事项


@dataclass(frozen=True)
class CategorySuggestion:
    label: str
    confidence: float
    unit: UnitHint | None


@dataclass(frozen=True)
class Suggestions:
    items: list[CategorySuggestion]
    model: RouterModel | None  # without the blob

    @property
    def available(self) -> bool:
        return self.model is not None


# jurisdiction id -> ((RouterModel pk, trained at), loaded model); the time too, because a rolled-back
# test database hands out the same pk again
_routers: dict[int, tuple[tuple, Router]] = {}
_routers_lock = threading.Lock()


def _ancestry(jurisdiction: Jurisdiction) -> list[int]:
    """Jurisdiction ids from this one up to the root."""
    return [int(x) for x in jurisdiction.path.strip("/").split("/") if x][::-1]


def router_for(jurisdiction: Jurisdiction) -> tuple[RouterModel, Router] | None:
    """The model in use for cases registered in ``jurisdiction``, or None when none is trained."""
    chain = _ancestry(jurisdiction)
    rows = {m.jurisdiction_id: m for m in RouterModel.objects.filter(jurisdiction_id__in=chain, active=True).defer("blob")}
    row = next((rows[j] for j in chain if j in rows), None)
    if row is None:
        return None
    cached = _routers.get(row.jurisdiction_id)
    if cached is not None and cached[0] == (row.pk, row.trained_at):
        return row, cached[1]
    blob = RouterModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
    try:
        router = Router.from_bytes(bytes(blob or b""))
    except ModelFormatError:
        return None  # an unreadable model suggests nothing; evaluate_router says why
    with _routers_lock:
        _routers[row.jurisdiction_id] = ((row.pk, row.trained_at), router)  # a newer version replaces the one cached
    return row, router


def _unit_hints(model: RouterModel, jurisdiction: Jurisdiction, labels: Sequence[str]) -> dict[str, UnitHint]:
    """Per category: where the jurisdiction's closed cases of it went, else the unit whose 主管事项 names it."""
    chain = [str(j) for j in _ancestry(jurisdiction)]
    usual: dict[str, tuple[int, float]] = {}
    for label in labels:
        by_jur = model.unit_map.get(label, {})
        for j in chain:
            if j in by_jur:
                usual[label] = (int(by_jur[j][0]), float(by_jur[j][1]))
                break
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[u for u, _ in usual.values()], is_active=True)}
    picked: dict[str, tuple[int, float | None]] = {lab: v for lab, v in usual.items() if v[0] in units}
    missing = [lab for lab in labels if lab not in picked]  # no history, or the unit has closed since
    if missing:
        near = Unit.objects.filter(jurisdiction_id__in=[int(j) for j in chain], is_active=True).exclude(categories="")
        rank = {int(j): i for i, j in enumerate(chain)}
        for u in sorted(near, key=lambda u: (rank[u.jurisdiction_id], u.pk)):
            for label in [x.strip() for x in u.categories.replace("，", ",").split(",")]:
                if label in missing and label not in picked:
                    picked[label] = (u.pk, None)
                    units[u.pk] = u
    return {lab: UnitHint(u, units[u].name, share) for lab, (u, share) in picked.items() if u in units}


def suggest_categories(jurisdiction: Jurisdiction, *, title: str = "", text: str = "") -> Suggestions:
    """The top three categories with calibrated confidence and the unit each usually goes to."""
    found = router_for(jurisdiction)
    if found is None:
        return Suggestions([], None)
    model, router = found
    top = router.predict_top3(text, title)
    hints = _unit_hints(model, jurisdiction, [s.label for s in top]) if top else {}
    return Suggestions([CategorySuggestion(s.label, s.confidence, hints.get(s.label)) for s in top], model)


# -- related cases ----------------------------------------------------------------------------


LAG_WINDOW = 500  # ids below the newest indexed one checked again: concurrent registrations commit out of id order


@dataclass
class _Indexed:
    index: RelatedIndex = field(default_factory=RelatedIndex)
    last_pk: int = 0
    anonymised_at: object = None  # the newest anonymisation the index has seen (retention, cases/actions/retention.py)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Add the cases not yet indexed (held under the lock: the index is not safe to read while it grows).

        A case anonymised since the index was built (in any process) makes it start again without it: the index
        holds text, and an anonymised case's text must go from every worker's memory too."""
        seen = Case.objects.aggregate(m=Max("pk"), a=Max("anonymised_at"))
        newest = seen["m"] or 0
        if newest < self.last_pk or seen["a"] != self.anonymised_at:  # a demo reset, or an anonymisation
            self.index, self.last_pk, self.anonymised_at = RelatedIndex(), 0, seen["a"]
        if newest <= max(self.last_pk - LAG_WINDOW, 0) or newest == 0:
            return
        recent = Case.objects.filter(pk__gt=max(self.last_pk - LAG_WINDOW, 0)).values_list("pk", flat=True)
        missing = sorted(pk for pk in recent if not self.index.positions(pk))
        if missing:
            rows = list(Case.objects.filter(pk__in=missing, anonymised_at__isnull=True).order_by("pk")
                        .values_list("pk", "title", "request", "facts_reasons").iterator(chunk_size=2000))
            ids, texts = [r[0] for r in rows], [case_text(*r[1:]) for r in rows]
            if len(rows) > 200:
                self.index.add_many(ids, texts)
            else:
                for i, t in zip(ids, texts):
                    self.index.add(i, t)
        self.last_pk = max(self.last_pk, newest)

    def query(self, text: str, *, k: int, exclude: Sequence[int]) -> list:
        with self.lock:
            self.refresh()
            return self.index.query(text, k=k, exclude=exclude, min_score=MIN_RELATED_SCORE)


_related = _Indexed()


def reset_related_index() -> None:
    """Forget the index (tests that rebuild the database)."""
    global _related
    _related = _Indexed()


@dataclass(frozen=True)
class RelatedCase:
    case: Case
    score: float | None  # text similarity 0..1; None when found only by the person
    same_person: bool  # a complainant's telephone number is on both
    phrases: tuple[str, ...] = ()  # phrases both use
    places: tuple[str, ...] = ()  # places both name

    @property
    def near_identical(self) -> bool:
        return (self.score or 0) >= 0.95

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)

    @property
    def can_merge_into(self) -> bool:
        """Only a case still in progress takes a resubmission (Art 19 ¶3)."""
        return State(self.case.state) in OPEN and self.case.merged_into_id is None


def related_cases(
    user, *, title: str = "", request: str = "", facts_reasons: str = "", phones: Iterable[str] = (),
    exclude_case_id: int | None = None, limit: int = RELATED_SHOWN,
) -> list[RelatedCase]:
    """Earlier cases this person may see that look like the same matter, with the reason, best first.

    Two sources: the same complainant's telephone number on another case (a
    resubmission), and similar text (the same matter from the same or other
    people). Cases whose materials are withheld from the person are left out:
    their phrases would show what they may not see.
    """
    text = case_text(title, request, facts_reasons)
    visible = cases_visible_to(user)
    exclude = [exclude_case_id] if exclude_case_id else []

    def allowed(ids) -> set[int]:
        seen = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
        return seen - withheld_case_ids(user, list(seen))

    # The index is shared by everyone: ask for more until enough of the answers are this person's to see.
    by_text: dict[int, object] = {}
    k = 4 * limit
    while True:
        hits = _related.query(text, k=k, exclude=exclude)
        ok = allowed([h.id for h in hits])
        by_text = {h.id: h for h in hits if h.id in ok}
        if len(by_text) >= limit or len(hits) < k or k >= MAX_K:
            break
        k *= 4
    phones = sorted({blind_index("phone", p) for p in phones if p and len(normal_phone(p)) >= 5})
    by_person: set[int] = set()
    if phones:  # phones are encrypted at rest: compared through their blind index
        same = visible.filter(parties__person__phone_index__in=phones).exclude(pk__in=exclude)
        by_person = allowed(same.order_by("-pk").values_list("pk", flat=True)[: 2 * limit])
    ids = set(by_text) | by_person
    if not ids:
        return []
    out = []
    for case in Case.objects.filter(pk__in=ids).select_related("current_unit"):
        hit = by_text.get(case.pk)
        out.append(RelatedCase(case, hit.score if hit else None, case.pk in by_person,
                               hit.shared_phrases if hit else (), hit.same_places if hit else ()))
    out.sort(key=lambda r: (-(r.score or 0) - (0.5 if r.same_person else 0), -r.case.pk))
    return out[:limit]


def phones_of(case: Case) -> list[str]:
    return list(CaseParty.objects.filter(case=case).exclude(person__phone="").values_list("person__phone", flat=True))
