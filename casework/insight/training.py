"""Training the category router on a jurisdiction's own closed cases (the business actions of insight).

``router_train`` reads the closed cases of a jurisdiction's subtree, optionally
measures a model trained on 80% of them against the other 20%, trains on all of
them, and stores the result as a new ``RouterModel`` version, retiring the old
one, with a ``router_trained`` event on the jurisdiction's chain: one short
transaction at the end. Training runs outside any transaction and builds the
whole model first, so a failure (no data, one category, a crash) leaves the
version in use as it was.

``router_retrain_due`` is the background rule: the daily job (``run_deadlines``)
retrains when enough cases closed since the model in use was trained.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from casework.audit.chain import event_append
from casework.audit.models import ActorKind
from casework.cases.models import Case
from casework.organisation.models import Jurisdiction
from casework.rules.lifecycle import TERMINAL, State

from .errors import RareCategoryWarning, TrainingDataError
from .labelled import read_labelled_csv
from .models import RouterModel
from .router import Router

RETRAIN_MIN_NEW = 50  # closed cases since the last training before the daily job retrains ...
RETRAIN_SHARE = 0.10  # ... and at least this share of the cases it was trained on
KEEP_VERSIONS = 5  # older retired versions are deleted
HOLDOUT = 0.2


@dataclass(frozen=True)
class TrainingRows:
    ids: list[int]
    titles: list[str]
    texts: list[str]
    labels: list[str]
    jurisdictions: list[int]
    units: list[int | None]  # the unit that handled it, None when redirected to another route (Art 31)


def eligible_cases(jurisdiction: Jurisdiction):
    """Closed cases of the subtree with a category; merged cases are copies of another and left out, and so are
    anonymised ones (their text is gone: cases/actions/retention.py)."""
    return Case.objects.filter(
        jurisdiction__path__startswith=jurisdiction.path, state__in=[s.value for s in TERMINAL], merged_into__isnull=True,
        anonymised_at__isnull=True,
    ).exclude(category="")


def training_rows(jurisdiction: Jurisdiction) -> TrainingRows:
    rows = (
        eligible_cases(jurisdiction)
        .order_by("pk")
        .values_list("pk", "title", "facts_reasons", "category", "jurisdiction_id", "current_unit_id", "state")
    )
    out = TrainingRows([], [], [], [], [], [])
    for pk, title, text, label, jur, unit, state in rows.iterator(chunk_size=2000):
        out.ids.append(pk)
        out.titles.append(title)
        out.texts.append(text)
        out.labels.append(label)
        out.jurisdictions.append(jur)
        out.units.append(None if state == State.REDIRECTED else unit)
    return out


def unit_map(rows: TrainingRows) -> dict[str, dict[str, list]]:
    """category -> {registering jurisdiction -> [the unit most closed cases went to, its share]}."""
    seen: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for label, jur, unit in zip(rows.labels, rows.jurisdictions, rows.units):
        if unit is not None:
            seen[(label, jur)][unit] += 1
    out: dict[str, dict[str, list]] = defaultdict(dict)
    for (label, jur), counter in seen.items():
        unit, n = counter.most_common(1)[0]
        out[label][str(jur)] = [unit, round(n / sum(counter.values()), 3)]
    return dict(out)


def evaluate(router: Router, titles, texts, labels) -> dict:
    """Accuracy, macro-F1 and top-3 accuracy of ``router`` on labelled rows (categories it knows)."""
    from sklearn.metrics import accuracy_score, f1_score

    known = set(router.classes)
    keep = [i for i, lab in enumerate(labels) if lab in known]
    if not keep:
        return {}
    titles = [titles[i] for i in keep]
    texts = [texts[i] for i in keep]
    y = np.array([labels[i] for i in keep])
    proba = router.predict_proba(texts, titles)
    classes = np.array(router.classes)
    pred = np.where(proba.any(axis=1), classes[proba.argmax(axis=1)], "")
    top3 = np.argsort(-proba, axis=1)[:, :3]
    hit3 = [lab in set(classes[row]) and p.any() for lab, row, p in zip(y, top3, proba)]
    return {
        "n_test": len(y),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, labels=sorted(set(y)), average="macro", zero_division=0)), 4),
        "top3": round(float(np.mean(hit3)), 4),
    }


def _holdout_split(labels: list[str], seed: int = 0) -> tuple[list[int], list[int]]:
    """A stratified split; categories with fewer than 5 examples stay in training only."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_label[lab].append(i)
    train, test = [], []
    for idx in by_label.values():
        idx = list(rng.permutation(idx))
        n_test = int(round(len(idx) * HOLDOUT)) if len(idx) >= 5 else 0
        test += idx[:n_test]
        train += idx[n_test:]
    return sorted(train), sorted(test)


def seed_rows(path: Path) -> TrainingRows:
    """Labelled messages from a CSV file (``labelled.read_labelled_csv``) as training rows: no case, no unit."""
    texts, titles, labels = read_labelled_csv(path)
    n = len(texts)
    return TrainingRows([0] * n, titles, texts, labels, [0] * n, [None] * n)


def _seed_path(jurisdiction: Jurisdiction, seed: Path | None) -> Path | None:
    """The seed asked for, else the one the model in use was trained with (while its file is still there)."""
    if seed is not None:
        return Path(seed)
    current = RouterModel.objects.filter(jurisdiction=jurisdiction, active=True).only("seed").first()
    if current is not None and current.seed and Path(current.seed).is_file():
        return Path(current.seed)
    return None


def router_fit(rows: TrainingRows, *, evaluate_holdout: bool = True, progress: bool | str | Callable = False,
               name: str = "", n_jobs: int = 2) -> tuple[Router, dict, list[str]]:
    """(the fitted router, its metrics, warnings about rare categories): no database, the slow part."""
    metrics: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RareCategoryWarning)
        if evaluate_holdout and len(rows.labels) >= 50:
            tr, te = _holdout_split(rows.labels)
            pick = lambda xs, idx: [xs[i] for i in idx]  # noqa: E731
            try:
                trial = Router().fit(pick(rows.texts, tr), pick(rows.titles, tr), pick(rows.labels, tr), n_jobs=n_jobs,
                                     progress=f"{name}：评估（留出 20%）" if progress is True else progress)
            except TrainingDataError:
                trial = None  # the full set may still be enough: it decides below
            if trial is not None:
                metrics = {"holdout": HOLDOUT, **evaluate(trial, pick(rows.titles, te), pick(rows.texts, te),
                                                          pick(rows.labels, te))}
        router = Router().fit(rows.texts, rows.titles, rows.labels, n_jobs=n_jobs,
                              progress=f"{name}：训练（{len(rows.labels)} 条）" if progress is True else progress)
    metrics["cv_macro_f1"] = router.info.get("cv_macro_f1")
    return router, metrics, [str(w.message) for w in caught if issubclass(w.category, RareCategoryWarning)]


def router_train(
    jurisdiction: Jurisdiction, *, by=None, evaluate_holdout: bool = True, seed: Path | None = None,
    include_cases: bool = True, progress: bool | str | Callable[[str], None] = False, n_jobs: int = 2,
) -> RouterModel:
    """Train a new version for ``jurisdiction``'s subtree; ``TrainingDataError`` keeps the old one in use.

    ``seed``: a CSV of labelled messages (columns text, title, label) trained on beside the closed cases, for an
    office whose own history is short; later trainings keep the seed of the model in use while its file exists.
    ``include_cases=False`` trains on the seed alone (the closed cases still give the units each category went to).
    """
    started = timezone.now()
    seed = _seed_path(jurisdiction, seed)
    cases = training_rows(jurisdiction)
    seeded = seed_rows(seed) if seed is not None else TrainingRows([], [], [], [], [], [])
    fit_rows = _join(seeded, cases) if include_cases else seeded
    if not fit_rows.labels:
        raise TrainingDataError(f"{jurisdiction.name}没有带分类的已办结案件，无法训练。原有模型保持不变。",
                                code="no_training_data")
    router, metrics, rare_warnings = router_fit(fit_rows, evaluate_holdout=evaluate_holdout, progress=progress,
                                                name=jurisdiction.name, n_jobs=n_jobs)
    return router_store(jurisdiction, router, cases=cases if include_cases else None, unit_rows=cases,
                        seed=seed, n_seed=len(seeded.labels), metrics=metrics, warnings_=rare_warnings, by=by,
                        started=started)


def _join(a: TrainingRows, b: TrainingRows) -> TrainingRows:
    return TrainingRows(a.ids + b.ids, a.titles + b.titles, a.texts + b.texts, a.labels + b.labels,
                        a.jurisdictions + b.jurisdictions, a.units + b.units)


def router_store(
    jurisdiction: Jurisdiction, router: Router, *, cases: TrainingRows | None, unit_rows: TrainingRows,
    seed: Path | None = None, n_seed: int = 0, metrics: dict | None = None, warnings_: list[str] = (),
    by=None, started=None,
) -> RouterModel:
    """Store a fitted router as the next version (one short transaction, a ``router_trained`` event).

    ``cases``: the closed cases it was fitted on (None: none, a seed-only model); ``unit_rows``: the closed cases
    that say which unit each category went to. A training that began before the model in use was stored does not
    replace it (it is kept as an inactive version).
    """
    started = started or timezone.now()
    metrics = dict(metrics or {})
    n_cases = len(cases.ids) if cases is not None else 0
    last_id = max(cases.ids) if cases is not None and cases.ids else 0
    blob = router.to_bytes()
    dropped = dict(router.info.get("dropped_labels", {}))
    user = getattr(by, "user", by)
    with transaction.atomic():
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()  # one training commits at a time
        version = (RouterModel.objects.filter(jurisdiction=jurisdiction).aggregate(v=Max("version"))["v"] or 0) + 1
        newer = RouterModel.objects.filter(jurisdiction=jurisdiction, active=True, trained_at__gt=started).exists()
        if not newer:
            RouterModel.objects.filter(jurisdiction=jurisdiction, active=True).update(active=False)
        model = RouterModel.objects.create(
            jurisdiction=jurisdiction, version=version, algorithm=router.info.get("algorithm", "") or "router",
            trained_by=user if getattr(user, "pk", None) else None, n_cases=n_cases, last_case_id=last_id,
            seed=str(seed) if seed is not None else "", n_seed=n_seed,
            classes=router.classes, dropped=dropped, metrics=metrics, unit_map=unit_map(unit_rows), blob=blob,
            active=not newer,
        )
        old = RouterModel.objects.filter(jurisdiction=jurisdiction, active=False).order_by("-version")
        stale = list(old.values_list("pk", flat=True)[KEEP_VERSIONS:])
        if stale:
            RouterModel.objects.filter(pk__in=stale).delete()
        event_append(
            jurisdiction_id=jurisdiction.pk, case_id=None, verb="router_trained",
            actor_id=user.pk if getattr(user, "pk", None) else None,
            actor_kind=ActorKind.STAFF if getattr(user, "pk", None) else ActorKind.SYSTEM,
            effective_on=timezone.localdate(),
            data={"version": version, "active": not newer, "n_cases": n_cases, "n_seed": n_seed,
                  "classes": router.classes, "dropped": dropped, "metrics": metrics, "warnings": list(warnings_),
                  "model_version": router.version},
        )
    model.warnings = list(warnings_)
    return model


def router_retrain_due(jurisdiction: Jurisdiction) -> bool:
    """True when enough cases closed since the model in use was trained (or there is none yet)."""
    current = RouterModel.objects.filter(jurisdiction=jurisdiction, active=True).only("n_cases").first()
    eligible = eligible_cases(jurisdiction).count()
    if current is None:
        return eligible >= RETRAIN_MIN_NEW
    new = eligible - current.n_cases
    return new >= max(RETRAIN_MIN_NEW, RETRAIN_SHARE * current.n_cases)


def model_jurisdictions() -> list[Jurisdiction]:
    """Where models are trained by default: the top of each tree (one model for all its cases)."""
    return list(Jurisdiction.objects.filter(parent__isnull=True))


def jurisdictions_with_models() -> list[Jurisdiction]:
    """The tops of the trees and every jurisdiction someone trained its own model for."""
    own = RouterModel.objects.filter(active=True).values("jurisdiction_id")
    return list(Jurisdiction.objects.filter(Q(parent__isnull=True) | Q(pk__in=own)).order_by("path"))


def routers_retrain_due(*, log: Callable[[str], None] = lambda _m: None) -> int:
    """The background step of the daily job: retrain each tree whose model is stale; returns how many."""
    trained = 0
    for j in jurisdictions_with_models():
        try:
            if not router_retrain_due(j):
                continue
            m = router_train(j, evaluate_holdout=True)
        except TrainingDataError as e:
            log(f"{j.name}: {e.message}")
            continue
        except Exception as e:  # noqa: BLE001 - one tree's failure must not stop the daily job for the others
            log(f"{j.name}: 训练失败（{type(e).__name__}: {e}），原有模型保持不变")
            continue
        log(f"{j.name}: 分办建议模型已更新为第 {m.version} 版（{m.n_cases} 件）")
        trained += 1
    return trained


def routers_forget_anonymised(since, *, log: Callable[[str], None] = lambda _m: None) -> int:
    """After the retention job: every tree holding cases anonymised since ``since`` is retrained without them, and
    its versions trained before ``since`` (fitted on their text) are deleted; returns how many trees."""
    done = 0
    for j in jurisdictions_with_models():
        older = RouterModel.objects.filter(jurisdiction=j, trained_at__lt=since)
        anonymised = Case.objects.filter(jurisdiction__path__startswith=j.path, anonymised_at__gte=since)
        if not older.exists() or not anonymised.exists():
            continue
        try:
            m = router_train(j, evaluate_holdout=True)
            log(f"{j.name}: 分办建议模型已不含匿名化案件重新训练为第 {m.version} 版（{m.n_cases} 件）")
        except TrainingDataError as e:
            log(f"{j.name}: {e.message}；含匿名化案件文字的旧模型已删除")
        older.delete()
        done += 1
    return done
