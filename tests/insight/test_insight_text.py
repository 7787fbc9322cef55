"""Chinese text normalisation and the numpy n-gram features."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from casework.insight.text import (
    MAX_CHARS,
    CharNgramVectorizer,
    KeyTable,
    informative_length,
    normalize,
    unique,
    unique_counts,
    unique_inverse,
)
from tests.insight.samples import training_rows


def test_normalize_folds_width_case_digits_and_space():
    assert normalize("Ａ２区　桂花坪街道，电话１３８\n\n００") == "a0区 桂花坪街道,电话000 00"
    assert normalize("A2区", digits=False) == "a2区"
    assert normalize(None) == "" and normalize("   ") == ""
    assert "http" not in normalize("见 https://example.com/x?y=1 链接")


def test_normalize_cuts_very_long_text_keeping_head_and_tail():
    text = "头" * 60_000 + "中" * 60_000 + "尾" * 60_000
    out = normalize(text)
    assert len(out) <= MAX_CHARS
    assert out.startswith("头") and out.endswith("尾")


def test_informative_length_ignores_punctuation_and_spaces():
    assert informative_length("，。！ ？") == 0
    assert informative_length("好") == 1
    assert informative_length("好的！", cap=2) == 2


def test_char_ngrams_match_sklearn_tfidf():
    texts = [normalize(t) for t in training_rows()[0]]
    ours = CharNgramVectorizer(ns=(1, 2, 3)).fit_transform(texts)
    ref = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, lowercase=False).fit_transform(texts)
    assert ours.shape == ref.shape
    np.testing.assert_allclose((ours @ ours.T).toarray(), (ref @ ref.T).toarray(), atol=1e-5)


def test_transform_one_equals_batch_transform():
    texts = [normalize(t) for t in training_rows()[0]]
    vec = CharNgramVectorizer(min_df=2).fit(texts[:12])
    batch = vec.transform(texts[12:] + ["", "zz"])
    for i, t in enumerate(texts[12:] + ["", "zz"]):
        np.testing.assert_allclose(vec.transform_one(t).toarray(), batch[i].toarray(), atol=1e-6)


def test_key_table_finds_exactly_the_keys():
    rng = np.random.default_rng(1)
    for n in (0, 1, 7, 500, 3000):
        keys = unique(rng.integers(1, 2**63, n, dtype=np.uint64))
        needles = np.concatenate([rng.integers(1, 2**63, 2000, dtype=np.uint64), keys[::-1]])
        got = KeyTable(keys).get(needles)
        assert (got[:2000] == -1).all()
        assert (got[2000:] == np.arange(len(keys))[::-1]).all()


@pytest.mark.parametrize("dtype", [np.uint64, np.int64, np.uint32])
def test_unique_helpers_agree_with_numpy(dtype):
    a = np.random.default_rng(2).integers(0, 50, 1000).astype(dtype)
    assert (unique(a) == np.unique(a)).all()
    u, c = unique_counts(a)
    u2, c2 = np.unique(a, return_counts=True)
    assert (u == u2).all() and (c == c2).all()
    u, inv = unique_inverse(a)
    assert (u[inv] == a).all() and (u == u2).all()
    assert len(unique(a[:0])) == 0


def test_jieba_words_without_punctuation():
    from casework.insight.text import words

    got = words(normalize("我们小区的物业乱收停车费！"))
    assert "物业" in got and "停车费" in got
    assert all(w.strip(" ,!") for w in got)
    assert words("") == []
