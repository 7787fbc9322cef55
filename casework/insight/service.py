"""Queries of insight: category suggestions and related cases for one person, through the case scope.

Nothing here writes. The models and the related-case index are kept in the
process (they are read-only data); each call checks with one small query that
they are current:

* the router in use for a jurisdiction is the active ``RouterModel`` of its
  nearest ancestor-or-self; a newer version replaces the cached one;
* the related-case index covers every case; cases registered since the last
  call (``pk`` greater than the last indexed) are added first.

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

from .errors import ModelFormatError
from .models import RouterModel
from .related import RelatedIndex
from .router import Router

MIN_RELATED_SCORE = 0.2  # below this, "similar" is mostly shared boilerplate
RELATED_SHOWN = 5


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


_routers: dict[int, Router] = {}  # RouterModel pk -> loaded model
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
    router = _routers.get(row.pk)
    if router is None:
        blob = RouterModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
        try:
            router = Router.from_bytes(bytes(blob))
        except ModelFormatError:
            return None  # an unreadable model suggests nothing; the train command says why
        with _routers_lock:
            for pk in [pk for pk in _routers if pk != row.pk and pk not in {m.pk for m in rows.values()}]:
                del _routers[pk]  # older versions
            _routers[row.pk] = router
    return row, router


def _unit_hints(model: RouterModel, jurisdiction: Jurisdiction, labels: Sequence[str]) -> dict[str, UnitHint]:
    """Per category: where the jurisdiction's closed cases of it went, else the unit whose 主管事项 names it."""
    chain = [str(j) for j in _ancestry(jurisdiction)]
    picked: dict[str, tuple[int, float | None]] = {}
    for label in labels:
        by_jur = model.unit_map.get(label, {})
        for j in chain:
            if j in by_jur:
                picked[label] = (int(by_jur[j][0]), float(by_jur[j][1]))
                break
    missing = [lab for lab in labels if lab not in picked]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[u for u, _ in picked.values()], is_active=True)}
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


def case_text(title: str, request: str, facts_reasons: str) -> str:
    """What is compared: the title, the request when it says more than the title, the facts."""
    parts = [title or ""]
    if request and request.strip() != (title or "").strip():
        parts.append(request)
    parts.append(facts_reasons or "")
    return "\n".join(p for p in parts if p)


@dataclass
class _Indexed:
    index: RelatedIndex = field(default_factory=RelatedIndex)
    last_pk: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_related = _Indexed()


def related_index() -> RelatedIndex:
    """The process's index of every case, brought up to date (new cases since the last call)."""
    idx = _related
    newest = Case.objects.aggregate(m=Max("pk"))["m"] or 0
    if newest < idx.last_pk:  # the database was emptied (tests, a reload): start again
        with idx.lock:
            idx.index, idx.last_pk = RelatedIndex(), 0
    if newest > idx.last_pk:
        with idx.lock:
            rows = list(
                Case.objects.filter(pk__gt=idx.last_pk).order_by("pk")
                .values_list("pk", "title", "request", "facts_reasons")
            )
            if rows:
                ids = [r[0] for r in rows]
                texts = [case_text(*r[1:]) for r in rows]
                if len(rows) > 200:
                    idx.index.add_many(ids, texts)
                else:
                    for i, t in zip(ids, texts):
                        idx.index.add(i, t)
                idx.last_pk = ids[-1]
    return idx.index


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
    hits = related_index().query(text, k=4 * limit, exclude=[exclude_case_id] if exclude_case_id else (),
                                 min_score=MIN_RELATED_SCORE)
    by_text = {h.id: h for h in hits}
    phones = sorted({p.strip() for p in phones if p and len(p.strip()) >= 5})
    by_person: set[int] = set()
    visible = cases_visible_to(user)
    if phones:
        same = visible.filter(parties__person__phone__in=phones)
        if exclude_case_id:
            same = same.exclude(pk=exclude_case_id)
        by_person = set(same.order_by("-pk").values_list("pk", flat=True)[: 2 * limit])
    ids = set(by_text) | by_person
    if not ids:
        return []
    cases = {c.pk: c for c in visible.filter(pk__in=ids).select_related("current_unit")}
    hidden = withheld_case_ids(user, list(cases))
    out = []
    for pk, case in cases.items():
        if pk in hidden:
            continue
        hit = by_text.get(pk)
        out.append(RelatedCase(case, hit.score if hit else None, pk in by_person,
                               hit.shared_phrases if hit else (), hit.same_places if hit else ()))
    out.sort(key=lambda r: (-(r.score or 0) - (0.5 if r.same_person else 0), -r.case.pk))
    return out[:limit]


def phones_of(case: Case) -> list[str]:
    return list(CaseParty.objects.filter(case=case).exclude(person__phone="").values_list("person__phone", flat=True))
