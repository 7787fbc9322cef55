"""Related earlier messages: same person resubmitting, the same matter raised by others.

``RelatedIndex`` answers "which indexed messages are most like this one, and
why" in milliseconds over a million messages on one core.

**Shingles and anchors.** A message's shingles are its character 3-grams
(after NFKC, lower case, whitespace collapsed; digits kept, "A2区" is not
"A3区"). A fixed pseudo-random quarter of all possible 3-grams are *anchors*,
chosen by a hash of the 3-gram, so a 3-gram is an anchor in every message or in
none, and two messages sharing a passage share its anchors. A message is
represented by its anchors only (all its 3-grams if it has fewer than
``MIN_ANCHORS``): about 100 for a typical 400-character message. Each anchor
is weighted by its IDF (from a table fitted on up to ``IDF_SAMPLE`` messages).

**Query.**
1. *Candidates*: the query's anchors are looked up in an inverted index, the
   rarest first, until ``max_postings`` postings have been read; every message
   hit is scored by the summed IDF of the anchors it shares and the best
   ``candidates`` (200) are kept.
2. *Re-ranking*: for those, the exact IDF-weighted cosine of the anchor sets
   (read from a forward index) gives the order and the score shown.
3. *Reasons* for the top results: shared phrases (runs of shared 3-grams,
   rarest first) and the places both mention (anonymised districts such as
   "A2区"; named streets, communities, roads, villages found by regex).

**Storage.** Inverted and forward postings live in numpy segments, each
covering a run of consecutive messages, merged by size like an LSM tree
(few segments, merges are linear). ``add`` puts one message in a small
in-memory buffer that queries also search, turned into a segment every
``FLUSH_EVERY`` messages; ``add_many`` builds segments directly (bulk loads).
The IDF table is fitted on the first messages and refitted on a sample of the
stored texts each time the index doubles, until it has seen ``IDF_SAMPLE``
messages; it then stays fixed.

``bench/related.py`` measures recall@5 and latency at 10k/100k/1M messages
against brute-force TF-IDF cosine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .text import (
    KeyTable,
    display,
    _batch_keys,
    codepoints,
    informative_length,
    mix64,
    ngram_keys,
    normalize,
    unique,
    unique_counts,
    unique_inverse,
)

ANCHOR_RATE = 4  # one 3-gram in four is an anchor
MIN_ANCHORS = 8  # below this a message is represented by all its 3-grams
FLUSH_EVERY = 1000  # buffered single additions before they become a segment
IDF_SAMPLE = 50_000
MAX_CHARS = 3_000  # longer texts are cut (head and tail) before indexing


def prepare(text: str | None) -> str:
    """Normalised text for the index: digits kept, case folded, whitespace collapsed, at most MAX_CHARS."""
    return normalize(text, max_chars=MAX_CHARS, digits=False)


def fingerprints(keys: np.ndarray) -> np.ndarray:
    """32-bit fingerprints of 3-gram keys (what the forward index and IDF table store)."""
    return (mix64(keys) >> np.uint64(32)).astype(np.uint32)


def _is_anchor(keys: np.ndarray) -> np.ndarray:
    return (mix64(keys) % np.uint64(ANCHOR_RATE)) == 0


def anchors(text: str) -> np.ndarray:
    """Sorted unique keys representing a prepared text: its anchors, or all its 3-grams if few."""
    if not text:
        return np.empty(0, dtype=np.uint64)
    keys = unique(ngram_keys(codepoints(text), (3,)))
    if len(keys) == 0:  # two characters: their 2-gram is better than nothing
        return unique(ngram_keys(codepoints(text), (2,)))
    sel = keys[_is_anchor(keys)]
    return sel if len(sel) >= MIN_ANCHORS else keys


def _batch_anchors(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(message number within the batch, key) pairs as ``anchors`` would give, sorted by message then key."""
    docs, keys = _batch_keys(texts, (3,))
    anchor = _is_anchor(keys)
    n_anchor = np.bincount(docs[anchor], minlength=len(texts))
    keep = anchor | (n_anchor < MIN_ANCHORS)[docs]
    docs, keys = docs[keep], keys[keep]
    if len(keys):
        order = np.lexsort((keys, docs))
        docs, keys = docs[order], keys[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        docs, keys = docs[first], keys[first]
    # a doc whose anchors were all repeats may now have fewer than MIN_ANCHORS; that is fine
    n_keys = np.bincount(docs, minlength=len(texts))
    tiny = [i for i in np.flatnonzero(n_keys == 0) if texts[i]]
    if tiny:
        extra = [(i, k) for i in tiny for k in anchors(texts[i]).tolist()]
        if extra:
            docs = np.concatenate([docs, np.array([i for i, _ in extra], dtype=np.int64)])
            keys = np.concatenate([keys, np.array([k for _, k in extra], dtype=np.uint64)])
            order = np.lexsort((keys, docs))
            docs, keys = docs[order], keys[order]
    return docs, keys


# -- IDF ------------------------------------------------------------------------------------


class IdfTable:
    """IDF of 3-gram fingerprints, fitted on a sample of messages."""

    def __init__(self, texts: Sequence[str]):
        docs, keys = _batch_keys(texts, (3,))
        fp = fingerprints(keys)
        pair = unique(docs.astype(np.uint64) << np.uint64(32) | fp.astype(np.uint64))
        vocab, df = unique_counts((pair & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        n = max(len(texts), 1)
        keep = df >= (2 if n >= 1000 else 1)
        self.vocab = vocab[keep]
        self.idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        self.unknown = float(np.log((1 + n) / 2) + 1)  # as if seen once
        self.n = n

    def __call__(self, fps: np.ndarray) -> np.ndarray:
        if len(self.vocab) == 0:
            return np.full(len(fps), self.unknown, dtype=np.float32)
        if len(fps) > 50_000:  # sorted needles search much faster (cache); then put them back
            order = np.argsort(fps)
            out = np.empty(len(fps), dtype=np.float32)
            out[order] = self._lookup(fps[order])
            return out
        return self._lookup(fps)

    def _lookup(self, fps: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.vocab, fps)
        pos[pos == len(self.vocab)] = 0
        return np.where(self.vocab[pos] == fps, self.idf[pos], np.float32(self.unknown))


# -- posting segments ----------------------------------------------------------------------


@dataclass
class _Segment:
    """Messages lo..hi-1: inverted postings (key -> messages) and forward fingerprints (message -> keys)."""

    lo: int
    hi: int
    keys: np.ndarray  # sorted unique keys (uint64)
    indptr: np.ndarray  # postings of keys[i] are docs[indptr[i]:indptr[i+1]]
    docs: np.ndarray  # message numbers (int32), ascending within a key
    fwd_indptr: np.ndarray  # fingerprints of message lo+j are fwd[fwd_indptr[j]:fwd_indptr[j+1]]
    fwd: np.ndarray  # uint32

    @classmethod
    def build(cls, lo: int, hi: int, docs: np.ndarray, keys: np.ndarray) -> _Segment:
        """From (message number, key) pairs sorted by message then key."""
        fwd_indptr = np.zeros(hi - lo + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs - lo, minlength=hi - lo), out=fwd_indptr[1:])
        fwd = fingerprints(keys)
        order = np.argsort(keys, kind="stable")  # by key, messages stay ascending
        ikeys, idocs = keys[order], docs[order].astype(np.int32)
        k, ip = cls._csr(ikeys)
        return cls(lo, hi, k, ip, idocs, fwd_indptr, fwd)

    @staticmethod
    def _csr(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(sorted_keys) == 0:
            return np.empty(0, np.uint64), np.zeros(1, np.int64)
        starts = np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))
        return sorted_keys[starts], np.append(starts, len(sorted_keys)).astype(np.int64)

    @property
    def n_postings(self) -> int:
        return len(self.docs)

    def merge(self, other: _Segment) -> _Segment:
        """This segment followed by ``other`` (its messages come next)."""
        assert self.hi == other.lo
        k = np.concatenate([np.repeat(self.keys, np.diff(self.indptr)), np.repeat(other.keys, np.diff(other.indptr))])
        d = np.concatenate([self.docs, other.docs])
        order = np.argsort(k, kind="stable")  # timsort: two sorted runs, a linear merge
        k, d = k[order], d[order]
        del order
        keys, indptr = self._csr(k)
        del k
        fwd_indptr = np.concatenate([self.fwd_indptr, other.fwd_indptr[1:] + self.fwd_indptr[-1]])
        return _Segment(self.lo, other.hi, keys, indptr, d, fwd_indptr, np.concatenate([self.fwd, other.fwd]))

    def lookup(self, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(start, length) of each probe's postings (length 0 if absent)."""
        if len(self.keys) == 0:
            z = np.zeros(len(probes), dtype=np.int64)
            return z, z
        pos = np.searchsorted(self.keys, probes)
        pos[pos == len(self.keys)] = 0
        found = self.keys[pos] == probes
        start = self.indptr[pos]
        return start, np.where(found, self.indptr[pos + 1] - start, 0)

    def forward(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(fingerprints, how many per message) for messages of this segment."""
        j = positions - self.lo
        start = self.fwd_indptr[j]
        length = self.fwd_indptr[j + 1] - start
        return _gather(self.fwd, start, length), length


def _gather(arr: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenation of arr[start[i]:start[i]+length[i]] for all i, without a Python loop."""
    total = int(length.sum())
    if total == 0:
        return np.empty(0, dtype=arr.dtype)
    offsets = np.repeat(start - np.cumsum(length) + length, length) + np.arange(total)
    return arr[offsets]


# -- places ----------------------------------------------------------------------------------

_ADMIN = re.compile(r"[a-z]\d+[市区县]|[a-z][市区县]")
_RUN = re.compile(r"[\u4e00-\u9fff]+")
_MARKER = re.compile(r"街道|社区|小区|新村|大道|花园|公寓|家园|广场|大厦|村|镇|乡|路|街|苑")
_BOUNDARY = re.compile(r".*[的在与对而还于是从到向把被给往近住说及或并都也就让将我们该本此这那位个所了即]")


def places(text: str) -> list[str]:
    """Place mentions in a prepared (lower-cased) text, in order, without repeats.

    Anonymised districts with a number ("a2区", shown upper-cased) and named
    streets, communities, villages, towns, roads ("桂花坪街道", "景蓉华苑小区",
    "劳动路"); the city alone ("a市") is too common to be a reason and is left out.
    Heuristic: a name is the two to six characters before a marker word,
    cut after the last function character (的, 在, 我 ...).
    """
    found = [m.group(0).upper() for m in _ADMIN.finditer(text) if any(ch.isdigit() for ch in m.group(0))]
    for run in _RUN.finditer(_ADMIN.sub("|", text)):
        s = run.group(0)
        start, last_end = 0, -1
        for m in _MARKER.finditer(s):
            prefix = s[start : m.start()]
            b = _BOUNDARY.match(prefix)
            if b:
                prefix = prefix[b.end():]
            if 2 <= len(prefix) <= 6:
                found.append(prefix + m.group(0))
                last_end = m.end()
            elif m.start() == last_end and not prefix:  # 景蓉华苑 + 小区
                found[-1] += m.group(0)
                last_end = m.end()
            start = m.end()
    return list(dict.fromkeys(found))


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    id: Hashable
    score: float  # IDF-weighted cosine of the anchor 3-gram sets, 0..1
    shared_phrases: tuple[str, ...] = ()
    same_places: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        parts = []
        if self.score >= 0.95:
            parts.append("内容几乎相同")
        if self.shared_phrases:
            parts.append("相同表述：" + "、".join(f"“{p}”" for p in self.shared_phrases))
        if self.same_places:
            parts.append("同一地点：" + "、".join(self.same_places))
        return "；".join(parts) or "内容相似"


class _Phrases:
    """Shared phrases of one query with several messages; the query's side is computed once."""

    def __init__(self, q: str, idf: IdfTable):
        self.q = q
        self.qk = ngram_keys(codepoints(q), (3,))  # by position
        uq, self.inv = unique_inverse(self.qk)
        self.n_unique = len(uq)
        self.w = idf(fingerprints(self.qk)) if len(self.qk) else np.zeros(0, dtype=np.float32)
        self.table = KeyTable(uq) if len(uq) else None

    def shared_with(self, d: str, limit: int = 3, max_len: int = 24) -> tuple[str, ...]:
        """Runs of the query's 3-grams that also occur in ``d``, the rarest (summed IDF) first."""
        if self.table is None or not d:
            return ()
        got = self.table.get(ngram_keys(codepoints(d), (3,)))
        present = np.zeros(self.n_unique, dtype=bool)
        present[got[got >= 0]] = True
        shared = present[self.inv]
        if not shared.any():
            return ()
        w = np.where(shared, self.w, 0.0)
        edges = np.diff(np.concatenate([[0], shared.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # ends exclusive, in 3-grams
        csum = np.concatenate([[0.0], np.cumsum(w)])
        weight = csum[ends] - csum[starts]
        out: list[str] = []
        for r in np.argsort(-weight, kind="stable")[: 4 * limit]:
            phrase = self.q[starts[r] : ends[r] + 2].strip(" ，。、！？；：,.!?;:")
            if informative_length(phrase, cap=4) < 4:
                continue
            if len(phrase) > max_len:
                phrase = phrase[: max_len - 1] + "…"
            phrase = display(phrase)
            if phrase not in out:
                out.append(phrase)
            if len(out) >= limit:
                break
        return tuple(out)


# -- the index -------------------------------------------------------------------------------


@dataclass
class RelatedIndex:
    """Messages by id; ``query(text)`` returns the most similar earlier ones with reasons."""

    candidates: int = 200  # messages re-ranked exactly per query
    max_postings: int = 30_000  # postings read per query at most (rarest anchors first)
    seed: int = 0
    ids: list = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    _segments: list[_Segment] = field(default_factory=list)
    _buffer: dict[int, list[int]] = field(default_factory=dict)  # key -> buffered messages
    _buffer_fwd: dict[int, np.ndarray] = field(default_factory=dict)  # buffered message -> fingerprints
    _idf: IdfTable | None = None
    _norms: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.float32))
    _positions: dict = field(default_factory=dict)  # id -> insertion number (no lists: fewer objects for the GC)
    _repeats: dict = field(default_factory=dict)  # id -> later insertion numbers, for ids added again

    def __len__(self) -> int:
        return len(self.ids)

    # -- adding
    def add(self, id: Hashable, text: str | None) -> None:
        """Index one message: cheap (buffered), and visible to queries at once."""
        t = prepare(text)
        n = len(self.ids)
        self._append([id], [t])
        keys = anchors(t)
        for k in keys.tolist():
            self._buffer.setdefault(k, []).append(n)
        fps = fingerprints(keys)
        self._buffer_fwd[n] = fps
        if not self._maybe_refit_idf():
            self._set_norms(n, np.array([self._norm(fps)]))
        if len(self._buffer_fwd) >= FLUSH_EVERY:
            self._flush()

    def add_many(self, ids: Sequence[Hashable], texts: Sequence[str | None], *, batch: int = 20_000,
                 progress=None) -> None:
        """Index many messages (bulk load); ``progress(n)`` is called after each batch of n."""
        if len(ids) != len(texts):
            raise ValueError("ids and texts must have the same length")
        self._flush()
        # Fit the IDF table once, on the messages it would end up fitted on, rather than
        # refitting as the index doubles during this call.
        head: list[str] = []
        target = min(IDF_SAMPLE, len(self.texts) + len(texts))
        if self._idf is None or (self._idf.n < IDF_SAMPLE and target >= 2 * self._idf.n):
            head = [prepare(t) for t in texts[: max(0, target - len(self.texts))]]
            self._refit_on(self.texts + head)
        for start in range(0, len(texts), batch):
            if start < len(head):
                prepared = head[start : start + batch] + [prepare(t) for t in texts[len(head) : start + batch]]
            else:
                prepared = [prepare(t) for t in texts[start : start + batch]]
            base = len(self.ids)
            self._append(list(ids[start : start + batch]), prepared)
            docs, keys = _batch_anchors(prepared)
            seg = _Segment.build(base, base + len(prepared), docs + base, keys)
            self._push(seg)
            if not self._maybe_refit_idf():
                self._set_norms(base, self._segment_norms(seg, base, base + len(prepared)))
            if progress:
                progress(len(prepared))

    def _append(self, ids: list, texts: list[str]) -> None:
        base = len(self.ids)
        for j, x in enumerate(ids):
            if x in self._positions:
                self._repeats.setdefault(x, []).append(base + j)
            else:
                self._positions[x] = base + j
        self.ids.extend(ids)
        self.texts.extend(texts)

    def _norm(self, fps: np.ndarray) -> float:
        w = self._idf(fps).astype(np.float64)
        return float(np.sqrt(np.dot(w, w)))

    def _segment_norms(self, seg: _Segment, lo: int, hi: int) -> np.ndarray:
        j0, j1 = lo - seg.lo, hi - seg.lo
        a, b = seg.fwd_indptr[j0], seg.fwd_indptr[j1]
        w = self._idf(seg.fwd[a:b]).astype(np.float64)
        rows = np.repeat(np.arange(hi - lo), np.diff(seg.fwd_indptr[j0 : j1 + 1]))
        return np.sqrt(np.bincount(rows, weights=w * w, minlength=hi - lo))

    def _set_norms(self, start: int, values: np.ndarray) -> None:
        need = start + len(values)
        if need > len(self._norms):
            grown = np.zeros(max(need, 2 * len(self._norms)), dtype=np.float32)
            grown[: len(self._norms)] = self._norms
            self._norms = grown
        self._norms[start:need] = values

    def _flush(self) -> None:
        if not self._buffer_fwd:
            return
        lo = min(self._buffer_fwd)
        hi = max(self._buffer_fwd) + 1
        counts = [len(self._buffer_fwd[i]) for i in range(lo, hi)]
        docs = np.repeat(np.arange(lo, hi, dtype=np.int64), counts)
        keys = np.fromiter((k for k, v in self._buffer.items() for _ in v), dtype=np.uint64,
                           count=sum(len(v) for v in self._buffer.values()))
        kdocs = np.fromiter((d for v in self._buffer.values() for d in v), dtype=np.int64, count=len(keys))
        order = np.lexsort((keys, kdocs))
        assert np.array_equal(kdocs[order], docs)
        self._buffer, self._buffer_fwd = {}, {}
        self._push(_Segment.build(lo, hi, docs, keys[order]))

    def _push(self, seg: _Segment) -> None:
        """Add a segment; merge neighbours of similar size (few segments, linear merges)."""
        self._segments.append(seg)
        while len(self._segments) >= 2 and self._segments[-1].n_postings * 2 >= self._segments[-2].n_postings:
            b = self._segments.pop()
            a = self._segments.pop()
            self._segments.append(a.merge(b))

    def _maybe_refit_idf(self) -> bool:
        """Fit the IDF table on the first messages, refit when the index doubles (up to IDF_SAMPLE)."""
        n = len(self.texts)
        if n == 0 or (self._idf is not None and (self._idf.n >= IDF_SAMPLE or n < 2 * self._idf.n)):
            return False
        if n <= IDF_SAMPLE:
            sample = self.texts
        else:
            sample = [self.texts[i] for i in random.Random(self.seed).sample(range(n), IDF_SAMPLE)]
        self._refit_on(sample)
        return True

    def _refit_on(self, sample: list[str]) -> None:
        self._idf = IdfTable(sample)
        for seg in self._segments:
            self._set_norms(seg.lo, self._segment_norms(seg, seg.lo, seg.hi))
        for i, fps in self._buffer_fwd.items():
            self._set_norms(i, np.array([self._norm(fps)]))

    # -- querying
    def _candidates(self, probes: np.ndarray, weights: np.ndarray, exclude: set[int]) -> np.ndarray:
        """Messages sharing the query's rarest anchors, by summed IDF (at most ``candidates``)."""
        if len(probes) == 0:
            return np.empty(0, dtype=np.int64)
        looked = [seg.lookup(probes) for seg in self._segments]
        df = np.zeros(len(probes), dtype=np.int64)
        for _, length in looked:
            df += length
        buffered = [self._buffer.get(k, ()) for k in probes.tolist()] if self._buffer else None
        if buffered is not None:
            df += np.array([len(b) for b in buffered], dtype=np.int64)
        order = np.argsort(df, kind="stable")
        order = order[df[order] > 0]
        if len(order) == 0:
            return np.empty(0, dtype=np.int64)
        cum = np.cumsum(df[order])
        take = order[: max(1, int(np.searchsorted(cum, self.max_postings, side="right")))]
        hits, w = [], []
        for seg, (start, length) in zip(self._segments, looked):
            hits.append(_gather(seg.docs, start[take], length[take]))
            w.append(np.repeat(weights[take], length[take]))
        if buffered is not None:
            for i in take.tolist():
                if buffered[i]:
                    hits.append(np.asarray(buffered[i], dtype=np.int32))
                    w.append(np.full(len(buffered[i]), weights[i]))
        uniq, inv = unique_inverse(np.concatenate(hits))
        score = np.bincount(inv, weights=np.concatenate(w))
        if exclude:
            score[np.isin(uniq, np.fromiter(exclude, dtype=np.int64, count=len(exclude)))] = -1
        m = min(self.candidates, len(uniq))
        best = np.argpartition(-score, m - 1)[:m] if m < len(uniq) else np.arange(len(uniq))
        best = best[score[best] > 0]
        return uniq[best].astype(np.int64)

    def _forward(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(fingerprints, owner index into positions) for the given messages."""
        fps, owner = [], []
        los = np.array([s.lo for s in self._segments], dtype=np.int64)
        seg_of = np.searchsorted(los, positions, side="right") - 1
        for si in np.unique(seg_of).tolist():
            idx = np.flatnonzero(seg_of == si)
            seg = self._segments[si] if si >= 0 else None
            if seg is not None and positions[idx[0]] < seg.hi:
                inside = positions[idx] < seg.hi
                f, length = seg.forward(positions[idx[inside]])
                fps.append(f)
                owner.append(np.repeat(idx[inside], length))
                idx = idx[~inside]
            for i in idx.tolist():  # buffered messages
                f = self._buffer_fwd.get(int(positions[i]), np.empty(0, np.uint32))
                fps.append(f)
                owner.append(np.full(len(f), i))
        if not fps:
            return np.empty(0, np.uint32), np.empty(0, np.int64)
        return np.concatenate(fps), np.concatenate(owner)

    def similarities(self, q_keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """IDF-weighted cosine of the query's anchor set with those of the messages at ``positions``."""
        qf = fingerprints(q_keys)
        qf, first = np.unique(qf, return_index=True)
        qw = self._idf(qf).astype(np.float64)
        qnorm = float(np.sqrt(np.dot(qw, qw)))
        if len(positions) == 0 or qnorm == 0:
            return np.zeros(len(positions))
        fps, owner = self._forward(positions)
        got = KeyTable(qf.astype(np.uint64)).get(fps.astype(np.uint64))
        hit = got >= 0
        dot = np.bincount(owner[hit], weights=qw[got[hit]] ** 2, minlength=len(positions))
        norms = self._norms[positions].astype(np.float64)
        return np.minimum(dot / (qnorm * np.where(norms > 0, norms, 1.0)), 1.0)

    def query(self, text: str | None, k: int = 5, *, exclude: Iterable[Hashable] = (),
              exclude_positions: Iterable[int] = (), min_score: float = 0.0,
              reasons: bool = True) -> list[Related]:
        """The ``k`` most similar indexed messages, best first.

        ``exclude`` takes ids (e.g. the case itself, when it is already indexed);
        ``exclude_positions`` takes insertion numbers. An empty or one-character
        text returns ``[]``.
        """
        q = prepare(text)
        if len(self.ids) == 0 or informative_length(q, cap=2) < 2:
            return []
        excl = set(exclude_positions)
        for x in exclude:
            excl.update(self.positions(x))
        keys = anchors(q)
        weights = self._idf(fingerprints(keys)).astype(np.float64)
        cand = self._candidates(keys, weights, excl)
        if len(cand) == 0:
            return []
        sims = self.similarities(keys, cand)
        order = np.argsort(-sims, kind="stable")[:k]
        out = []
        qplaces = places(q) if reasons else []
        phrasing = _Phrases(q, self._idf) if reasons else None
        for j in order.tolist():
            if sims[j] <= 0 or sims[j] < min_score:
                break
            i = int(cand[j])
            phrases: tuple[str, ...] = ()
            same: tuple[str, ...] = ()
            if reasons:
                d = self.texts[i]
                phrases = phrasing.shared_with(d)
                same = tuple(p for p in qplaces if p.lower() in d)  # a substring test, no regex over d
            out.append(Related(self.ids[i], round(float(sims[j]), 4), phrases, same))
        return out

    def positions(self, id: Hashable) -> list[int]:
        """Insertion numbers of the messages added under ``id``."""
        if id not in self._positions:
            return []
        return [self._positions[id], *self._repeats.get(id, ())]
