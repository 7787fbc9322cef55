"""Chinese text normalisation and fast n-gram features (plain Python + numpy, no Django).

Messages are short Chinese prose with anonymised places ("A2区", "A市"), masked
phone numbers and the odd English word. Two kinds of features are used:

* **character n-grams** (1-3 by default), the workhorse for Chinese, where words
  are not delimited. They are computed with numpy, not a Python loop: the text
  becomes an array of code points and an n-gram is encoded *exactly* in one
  unsigned 64-bit integer (21 bits per code point, 3 code points per key), so
  there are no hash collisions and no per-n-gram Python objects. A fitted
  vocabulary is a sorted ``uint64`` array; lookup is ``np.searchsorted``.
* **words** from ``jieba`` (optional; slower, about 10 µs per character).

``CharNgramVectorizer`` reproduces ``TfidfVectorizer(analyzer="char",
sublinear_tf=True)`` (smooth idf, l2 norm) at a fraction of the cost, which is
what keeps single-message prediction well under a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

#: Longest text used for features; longer input is cut (head and tail kept).
MAX_CHARS = 4000

_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)

# Code points use 21 bits; three fit in a uint64 key (63 bits).
_BITS = np.uint64(21)


def truncate(text: str, max_chars: int = MAX_CHARS) -> str:
    """Keep the head (three quarters) and the tail of an over-long text.

    The request usually comes first and the demand last; the middle of a
    100,000-character paste is rarely what decides the category.
    """
    if len(text) <= max_chars:
        return text
    head = max_chars * 3 // 4
    return text[:head] + " " + text[-(max_chars - head - 1):]


def normalize(text: str | None, *, max_chars: int = MAX_CHARS, digits: bool = True) -> str:
    """NFKC (full-width to half-width), lower case, URLs dropped, whitespace collapsed.

    ``digits=True`` maps every digit to ``0`` so that dates, amounts and masked
    phone numbers share features ("2019年" and "2020年" look alike).
    """
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = truncate(text, max_chars * 2)  # bound the cost of the regexes below
    text = unicodedata.normalize("NFKC", text).lower()
    text = _URL.sub(" ", text)
    if digits:
        text = _DIGITS.sub("0", text)
    text = _WS.sub(" ", text).strip()
    return truncate(text, max_chars)


_MEANINGFUL = re.compile(r"[^\W_]")
_CODE = re.compile(r"(?<![a-z])([a-z])(?=\d|[省市县区镇乡村])")


def display(phrase: str) -> str:
    """A phrase cut from normalised (lower-cased) text, as people write it: "a3区" -> "A3区"."""
    return _CODE.sub(lambda m: m.group(1).upper(), phrase)


def informative_length(text: str, cap: int | None = None) -> int:
    """Characters that carry meaning (letters, digits, CJK; not punctuation or spaces), counted up to ``cap``."""
    n = 0
    for _ in _MEANINGFUL.finditer(text):
        n += 1
        if cap is not None and n >= cap:
            break
    return n


# -- sorting-based unique ------------------------------------------------------------------
# numpy 2.4's np.unique hashes large integer arrays, which is far slower (tens of
# times, measured) than sorting them; these helpers sort.


def unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values."""
    b = np.sort(a)
    if len(b) == 0:
        return b
    keep = np.empty(len(b), dtype=bool)
    keep[0] = True
    np.not_equal(b[1:], b[:-1], out=keep[1:])
    return b[keep]


def unique_counts(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs."""
    b = np.sort(a)
    if len(b) == 0:
        return b, np.zeros(0, dtype=np.int64)
    keep = np.empty(len(b), dtype=bool)
    keep[0] = True
    np.not_equal(b[1:], b[:-1], out=keep[1:])
    starts = np.flatnonzero(keep)
    return b[starts], np.diff(np.append(starts, len(b)))


def unique_inverse(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values, and for each element of ``a`` the index of its value."""
    order = np.argsort(a)
    b = a[order]
    if len(b) == 0:
        return b, np.zeros(0, dtype=np.int64)
    keep = np.empty(len(b), dtype=bool)
    keep[0] = True
    np.not_equal(b[1:], b[:-1], out=keep[1:])
    inv = np.empty(len(a), dtype=np.int64)
    inv[order] = np.cumsum(keep) - 1
    return b[keep], inv


# -- character n-grams as exact uint64 keys ------------------------------------------------


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _ngrams_at(cp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram starting at each position as a key, and whether it holds no separator (code point 0)."""
    m = len(cp)
    key = cp[: m - n + 1].copy()
    ok = key != 0
    for k in range(1, n):
        nxt = cp[k : m - n + 1 + k]
        key = (key << _BITS) | nxt
        ok &= nxt != 0
    return key, ok


def ngram_keys(cp: np.ndarray, ns: Sequence[int] = (1, 2, 3)) -> np.ndarray:
    """Every n-gram (n in ``ns``, each n <= 3) of a code-point array as one uint64 key.

    Code point 0 is a separator: n-grams containing it are dropped, so many
    texts can be processed in one concatenated array.
    """
    out = []
    for n in ns:
        if not 1 <= n <= 3:
            raise ValueError("n-gram orders must be 1, 2 or 3")
        if len(cp) >= n:
            key, ok = _ngrams_at(cp, n)
            out.append(key[ok])
    if not out:
        return np.empty(0, dtype=np.uint64)
    return np.concatenate(out)


def _batch_keys(texts: Sequence[str], ns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(doc index, key) for every n-gram of every text, computed in one pass.

    Texts are joined with the separator code point 0; each key is attributed to
    the document of its first character.
    """
    if not texts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    joined = "\0".join(texts) + "\0"
    cp = codepoints(joined)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(t) + 1 for t in texts])
    docs, keys = [], []
    pos_doc = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(starts))
    for n in ns:
        if len(cp) >= n:
            key, ok = _ngrams_at(cp, n)
            keys.append(key[ok])
            docs.append(pos_doc[: len(key)][ok])
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    return np.concatenate(docs), np.concatenate(keys)


def _counts_matrix(docs: np.ndarray, cols: np.ndarray, n_docs: int, n_cols: int) -> sp.csr_matrix:
    """CSR matrix of occurrence counts of (doc, col) pairs, columns sorted within rows."""
    if len(cols) == 0:
        return sp.csr_matrix((n_docs, n_cols), dtype=np.float32)
    pair = docs.astype(np.int64) * np.int64(max(n_cols, 1)) + cols.astype(np.int64)
    uniq, counts = unique_counts(pair)
    rows = uniq // max(n_cols, 1)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    indices = (uniq - rows * max(n_cols, 1)).astype(np.int32)
    return sp.csr_matrix((counts.astype(np.float32), indices, indptr), shape=(n_docs, n_cols))


class CharNgramVectorizer:
    """TF-IDF over exact character n-grams, computed with numpy.

    Equivalent to ``TfidfVectorizer(analyzer="char", ngram_range=..., min_df=...,
    sublinear_tf=True)`` (smooth IDF, l2-normalised rows) on already normalised text.
    """

    def __init__(self, ns: Sequence[int] = (1, 2, 3), min_df: int = 1, sublinear_tf: bool = True,
                 max_features: int | None = None):
        self.ns = tuple(ns)
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.max_features = max_features
        self.vocab_: np.ndarray | None = None
        self.idf_: np.ndarray | None = None

    # -- fitting
    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        docs, keys = _batch_keys(texts, self.ns)
        uniq, inv = unique_inverse(keys)
        counts = _counts_matrix(docs, inv, len(texts), len(uniq))
        df = np.diff(counts.tocsc().indptr)
        keep = df >= self.min_df
        if self.max_features is not None and keep.sum() > self.max_features:
            order = np.argsort(-df, kind="stable")[: self.max_features]
            keep = np.zeros_like(keep)
            keep[order] = True
        self.vocab_ = uniq[keep]
        n = max(len(texts), 1)
        self.idf_ = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        counts = counts[:, np.flatnonzero(keep)]
        return self._weight(counts.tocsr())

    def fit(self, texts: Sequence[str]) -> CharNgramVectorizer:
        self.fit_transform(texts)
        return self

    # -- transforming
    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Column index of each key, and a mask of the keys that are in the vocabulary."""
        vocab = self.vocab_
        if vocab is None:
            raise RuntimeError("vectorizer is not fitted")
        if len(vocab) == 0:
            return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
        # Look up each distinct key once, in sorted order (cache friendly), then map back.
        uniq, inv = unique_inverse(keys)
        pos = np.searchsorted(vocab, uniq)
        pos[pos == len(vocab)] = 0
        ok = vocab[pos] == uniq
        return pos[inv], ok[inv]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if len(texts) == 1:
            return self.transform_one(texts[0])
        docs, keys = _batch_keys(texts, self.ns)
        pos, ok = self.lookup(keys)
        counts = _counts_matrix(docs[ok], pos[ok], len(texts), len(self.vocab_))
        return self._weight(counts)

    def transform_one(self, text: str) -> sp.csr_matrix:
        """One text (the hot path at intake): one sort, no COO round trip."""
        vocab = self.vocab_
        if vocab is None:
            raise RuntimeError("vectorizer is not fitted")
        keys = ngram_keys(codepoints(text), self.ns) if text else np.empty(0, dtype=np.uint64)
        uniq, counts = unique_counts(keys)
        if len(vocab) and len(uniq):
            pos = np.searchsorted(vocab, uniq)
            pos[pos == len(vocab)] = 0
            ok = vocab[pos] == uniq
            cols = pos[ok].astype(np.int32)  # already increasing: uniq and vocab are both sorted
            data = counts[ok].astype(np.float32)
        else:
            cols = np.empty(0, dtype=np.int32)
            data = np.empty(0, dtype=np.float32)
        if self.sublinear_tf:
            np.log(data, out=data)
            data += 1
        data *= self.idf_[cols]
        norm = float(np.sqrt(np.dot(data, data)))
        if norm > 0:
            data /= norm
        indptr = np.array([0, len(cols)], dtype=np.int32)
        return sp.csr_matrix((data, cols, indptr), shape=(1, len(vocab)))

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = counts if counts.dtype == np.float32 else counts.astype(np.float32)
        if self.sublinear_tf:
            np.log(x.data, out=x.data)
            x.data += 1
        x.data *= self.idf_[x.indices]
        return l2_normalize(x)

    @property
    def n_features(self) -> int:
        return 0 if self.vocab_ is None else len(self.vocab_)


def l2_normalize(x: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length, in place on the CSR data (empty rows stay empty)."""
    if x.dtype != np.float32:
        x = x.astype(np.float32)
    lengths = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data /= norms[rows].astype(np.float32)
    return x


# -- words (jieba) ---------------------------------------------------------------------------

_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")


def words(text: str, *, hmm: bool = False) -> list[str]:
    """jieba words of a normalised text, punctuation and spaces dropped."""
    if not text:
        return []
    return [w for w in _get_jieba().lcut(text, HMM=hmm) if _TOKEN_OK.search(w)]


# -- exact lookup of many uint64 keys in a small set ----------------------------------------

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_FIB = np.uint64(0x9E3779B97F4A7C15)


def mix64(keys: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread hash of each uint64 key."""
    with np.errstate(over="ignore"):
        z = keys ^ (keys >> np.uint64(30))
        z = z * _MIX1
        z = z ^ (z >> np.uint64(27))
        z = z * _MIX2
        return z ^ (z >> np.uint64(31))


class KeyTable:
    """Position of each needle in a set of distinct non-zero uint64 keys, or -1.

    Two direct-mapped tables (two hashes of each key), sized so that every key
    finds a free slot in one of them: a lookup is a few vectorised gathers,
    much faster than ``np.searchsorted`` or ``np.isin`` on 64-bit keys.
    """

    def __init__(self, keys: np.ndarray):
        keys = np.asarray(keys, dtype=np.uint64)
        n = len(keys)
        bits = max(8, int(np.ceil(np.log2(max(n, 1) * 4))))
        while True:
            mask = np.uint64((1 << bits) - 1)
            s1, s2 = self._slots(keys, bits, mask)
            t1k = np.zeros(1 << bits, dtype=np.uint64)
            t1v = np.full(1 << bits, -1, dtype=np.int64)
            _, first = np.unique(s1, return_index=True)
            t1k[s1[first]] = keys[first]
            t1v[s1[first]] = first
            rest = np.setdiff1d(np.arange(n), first, assume_unique=True)
            t2k = np.zeros(1 << bits, dtype=np.uint64)
            t2v = np.full(1 << bits, -1, dtype=np.int64)
            if len(rest):
                slots = s2[rest]
                if len(np.unique(slots)) < len(slots):
                    bits += 1
                    continue
                t2k[slots] = keys[rest]
                t2v[slots] = rest
            break
        self.bits, self.mask, self.t1k, self.t1v, self.t2k, self.t2v = bits, mask, t1k, t1v, t2k, t2v
        self.two = len(rest) > 0

    @staticmethod
    def _slots(keys: np.ndarray, bits: int, mask: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        """Two slots per key from one multiplicative (Fibonacci) hash: its top bits, and the next ones."""
        with np.errstate(over="ignore"):
            h = keys * _FIB
        s1 = h >> np.uint64(64 - bits)
        s2 = (h >> np.uint64(64 - 2 * bits)) & mask
        return s1.astype(np.intp), s2.astype(np.intp)

    def get(self, needles: np.ndarray) -> np.ndarray:
        s1, s2 = self._slots(needles, self.bits, self.mask)
        out = np.where(self.t1k[s1] == needles, self.t1v[s1], -1)
        if self.two:
            out = np.where((out < 0) & (self.t2k[s2] == needles), self.t2v[s2], out)
        return out


def case_text(title: str, request: str, facts_reasons: str) -> str:
    """What is compared: the title, the request when it says more than the title, the facts."""
    parts = [title or ""]
    if request and request.strip() != (title or "").strip():
        parts.append(request)
    parts.append(facts_reasons or "")
    return "\n".join(p for p in parts if p)
