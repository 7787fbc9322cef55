"""Category (unit) suggestion for an incoming message: top three with calibrated confidence.

The model, chosen on a development split of the real messages (never on the
split a benchmark reports), is a small stack:

1. **NB-SVM** (Wang & Manning 2012): for each category, character 1-3-gram
   TF-IDF features are scaled by their naive-Bayes log-count ratio (how much
   more often the n-gram occurs in that category than in the others) and a
   linear SVM is trained one-vs-rest on the scaled features.
2. **k nearest neighbours** (cosine on the same TF-IDF vectors, n-grams found in
   more than 10% of the messages left out so that a query touches fewer postings):
   per category, the share of the 10 nearest messages and the best similarity.
   Messages of one category are often written from the same template.
3. **A multinomial logistic regression** on those 3 x (number of categories)
   scores, trained on out-of-fold scores (3-fold cross-fitting). It both
   combines the two and turns scores into calibrated probabilities.

On 4-fold cross-validation inside the training part of the fixed split this
gets macro-F1 about 0.914 where a plain character TF-IDF + LinearSVC gets about
0.892; on the held-back 20% (``bench/routing.py``, which measures both on any
CSV) 0.910 against 0.895, about 1.3 ms per message on one core, about 11 s to
train on 4,600 messages with 2 threads; the model is about 19 MB (the kNN part
holds the training vectors). ``jieba`` word features added about 0.002 on the
development folds for ten times the featurisation cost, so they are not used.
Other things tried there and not kept: character 4-grams, a separate title
block, LSA features, self-training on the unlabelled messages (worse),
class weights, ComplementNB in the stack. A later round, on the same 4-fold
development split (current model 0.9117 there), found nothing outside the
fold-to-fold noise (about +-0.003), so nothing was changed: stacker C 0.1-10,
SVM C 0.5-4, hinge / modified-Huber SGD / logistic regression as the base
loss, 5 to 30 neighbours, kNN max_df 0.05 or 0.3, min_df 1 or 3, text cut to
600 or 1,200 characters, the title twice, 5 cross-fitting folds or two
cross-fitting seeds, extra stacked blocks (plain TF-IDF SVM or logistic
regression, character n-grams of the title alone, jieba words of the title;
all 0.907-0.911), jieba words of the whole message (0.9126, too slow at
intake), per-class bias offsets tuned for macro-F1 (0.9100), and dropping
training messages whose out-of-fold probability for their own label is low
(p < 0.02-0.2, confident learning, margin rules: 0.905-0.913; the best one,
p < 0.1, gave 0.9076 against 0.9135 on a second set of folds). About 2% of the
development messages are predicted wrong with confidence above 0.9, many of
them plausibly mislabelled or ambiguous, which bounds what a better fit buys.

Bad input:
* an empty or one-character message (after normalisation): ``predict_top3``
  returns ``[]``, no suggestion rather than a guess;
* a very long message: only ``text.MAX_CHARS`` characters (head and tail) are used;
* non-Chinese text: works (character n-grams of any script), though with little
  in common with the training messages the suggestions mean little; a message
  with no n-gram at all in the model's vocabulary gets ``[]``;
* a category with fewer than ``MIN_EXAMPLES`` examples: **left out of the model**
  with a ``RareCategoryWarning`` naming it (rather than refusing to train: one
  rare new category must not block retraining for all the others); the
  categories left out are in ``Router.info["dropped_labels"]``;
* no usable training data, or fewer than two categories left: ``TrainingDataError``
  (Chinese message). ``fit`` builds everything before assigning, so a failed
  ``fit`` leaves the object, and the caller's previous model, unchanged.

Models are saved with ``to_bytes()`` as a numpy ``.npz`` archive (no pickle:
loading a model never runs code) with a format number and a version string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp

from .errors import ModelFormatError, NotTrainedError, RareCategoryWarning, TrainingDataError
from .text import MAX_CHARS, CharNgramVectorizer, informative_length, normalize

ALGORITHM = "nbsvm+knn+stack/char1-3"
FORMAT = 1
MAGIC = b"CWROUTER\n"
MIN_EXAMPLES = 5


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float  # calibrated probability, 0..1


@dataclass
class RouterParams:
    ngrams: tuple[int, ...] = (1, 2, 3)
    min_df: int = 2
    svm_c: float = 2.0
    svm_loss: str = "squared_hinge"
    nb_alpha: float = 1.0
    knn_k: int = 10
    knn_max_df: float = 0.1  # n-grams in more than this share of messages are not used by the kNN
    knn_unigrams: bool = True  # single characters used by the kNN
    knn_top_terms: int | None = None  # each training message keeps its heaviest n-grams for the kNN
    folds: int = 3
    stack_c: float = 1.0
    max_chars: int = MAX_CHARS
    min_examples: int = MIN_EXAMPLES
    seed: int = 0


def prepare(text: str | None, title: str | None = None, *, max_chars: int = MAX_CHARS) -> str:
    """The string the model sees: normalised title, a space, normalised text."""
    t = normalize(title, max_chars=max_chars // 4) if title else ""
    body = normalize(text, max_chars=max_chars)
    return f"{t} {body}".strip() if t else body


# -- the pieces ------------------------------------------------------------------------------


def _scale_columns(x: sp.csr_matrix, r: np.ndarray) -> sp.csr_matrix:
    y = x.copy()
    y.data *= r[y.indices]
    return y


def _fit_nbsvm(x: sp.csr_matrix, y: np.ndarray, n_classes: int, p: RouterParams, n_jobs: int = 1):
    """One-vs-rest NB-SVM; returns (W: classes x features, b: classes), W already scaled by r."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    present = x.copy()
    present.data[:] = 1.0
    onehot = sp.csr_matrix((np.ones(len(y), dtype=np.float32), (y, np.arange(len(y)))),
                           shape=(n_classes, len(y)))
    per_class = np.asarray((onehot @ present).todense(), dtype=np.float64)  # classes x features
    total = per_class.sum(axis=0)

    def one(c: int):
        pc = per_class[c] + p.nb_alpha
        qc = total - per_class[c] + p.nb_alpha
        r = (np.log(pc / pc.sum()) - np.log(qc / qc.sum())).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            svm = LinearSVC(C=p.svm_c, loss=p.svm_loss, max_iter=3000, random_state=p.seed)
            svm.fit(_scale_columns(x, r), (y == c).astype(np.int8))
        return (svm.coef_.ravel() * r).astype(np.float32), float(svm.intercept_[0])

    if n_jobs > 1:
        from joblib import Parallel, delayed

        out = Parallel(n_jobs=n_jobs, backend="threading")(delayed(one)(c) for c in range(n_classes))
    else:
        out = [one(c) for c in range(n_classes)]
    return np.vstack([w for w, _ in out]), np.array([b for _, b in out])


def _knn_matrix(x: sp.csr_matrix, max_df: float, top_terms: int | None,
                drop: np.ndarray | None = None) -> sp.csr_matrix:
    """Training vectors transposed (features x messages) for the neighbour search.

    Pruned so that a query touches few postings: n-grams found in more than
    ``max_df`` of the messages are dropped, and each message keeps only its
    ``top_terms`` highest-weighted n-grams (its most distinctive ones).
    """
    x = x.tocsr(copy=True)
    df = np.bincount(x.indices, minlength=x.shape[1])
    keep = df <= max(max_df * x.shape[0], 2)
    if drop is not None:
        keep &= ~drop
    mask = keep[x.indices]
    if top_terms:
        lengths = np.diff(x.indptr)
        rows = np.repeat(np.arange(x.shape[0]), lengths)
        order = np.lexsort((-x.data, rows))  # by row, heaviest first
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order)) - np.repeat(x.indptr[:-1], lengths)
        mask &= rank < top_terms
    x.data = x.data * mask
    x.eliminate_zeros()
    return x.T.tocsr()


def _knn_features(q: sp.csr_matrix, kt: sp.csr_matrix, y: np.ndarray, n_classes: int, k: int,
                  chunk: int = 512) -> np.ndarray:
    """Per class: share of similarity among the k nearest, and the best similarity."""
    out = np.zeros((q.shape[0], 2 * n_classes), dtype=np.float64)
    n = kt.shape[1]
    if n == 0:
        return out
    k = min(k, n)
    for start in range(0, q.shape[0], chunk):
        s = (q[start : start + chunk] @ kt).toarray()
        if k < n:
            idx = np.argpartition(-s, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(n), s.shape)
        sims = np.take_along_axis(s, idx, axis=1)
        labs = y[idx]
        rows = np.arange(s.shape[0])[:, None]
        vote = np.zeros((s.shape[0], n_classes))
        best = np.zeros((s.shape[0], n_classes))
        np.add.at(vote, (np.broadcast_to(rows, labs.shape), labs), sims)
        np.maximum.at(best, (np.broadcast_to(rows, labs.shape), labs), sims)
        vote /= np.maximum(vote.sum(axis=1, keepdims=True), 1e-9)
        out[start : start + chunk, :n_classes] = vote
        out[start : start + chunk, n_classes:] = best
    return out


@dataclass
class _Base:
    """The first-level models fitted on one set of messages."""

    vec: CharNgramVectorizer
    w: np.ndarray
    b: np.ndarray
    kt: sp.csr_matrix
    y: np.ndarray

    @classmethod
    def fit(cls, docs: Sequence[str], y: np.ndarray, n_classes: int, p: RouterParams, n_jobs: int = 1) -> _Base:
        # min_df only where there is enough text for it to mean something
        vec = CharNgramVectorizer(ns=p.ngrams, min_df=p.min_df if len(docs) >= 50 else 1)
        x = vec.fit_transform(docs)
        w, b = _fit_nbsvm(x, y, n_classes, p, n_jobs=n_jobs)
        drop = vec.vocab_ < (1 << 21) if not p.knn_unigrams else None
        return cls(vec, w, b, _knn_matrix(x, p.knn_max_df, p.knn_top_terms, drop), y.astype(np.int32))

    def __post_init__(self):
        # features x classes, C-contiguous: ``x @ wt`` then reads only the rows of x's n-grams
        # (``x @ w.T`` would copy the whole matrix on every call).
        self.wt = np.ascontiguousarray(self.w.T)
        # n-grams that say something: all but single spaces and punctuation marks
        vocab = self.vec.vocab_
        single = np.flatnonzero(vocab < (1 << 21))
        self.informative = np.ones(len(vocab), dtype=bool)
        self.informative[single] = [chr(int(c)).isalnum() for c in vocab[single]]

    def knows(self, x: sp.csr_matrix) -> np.ndarray:
        """Rows of ``x`` with at least one informative known n-gram."""
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        return np.bincount(rows, weights=self.informative[x.indices], minlength=x.shape[0]) > 0

    def scores(self, x: sp.csr_matrix, p: RouterParams) -> np.ndarray:
        nb = np.asarray(x @ self.wt) + self.b
        return np.hstack([nb, _knn_features(x, self.kt, self.y, len(self.b), p.knn_k)])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# -- the model -------------------------------------------------------------------------------


@dataclass
class Router:
    """Category suggestions. ``Router().fit(texts, titles, labels)``, then ``predict_top3(text, title)``."""

    params: RouterParams = field(default_factory=RouterParams)
    classes: list[str] = field(default_factory=list)
    version: str = ""
    info: dict = field(default_factory=dict)
    _base: _Base | None = None
    _stack: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None  # mu, sd, coef, intercept

    # -- training
    def fit(self, texts: Sequence[str | None], titles: Sequence[str | None] | None, labels: Sequence[str | None],
            *, progress: bool | str | Callable[[str], None] = False, n_jobs: int = 1) -> Router:
        """Train on (text, title, label) rows; returns self. See the module doc for bad input."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        started = time.perf_counter()
        p = self.params
        texts = list(texts)
        labels = list(labels)
        titles = list(titles) if titles is not None else [None] * len(texts)
        if not (len(texts) == len(labels) == len(titles)):
            raise ValueError("texts, titles and labels must have the same length")

        step = _progress(progress, total=p.folds + 2)
        docs, ys = [], []
        empty_rows = 0
        for text, title, label in zip(texts, titles, labels):
            label = "" if label is None else str(label).strip()
            doc = prepare(text, title, max_chars=p.max_chars)
            if not label or informative_length(doc, cap=2) < 2:
                empty_rows += 1
                continue
            docs.append(doc)
            ys.append(label)
        if not docs:
            raise TrainingDataError("没有可用于训练的数据：需要带类别和正文的已办结案件。原有模型保持不变。",
                                    code="no_training_data")
        counts = Counter(ys)
        rare = {lab: n for lab, n in sorted(counts.items()) if n < p.min_examples}
        if rare:
            listed = "、".join(f"{lab}（{n} 条）" for lab, n in rare.items())
            warnings.warn(RareCategoryWarning(
                f"以下类别的样本少于 {p.min_examples} 条，未参与训练，不会被推荐：{listed}"), stacklevel=2)
            keep = [i for i, lab in enumerate(ys) if lab not in rare]
            docs = [docs[i] for i in keep]
            ys = [ys[i] for i in keep]
        classes = sorted(set(ys))
        if len(classes) < 2:
            raise TrainingDataError(
                f"可训练的类别不足两个（每个类别至少需要 {p.min_examples} 条样本）。原有模型保持不变。",
                code="too_few_categories")
        y = np.searchsorted(np.array(classes), np.array(ys)).astype(np.int64)
        step("数据已准备")

        # Out-of-fold first-level scores for the stacker.
        n_folds = max(2, min(p.folds, min(Counter(ys).values())))
        folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=p.seed)
        n_feat = 3 * len(classes)
        oof = np.zeros((len(docs), n_feat))

        def fold_scores(tr, te):
            base = _Base.fit([docs[i] for i in tr], y[tr], len(classes), p)
            return te, base.scores(base.vec.transform([docs[i] for i in te]), p)

        splits = list(folds.split(np.zeros(len(y)), y))
        if n_jobs > 1:
            from joblib import Parallel, delayed

            results = Parallel(n_jobs=n_jobs, backend="threading")(delayed(fold_scores)(a, b) for a, b in splits)
            for k in range(len(splits)):
                step(f"交叉拟合 {k + 1}/{len(splits)}")
        else:
            results = []
            for k, (a, b) in enumerate(splits):
                results.append(fold_scores(a, b))
                step(f"交叉拟合 {k + 1}/{len(splits)}")
        for te, s in results:
            oof[te] = s

        mu = oof.mean(axis=0)
        sd = oof.std(axis=0) + 1e-9
        z = (oof - mu) / sd
        stacker = LogisticRegression(C=p.stack_c, max_iter=2000)
        stacker.fit(z, y)
        cv_pred = cross_val_predict(LogisticRegression(C=p.stack_c, max_iter=2000), z, y, cv=n_folds)
        base = _Base.fit(docs, y, len(classes), p, n_jobs=n_jobs)
        step("最终模型")

        from sklearn.metrics import accuracy_score, f1_score

        trained_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        info = {
            "algorithm": ALGORITHM,
            "trained_at": trained_at.isoformat(),
            "n_train": len(docs),
            "n_skipped_rows": empty_rows,
            "class_counts": {c: counts[c] for c in classes},
            "dropped_labels": rare,
            "n_features": base.vec.n_features,
            "cv_macro_f1": round(float(f1_score(y, cv_pred, average="macro")), 4),
            "cv_accuracy": round(float(accuracy_score(y, cv_pred)), 4),
            "train_seconds": round(time.perf_counter() - started, 2),
        }
        coef = stacker.coef_.astype(np.float64)
        intercept = stacker.intercept_.astype(np.float64)
        digest = hashlib.sha1(json.dumps([info, classes], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        # Everything is built; only now is the object changed.
        self.classes = classes
        self.info = info
        self._base = base
        self._stack = (mu, sd, coef, intercept)
        self.version = f"{ALGORITHM}@{FORMAT}:{trained_at:%Y%m%dT%H%M%SZ}:{digest[:8]}"
        return self

    # -- prediction
    @property
    def trained(self) -> bool:
        return self._base is not None

    def _require(self) -> _Base:
        if self._base is None:
            raise NotTrainedError("分类模型尚未训练。")
        return self._base

    def predict_proba(self, texts: Sequence[str | None], titles: Sequence[str | None] | None = None) -> np.ndarray:
        """Calibrated probabilities (rows: messages, columns: ``classes``); uninformative rows are all 0."""
        base = self._require()
        titles = list(titles) if titles is not None else [None] * len(texts)
        docs = [prepare(t, h, max_chars=self.params.max_chars) for t, h in zip(texts, titles)]
        ok = np.array([informative_length(d, cap=2) >= 2 for d in docs], dtype=bool)
        out = np.zeros((len(docs), len(self.classes)))
        if ok.any():
            x = base.vec.transform([d for d, good in zip(docs, ok) if good])
            proba = self._calibrate(base.scores(x, self.params))
            proba[~base.knows(x)] = 0.0  # nothing the model knows: no guess
            out[ok] = proba
        return out

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        mu, sd, coef, intercept = self._stack
        z = ((scores - mu) / sd) @ coef.T + intercept
        if z.shape[1] == 1:  # two classes: sklearn keeps one row of coefficients
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p1, p1])
        return _softmax(z)

    def predict(self, texts: Sequence[str | None], titles: Sequence[str | None] | None = None) -> list[str | None]:
        proba = self.predict_proba(texts, titles)
        return [self.classes[i] if row.any() else None for i, row in zip(proba.argmax(axis=1), proba)]

    def predict_top3(self, text: str | None, title: str | None = None, k: int = 3) -> list[Suggestion]:
        """Up to ``k`` suggestions, most likely first; ``[]`` for an empty or one-character message."""
        row = self.predict_proba([text], [title])[0]
        if not row.any():
            return []
        order = np.argsort(-row, kind="stable")[:k]
        return [Suggestion(self.classes[i], round(float(row[i]), 4)) for i in order]

    # -- persistence
    def to_bytes(self) -> bytes:
        base = self._require()
        mu, sd, coef, intercept = self._stack
        meta = {
            "format": FORMAT,
            "algorithm": ALGORITHM,
            "version": self.version,
            "classes": self.classes,
            "info": self.info,
            "params": asdict(self.params),
        }
        arrays = {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            "vocab": base.vec.vocab_,
            "idf": base.vec.idf_,
            "w": base.w.astype(np.float32),
            "b": base.b,
            "kt_data": base.kt.data.astype(np.float32),
            "kt_indices": base.kt.indices.astype(np.int32),
            "kt_indptr": base.kt.indptr.astype(np.int64),
            "kt_shape": np.array(base.kt.shape, dtype=np.int64),
            "y": base.y,
            "mu": mu, "sd": sd, "coef": coef, "intercept": intercept,
        }
        buf = io.BytesIO()
        buf.write(MAGIC)
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Router:
        if not isinstance(blob, (bytes, bytearray, memoryview)) or not bytes(blob[: len(MAGIC)]) == MAGIC:
            raise ModelFormatError("不是分类模型文件，无法加载。")
        try:
            with np.load(io.BytesIO(bytes(blob[len(MAGIC):])), allow_pickle=False) as z:
                a = {k: z[k] for k in z.files}
            meta = json.loads(a["meta"].tobytes().decode("utf-8"))
        except Exception as exc:  # a truncated or corrupted blob
            raise ModelFormatError(f"分类模型文件已损坏，无法加载（{type(exc).__name__}）。") from exc
        if meta.get("format") != FORMAT:
            raise ModelFormatError(f"分类模型格式版本 {meta.get('format')} 与当前程序（{FORMAT}）不兼容，请重新训练。")
        params = meta["params"]
        params["ngrams"] = tuple(params["ngrams"])
        p = RouterParams(**params)
        vec = CharNgramVectorizer(ns=p.ngrams, min_df=p.min_df)
        vec.vocab_ = a["vocab"]
        vec.idf_ = a["idf"]
        kt = sp.csr_matrix((a["kt_data"], a["kt_indices"], a["kt_indptr"]), shape=tuple(a["kt_shape"]))
        model = cls(params=p, classes=list(meta["classes"]), version=meta["version"], info=meta["info"])
        model._base = _Base(vec, a["w"], a["b"], kt, a["y"])
        model._stack = (a["mu"], a["sd"], a["coef"], a["intercept"])
        return model


def _progress(progress: bool | str | Callable[[str], None], total: int) -> Callable[[str], None]:
    """A step callback: the caller's, a progress bar (``True``, or its title as a string), or nothing."""
    if callable(progress):
        return progress
    if not progress:
        return lambda _msg: None
    from casework.progress import progress_bar

    bar = progress_bar(total=total, desc=progress if isinstance(progress, str) else "训练分类模型", unit="步")

    def step(msg: str) -> None:
        bar.set_postfix_str(msg, refresh=False)
        bar.update(1)
        if bar.n >= total:
            bar.close()

    return step
