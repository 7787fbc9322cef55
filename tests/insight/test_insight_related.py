"""Related messages: exact and edited duplicates found, reasons given, incremental adds (built-in samples)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

import casework.insight.related as related
from casework.insight.related import RelatedIndex, places, prepare
from tests.insight.samples import PLACES, TEMPLATES

SUBJECTS = ["路灯不亮", "垃圾清运不及时", "噪音扰民", "下水道堵塞", "电梯故障", "停车位不足", "公交站台破损", "绿化带被占"]


def corpus() -> list[str]:
    """48 distinct messages: every place with every subject, and the category templates."""
    out = [f"{p}{s}已经很久了，居民多次向社区反映，一直没有解决，请有关部门尽快处理。"
           for p, s in itertools.product(PLACES, SUBJECTS)]
    out += [t.format(p=p) for ts in TEMPLATES.values() for t, p in zip(ts, PLACES)]
    return out


def test_an_exact_resubmission_comes_first_with_reasons():
    texts = corpus()
    ix = RelatedIndex()
    ix.add_many(list(range(len(texts))), texts)
    ix.add("again", texts[3])
    res = ix.query(texts[3], 5, exclude=["again"])
    assert res[0].id == 3 and res[0].score == pytest.approx(1.0)
    assert res[0].shared_phrases and "内容几乎相同" in res[0].reason
    assert "A2区" in res[0].same_places and "同一地点" in res[0].reason
    # the same matter elsewhere is related, but less
    assert all(r.score < 1 for r in res[1:])


def test_edited_copy_is_found():
    texts = corpus()
    ix = RelatedIndex()
    ix.add_many([f"m{i}" for i in range(len(texts))], texts)
    original = texts[10]
    edited = "再次反映：" + original.replace("居民多次向社区反映，", "") + "望早日解决为盼。"
    assert ix.query(edited, 5)[0].id == "m10"


def test_query_can_exclude_itself():
    texts = corpus()
    ix = RelatedIndex()
    ix.add_many(list(range(len(texts))), texts)
    assert 7 not in [r.id for r in ix.query(texts[7], 5, exclude=[7])]
    assert 7 not in [r.id for r in ix.query(texts[7], 5, exclude_positions=[7])]


@pytest.mark.parametrize("text", ["", None, "好", "！？。"])
def test_empty_or_one_character_query_finds_nothing(text):
    ix = RelatedIndex()
    ix.add_many([1, 2], corpus()[:2])
    assert ix.query(text) == []


def test_empty_index_and_odd_input_do_not_crash():
    ix = RelatedIndex()
    assert ix.query("道路破损") == []
    ix.add("a", "")
    ix.add("b", "好")
    ix.add("c", "道路")
    ix.add("d", "The street light outside No. 5 is broken")
    ix.add("e", "路" * 100_000)
    assert ix.query("道路")[0].id == "c"
    assert ix.query("the street light is broken")[0].id == "d"
    assert ix.query("路" * 50)[0].id == "e"


def test_single_adds_and_bulk_load_give_the_same_answers(monkeypatch):
    monkeypatch.setattr(related, "FLUSH_EVERY", 7)  # buffer flushed into segments, segments merged
    monkeypatch.setattr(related, "IDF_SAMPLE", 8)  # both end with the IDF of the first 8 messages
    texts = corpus()
    bulk, single = RelatedIndex(), RelatedIndex()
    bulk.add_many(list(range(len(texts))), texts, batch=10)
    for i, t in enumerate(texts):
        single.add(i, t)
    assert len(single._segments) >= 1 and single._buffer_fwd  # some in segments, some still buffered
    for q in texts[::5]:
        a = [(r.id, r.score) for r in bulk.query(q, 5)]
        b = [(r.id, r.score) for r in single.query(q, 5)]
        assert a == b


def test_ranking_matches_brute_force_anchor_cosine_on_a_small_corpus():
    """With every message a candidate, the index ranks exactly by its similarity."""
    texts = corpus()
    rng = random.Random(3)
    ix = RelatedIndex(candidates=10_000, max_postings=10**9)
    ix.add_many(list(range(len(texts))), texts, batch=13)
    for q in rng.sample(texts, 8):
        keys = related.anchors(prepare(q))
        sims = ix.similarities(keys, np.arange(len(texts)))
        want = sorted(range(len(texts)), key=lambda i: (-sims[i], i))[:5]
        got = [r.id for r in ix.query(q, 5)]
        assert [round(sims[i], 4) for i in got] == [round(sims[i], 4) for i in want]


def test_places_are_extracted():
    found = places(prepare("我住在A2区桂花坪街道景蓉华苑小区，门口的劳动路和A市洞井路都堵。"))
    assert "A2区" in found and "桂花坪街道" in found and "景蓉华苑小区" in found
    assert "劳动路" in found and "洞井路" in found
    assert "A市" not in found  # the city alone says nothing
