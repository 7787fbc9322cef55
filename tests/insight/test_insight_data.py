"""On the real messages in ../shared/data (skipped without them; a failure under CI=true).

Small subsets, so that this stays fast: the figures that matter come from
bench/routing.py and bench/related.py.
"""

from __future__ import annotations

import csv
import sys
import warnings
from collections import defaultdict

import pytest
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from casework.insight.related import RelatedIndex
from casework.insight.router import Router
from tests.conftest import require_data

pytestmark = pytest.mark.data

FILES = {  # tag in exact_duplicate_groups.csv -> (file, id column, text column)
    "fj2_records": ("messages_labeled.csv", "message_id", "text"),
    "fj3": ("messages_with_votes.csv", "留言编号", "留言详情"),
    "fj4": ("messages_with_replies.csv", "留言编号", "留言详情"),
    "testset": ("messages_unlabeled.csv", "留言编号", "留言详情"),
}


def rows(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_router_learns_the_real_categories():
    data = rows(require_data() / "messages_labeled.csv")
    labels = [r["label"] for r in data]
    train, test = train_test_split(range(len(data)), train_size=1500, test_size=500, stratify=labels,
                                   random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every category has enough examples: no warning expected
        model = Router().fit([data[i]["text"] for i in train], [data[i]["title"] for i in train],
                             [labels[i] for i in train])
    assert len(model.classes) == 7
    pred = model.predict([data[i]["text"] for i in test], [data[i]["title"] for i in test])
    truth = [labels[i] for i in test]
    assert f1_score(truth, [p or "" for p in pred], labels=model.classes, average="macro") >= 0.80
    top = model.predict_top3(data[test[0]]["text"])
    assert len(top) == 3 and top[0].confidence >= top[2].confidence


def test_related_finds_real_resubmissions():
    data_dir = require_data()
    texts = {}
    for tag, (name, id_col, text_col) in FILES.items():
        for n, r in enumerate(rows(data_dir / name)):
            texts[(tag, r[id_col] or f"row{n}")] = r[text_col]
    groups = defaultdict(list)
    for r in rows(data_dir / "exact_duplicate_groups.csv"):
        key = (r["file"], r["留言编号"])
        if key in texts and key not in groups[r["group"]]:
            groups[r["group"]].append(key)
    chosen = [g for g in groups.values() if len(g) >= 2][:40]
    assert len(chosen) == 40
    members = {k for g in chosen for k in g}
    others = [k for k in texts if k not in members][:3000]
    ix = RelatedIndex()
    ix.add_many(others, [texts[k] for k in others])
    for k in sorted(members):
        ix.add(k, texts[k])  # one at a time, as cases arrive
    hits = total = 0
    for group in chosen:
        for k in group:
            found = [r.id for r in ix.query(texts[k], 5, exclude=[k])]
            hits += any(other in found for other in group if other != k)
            total += 1
    assert hits / total >= 0.95
