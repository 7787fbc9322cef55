"""Benchmark: category suggestion (casework.insight.router) against a plain baseline.

Trains the router on one CSV and measures it on another; in the same run does
the same for the simplest alternative, character 1-3-gram TF-IDF + LinearSVC.

    .venv/bin/python bench/routing.py --train A.csv --test B.csv
    .venv/bin/python bench/routing.py                 # ../shared/data/messages_labeled.csv, split 80/20
    .venv/bin/python bench/routing.py --data-dir DIR  # another copy of the data

A CSV needs columns ``text`` and ``label`` and may have ``title`` (fields may
contain newlines). Without ``--train/--test`` the labelled messages are split
80/20, stratified, seed 42 (``--seed``, ``--test-size``). The router's own
choices were made on a development split *inside* the training part, never on
this test part.

Figures: accuracy, macro-F1 (over the labels of the test file; a message the
model declines, e.g. an empty one, counts as wrong), top-3 accuracy, ms per
message one at a time on one thread (wall and CPU time, over ``--latency-n``
messages) and batched, training seconds (``--n-jobs`` threads, 2 by default).
The last line is machine-readable:
``RESULT macro_f1=<x> accuracy=<x> top3=<x> ms_per_msg=<x> train_s=<x> baseline_macro_f1=<x>``
(``ms_per_msg``: one message at a time, single thread, wall clock).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from anywhere

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from casework.insight.labelled import read_labelled_csv  # noqa: E402
from casework.insight.router import Router  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("CASEWORK_DATA", ROOT.parent / "shared" / "data"))


def read_csv(path: Path) -> tuple[list[str], list[str], list[str]]:
    try:
        return read_labelled_csv(path)
    except ValueError as e:
        sys.exit(str(e))


def split(texts, titles, labels, test_size: float, seed: int):
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    tr, te = train_test_split(idx, test_size=test_size, stratify=labels, random_state=seed)

    def take(ix):
        return [texts[i] for i in ix], [titles[i] for i in ix], [labels[i] for i in ix]

    return take(tr), take(te)


# -- the baseline: plain character TF-IDF + linear SVM --------------------------------------


class Baseline:
    name = "char TF-IDF 1-3 + LinearSVC"

    def fit(self, texts, titles, labels):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self.svm = LinearSVC()
        self.svm.fit(self.vec.fit_transform(self._docs(texts, titles)), labels)
        self.classes = list(self.svm.classes_)
        return self

    @staticmethod
    def _docs(texts, titles):
        return [f"{h} {t}".strip() for t, h in zip(texts, titles)]

    def scores(self, texts, titles):
        return self.svm.decision_function(self.vec.transform(self._docs(texts, titles)))

    def predict_top3(self, text, title):
        s = self.scores([text], [title])[0]
        return [self.classes[i] for i in np.argsort(-s)[:3]]


# -- measuring -----------------------------------------------------------------------------


def metrics(y_true, top3_lists):
    from sklearn.metrics import accuracy_score, f1_score

    pred = [t[0] if t else "" for t in top3_lists]
    labels = sorted(set(y_true))
    return {
        "accuracy": accuracy_score(y_true, pred),
        "macro_f1": f1_score(y_true, pred, labels=labels, average="macro", zero_division=0),
        "top3": float(np.mean([y in t for y, t in zip(y_true, top3_lists)])),
    }


def latency(predict_one, texts, titles, n: int):
    """ms per message, one message at a time on one thread: (wall, cpu)."""
    n = min(n, len(texts))
    with threadpool_limits(limits=1):
        predict_one(texts[0], titles[0])  # warm up (lazy imports, caches)
        w, c = time.perf_counter(), time.process_time()
        for t, h in zip(texts[:n], titles[:n]):
            predict_one(t, h)
        return (time.perf_counter() - w) * 1000 / n, (time.process_time() - c) * 1000 / n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path)
    ap.add_argument("--test", type=Path)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-size", type=float, default=0.2)
    ap.add_argument("--latency-n", type=int, default=500)
    ap.add_argument("--n-jobs", type=int, default=2, help="threads for training")
    args = ap.parse_args(argv)

    if bool(args.train) != bool(args.test):
        ap.error("--train and --test go together")
    if args.train:
        train, test = read_csv(args.train), read_csv(args.test)
        source = f"train {args.train} ({len(train[0])} rows), test {args.test} ({len(test[0])} rows)"
    else:
        path = args.data_dir / "messages_labeled.csv"
        if not path.exists():
            sys.exit(f"{path} not found: pass --train/--test or --data-dir (or set CASEWORK_DATA)")
        train, test = split(*read_csv(path), args.test_size, args.seed)
        source = (f"{path}: stratified split {1 - args.test_size:.0%}/{args.test_size:.0%} seed {args.seed} "
                  f"-> {len(train[0])} train, {len(test[0])} test")
    print(f"data: {source}")
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    te_texts, te_titles, te_labels = test

    # -- router
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        router = Router().fit(*train, progress=True, n_jobs=args.n_jobs)
    train_s = time.perf_counter() - t0
    for w in caught:
        print(f"warning: {w.message}")
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        proba = router.predict_proba(te_texts, te_titles)
    batch_ms = (time.perf_counter() - t0) * 1000 / len(te_texts)
    top3 = [[router.classes[i] for i in np.argsort(-row, kind="stable")[:3]] if row.any() else [] for row in proba]
    ours = metrics(te_labels, top3)
    wall, cpu = latency(lambda t, h: router.predict_top3(t, h), te_texts, te_titles, args.latency_n)
    size = len(router.to_bytes())
    declined = sum(1 for t in top3 if not t)

    # -- baseline
    t0 = time.perf_counter()
    base = Baseline().fit(*train)
    base_train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        s = base.scores(te_texts, te_titles)
    base_batch_ms = (time.perf_counter() - t0) * 1000 / len(te_texts)
    base_top3 = [[base.classes[i] for i in np.argsort(-row)[:3]] for row in s]
    theirs = metrics(te_labels, base_top3)
    bwall, bcpu = latency(base.predict_top3, te_texts, te_titles, args.latency_n)

    from sklearn.metrics import classification_report

    print()
    print(f"router {router.version}")
    print(f"  training rows {router.info['n_train']}, categories {len(router.classes)}, "
          f"features {router.info['n_features']}, model {size / 1e6:.1f} MB, "
          f"cross-validated on the training part: macro-F1 {router.info['cv_macro_f1']:.4f}")
    pred = [t[0] if t else "(none)" for t in top3]
    print(classification_report(te_labels, pred, labels=sorted(set(te_labels)), digits=3, zero_division=0))
    rows = [
        ("", "router", "baseline"),
        ("accuracy", f"{ours['accuracy']:.4f}", f"{theirs['accuracy']:.4f}"),
        ("macro-F1", f"{ours['macro_f1']:.4f}", f"{theirs['macro_f1']:.4f}"),
        ("top-3 accuracy", f"{ours['top3']:.4f}", f"{theirs['top3']:.4f}"),
        ("ms/msg one at a time, wall", f"{wall:.3f}", f"{bwall:.3f}"),
        ("ms/msg one at a time, CPU", f"{cpu:.3f}", f"{bcpu:.3f}"),
        ("ms/msg batched, wall", f"{batch_ms:.3f}", f"{base_batch_ms:.3f}"),
        (f"training s ({args.n_jobs} threads / 1)", f"{train_s:.1f}", f"{base_train_s:.1f}"),
    ]
    for name, a, b in rows:
        print(f"  {name:<30}{a:>12}{b:>12}")
    print(f"  (baseline: {Baseline.name}; test messages the router declined, no usable text: {declined})")
    print(f"RESULT macro_f1={ours['macro_f1']:.4f} accuracy={ours['accuracy']:.4f} top3={ours['top3']:.4f} "
          f"ms_per_msg={wall:.3f} train_s={train_s:.1f} baseline_macro_f1={theirs['macro_f1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
