"""Benchmark: related-message search (casework.insight.related) against brute-force cosine.

    .venv/bin/python bench/related.py            # recall, then latency at 10k, 100k and 1M messages
    .venv/bin/python bench/related.py --quick    # latency at 10k and 100k only
    .venv/bin/python bench/related.py --data-dir DIR   # default ../shared/data (or $CASEWORK_DATA)

Recall@5, on every real message of the four message files (about 15,700):

* **resubmissions**: the groups of ``exact_duplicate_groups.csv`` (members
  joined to their texts by file and 留言编号: ``fj2_records`` is
  messages_labeled.csv by ``message_id``, ``fj3`` messages_with_votes.csv,
  ``fj4`` messages_with_replies.csv, ``testset`` messages_unlabeled.csv; members
  not in those files are skipped, groups need two members found). Each member
  queries the index (itself excluded); a hit is another member of its group in
  the top 5.
* **edited near-duplicates**: ``--synthetic`` messages are copied with random
  edits (characters and phrases deleted, sentences reordered, phrases added)
  and indexed with the real ones; each copy queries (itself excluded); a hit is
  its original (or a message with the original's exact text) in the top 5.

Latency: the index is filled to 10k, 100k and 1M messages by resampling the
real messages with small random edits (no two identical), build time shown
with a progress bar; then ``--queries`` edited real messages are searched one
at a time (with reasons) and the 50th/95th percentiles reported. Brute force
(the query's character 1-3-gram TF-IDF vector times the whole sparse matrix) is
timed at 10k and 100k; at 1M it is extrapolated linearly from 100k (its cost
is proportional to the matrix; building the 1M matrix would need ~10 GB).

Last line: ``RESULT recall_at_5=<x> p95_ms_1m=<x> bruteforce_ratio=<x>``:
recall over both query sets together; the ratio is brute-force p95 over ours
at 1M (brute force extrapolated; at 100k, both measured, it is printed too).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from anywhere

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from casework.insight.related import RelatedIndex, prepare  # noqa: E402
from casework.insight.text import CharNgramVectorizer  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("CASEWORK_DATA", ROOT.parent / "shared" / "data"))
FILES = {  # tag in exact_duplicate_groups.csv -> (file, id column, text column)
    "fj2_records": ("messages_labeled.csv", "message_id", "text"),
    "fj3": ("messages_with_votes.csv", "留言编号", "留言详情"),
    "fj4": ("messages_with_replies.csv", "留言编号", "留言详情"),
    "testset": ("messages_unlabeled.csv", "留言编号", "留言详情"),
}
FILLERS = ["请领导尽快处理！", "希望相关部门高度重视。", "谢谢！", "此事已反映多次，至今没有答复。",
           "恳请领导关注此事。", "再次反映：", "急！急！急！", "望早日解决为盼。"]
_SENT = re.compile(r"(?<=[。！？!?；;])")


def load_corpus(data: Path) -> tuple[list, list[str]]:
    csv.field_size_limit(sys.maxsize)
    ids, texts = [], []
    for tag, (name, id_col, text_col) in FILES.items():
        with open(data / name, encoding="utf-8", newline="") as f:
            for n, row in enumerate(csv.DictReader(f)):
                ids.append((tag, row[id_col] or f"row{n}"))
                texts.append(row[text_col] or "")
    return ids, texts


def load_groups(data: Path, known: set) -> list[list]:
    groups = defaultdict(list)
    with open(data / "exact_duplicate_groups.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["file"], row["留言编号"])
            if key in known and key not in groups[row["group"]]:
                groups[row["group"]].append(key)
    return [g for g in groups.values() if len(g) >= 2]


# -- edits -----------------------------------------------------------------------------------


def edit(text: str, rng: random.Random, strength: str = "heavy", donor: str = "") -> str:
    """A copy with random edits. ``heavy``: 2-3 of (delete ~8% of characters in short runs,
    delete a clause, reorder sentences, add a phrase); ``light``: 1-3 single characters changed."""
    if strength == "light":
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            if not chars:
                break
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[i]
            elif op < 0.8:
                chars.insert(i, rng.choice("的了是在和有我们请"))
            else:
                chars[i] = rng.choice("的了是在和有我们请")
        return "".join(chars)
    ops = rng.sample(["chars", "clause", "reorder", "add"], rng.randint(2, 3))
    for op in ops:
        if op == "chars" and len(text) > 10:
            chars = list(text)
            budget = max(1, int(len(chars) * 0.08))
            while budget > 0 and len(chars) > 5:
                i = rng.randrange(len(chars))
                k = min(budget, rng.randint(1, 3))
                del chars[i : i + k]
                budget -= k
            text = "".join(chars)
        elif op == "clause":
            parts = re.split(r"([，。！？；,!?;])", text)
            clauses = [i for i in range(0, len(parts), 2) if len(parts[i]) >= 4]
            if len(clauses) >= 3:
                i = rng.choice(clauses)
                parts[i] = ""
                if i + 1 < len(parts):
                    parts[i + 1] = ""
                text = "".join(parts)
        elif op == "reorder":
            sents = [s for s in _SENT.split(text) if s]
            if len(sents) >= 2:
                rng.shuffle(sents)
                text = "".join(sents)
        elif op == "add":
            phrase = rng.choice(FILLERS)
            if donor and rng.random() < 0.5:
                clauses = [c for c in re.split(r"[，。！？；]", donor) if len(c) >= 6]
                if clauses:
                    phrase = rng.choice(clauses) + "。"
            pos = rng.choice([0, len(text)] + [m.end() for m in _SENT.finditer(text)])
            text = text[:pos] + phrase + text[pos:]
    return text


# -- searching -------------------------------------------------------------------------------


class BruteForce:
    """Cosine of character 1-3-gram TF-IDF vectors against the whole sparse matrix.

    IDF fitted on (a sample of at most 50,000 of) the indexed messages, like the index's.
    """

    def __init__(self, index: RelatedIndex, chunk: int = 20_000):
        import scipy.sparse as sp

        texts = index.texts
        sample = texts if len(texts) <= 50_000 else random.Random(0).sample(texts, 50_000)
        vec = CharNgramVectorizer(ns=(1, 2, 3), min_df=2).fit(sample)
        parts = [vec.transform(index.texts[i : i + chunk]) for i in range(0, len(index.texts), chunk)]
        self.vec = vec
        self.xt = sp.vstack(parts).T.tocsr()
        self.nnz = self.xt.nnz

    def query(self, text: str, k: int = 5, exclude: tuple[int, ...] = ()) -> list[int]:
        s = (self.vec.transform_one(prepare(text)) @ self.xt).toarray().ravel()
        if exclude:
            s[list(exclude)] = -1
        top = np.argpartition(-s, k)[:k]
        return [int(i) for i in top[np.argsort(-s[top])]]


def rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def recall(index: RelatedIndex, brute: BruteForce, groups, syn_pairs) -> dict:
    """Recall@5 of the index and of brute force on both query sets."""
    pos_of = {m: index.positions(m) for g in groups for m in g}
    res = {"dup": [0, 0, 0], "syn": [0, 0, 0]}  # queries, index hits, brute hits
    for group in tqdm(groups, desc="recall: resubmissions", unit="group", leave=False):
        positions = {m: pos_of[m] for m in group}
        for m, mine in positions.items():
            others = {p for mm, ps in positions.items() if mm != m for p in ps}
            text = index.texts[mine[0]]
            got = index.query(text, 5, exclude_positions=mine, reasons=False)
            res["dup"][0] += 1
            res["dup"][1] += any(index.positions(r.id)[0] in others for r in got)
            res["dup"][2] += any(p in others for p in brute.query(text, 5, tuple(mine)))
    by_text = defaultdict(set)
    for i, t in enumerate(index.texts):
        by_text[t].add(i)
    for syn_pos, orig_pos in tqdm(syn_pairs, desc="recall: edited copies", unit="query", leave=False):
        targets = by_text[index.texts[orig_pos]] - {syn_pos}
        text = index.texts[syn_pos]
        got = index.query(text, 5, exclude_positions=[syn_pos], reasons=False)
        res["syn"][0] += 1
        res["syn"][1] += any(index.positions(r.id)[0] in targets for r in got)
        res["syn"][2] += any(p in targets for p in brute.query(text, 5, (syn_pos,)))
    return res


def timed(fn, queries) -> np.ndarray:
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return np.array(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--quick", action="store_true", help="latency at 10k and 100k only")
    ap.add_argument("--synthetic", type=int, default=1000, help="edited near-duplicates for recall")
    ap.add_argument("--queries", type=int, default=500, help="timed queries per scale")
    ap.add_argument("--brute-queries", type=int, default=100, help="timed brute-force queries per scale")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    if not (args.data_dir / "exact_duplicate_groups.csv").exists():
        sys.exit(f"{args.data_dir} has no exact_duplicate_groups.csv: pass --data-dir or set CASEWORK_DATA")
    rng = random.Random(args.seed)
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

    # -- recall on the real messages --------------------------------------------------------
    ids, texts = load_corpus(args.data_dir)
    groups = load_groups(args.data_dir, set(ids))
    eligible = [i for i, t in enumerate(texts) if len(t) >= 40]
    originals = rng.sample(eligible, min(args.synthetic, len(eligible)))
    syn_texts = [edit(texts[i], rng, "heavy", donor=texts[rng.randrange(len(texts))]) for i in originals]
    index = RelatedIndex()
    t0 = time.perf_counter()
    index.add_many(ids + [("synthetic", k) for k in range(len(syn_texts))], texts + syn_texts)
    build_real = time.perf_counter() - t0
    syn_pairs = [(len(texts) + k, orig) for k, orig in enumerate(originals)]
    brute = BruteForce(index)
    print(f"real messages: {len(texts)} (+{len(syn_texts)} edited copies) indexed in {build_real:.1f} s; "
          f"resubmission groups with two or more members found: {len(groups)} "
          f"({sum(len(g) for g in groups)} members)")
    res = recall(index, brute, groups, syn_pairs)
    d, s = res["dup"], res["syn"]
    rec = (d[1] + s[1]) / (d[0] + s[0])
    brec = (d[2] + s[2]) / (d[0] + s[0])
    print()
    print(f"  {'recall@5':<34}{'index':>10}{'brute force':>14}")
    print(f"  {'resubmissions (' + str(d[0]) + ' queries)':<34}{d[1] / d[0]:>10.4f}{d[2] / d[0]:>14.4f}")
    print(f"  {'edited copies (' + str(s[0]) + ' queries)':<34}{s[1] / s[0]:>10.4f}{s[2] / s[0]:>14.4f}")
    print(f"  {'both':<34}{rec:>10.4f}{brec:>14.4f}")
    # an example, with reasons
    q = syn_texts[0]
    print(f"\nexample query (edited copy of {ids[originals[0]]}): {q[:60]}…")
    for r in index.query(q, 3, exclude_positions=[len(texts)]):
        print(f"  {r.score:.3f} {r.id}  {r.reason}")
    del brute, index
    gc.collect()

    # -- latency at scale -------------------------------------------------------------------
    scales = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    real = [t for t in texts if t.strip()]
    queries = [edit(real[rng.randrange(len(real))], rng, "heavy") for _ in range(args.queries)]
    rows = []
    for n in scales:
        gen = random.Random(args.seed + n)
        corpus = real[:n] if n <= len(real) else real + [
            edit(real[gen.randrange(len(real))], gen, "light") for _ in range(n - len(real))]
        index = RelatedIndex()
        t0 = time.perf_counter()
        with tqdm(total=n, desc=f"building {n:,}", unit="msg", unit_scale=True, leave=False) as bar:
            index.add_many(list(range(n)), corpus, progress=bar.update)
        build = time.perf_counter() - t0
        del corpus
        ours = timed(lambda q: index.query(q, 5), queries)
        row = {"n": n, "build": build, "p50": np.percentile(ours, 50), "p95": np.percentile(ours, 95),
               "mean": ours.mean(), "segments": len(index._segments), "rss": rss_gb()}
        if n <= 100_000:
            t0 = time.perf_counter()
            brute = BruteForce(index)
            row["brute_build"] = time.perf_counter() - t0
            bq = queries[: args.brute_queries]
            bt = timed(lambda q: brute.query(q, 5), bq)
            row["bp50"], row["bp95"] = np.percentile(bt, 50), np.percentile(bt, 95)
            # how often the index's top 5 are brute force's top 5
            same = [len({index.positions(r.id)[0] for r in index.query(q, 5, reasons=False)}
                        & set(brute.query(q, 5))) / 5 for q in bq]
            row["overlap"] = float(np.mean(same))
            del brute
        rows.append(row)
        print(f"{n:>9,} messages: build {build:6.1f} s, query p50 {row['p50']:.2f} ms, p95 {row['p95']:.2f} ms"
              + (f"; brute force p50 {row['bp50']:.1f} ms, p95 {row['bp95']:.1f} ms, "
                 f"top-5 overlap {row['overlap']:.2f}" if "bp95" in row else "")
              + f"  (max RSS {row['rss']:.1f} GB)", flush=True)
        index = None  # let the collector free it before the next size
        gc.collect()

    print()
    print(f"  {'messages':>10}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}{'brute p95':>11}{'ratio':>8}")
    for r in rows:
        bp95 = r.get("bp95")
        est = ""
        if bp95 is None:
            last = next(x for x in reversed(rows) if "bp95" in x)
            bp95 = last["bp95"] * r["n"] / last["n"]
            est = " (extrapolated)"
        print(f"  {r['n']:>10,}{r['build']:>9.1f}{r['p50']:>9.2f}{r['p95']:>9.2f}{bp95:>11.1f}"
              f"{bp95 / r['p95']:>8.1f}{est}")
    by_n = {r["n"]: r for r in rows}
    if 1_000_000 in by_n:
        p95_1m = by_n[1_000_000]["p95"]
        ratio = by_n[100_000]["bp95"] * 10 / p95_1m
        print(f"brute force at 1M is extrapolated linearly from 100k; measured ratio at 100k: "
              f"{by_n[100_000]['bp95'] / by_n[100_000]['p95']:.1f}")
        p95_txt, ratio_txt = f"{p95_1m:.2f}", f"{ratio:.1f}"
    else:
        print("--quick: 1M not measured")
        p95_txt, ratio_txt = "nan", "nan"
    print(f"RESULT recall_at_5={rec:.4f} p95_ms_1m={p95_txt} bruteforce_ratio={ratio_txt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
