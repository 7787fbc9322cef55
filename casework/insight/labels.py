"""Labels of a group of similar messages, in words a person reads (plain Python; jieba, no Django).

A label is a run of one to four jieba words inside one clause: no function word in it (particles,
conjunctions, prepositions, pronouns, adverbs, localisers, numerals: never 「的大背景下」), it ends on a noun
(or is a noun and what is said of it, 「油烟直排扰民」 「噪音扰民」), a single word has at least three characters,
and the generic words of any petition (「问题」 「请求」 「相关部门」) are never its edges. Anonymised place
codes (「A3区」 「L6县」) are words of their own, so they do not swallow the name that follows them.

Among those, a group's labels are the phrases most of its messages share (at least a third, at least two)
and the other groups rarely use (less than a quarter as often), longest first at equal counts; a
phrase overlapping one already chosen by half its length is a variant of it and left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from .text import _get_jieba, display, normalize

LABEL_CHARS = 400  # the head of each message: where its subject is; segmenting more costs and adds little
MAX_WORDS = 4
MAX_LENGTH = 10
OUTSIDE_RATIO = 4  # a label is used at least this many times as often in its group as in the others

_CLAUSE = re.compile(r"[，。、！？；：,.!?;:\s（）()“”\"'‘’《》〈〉\[\]【】…—~\-/|]+")
_PLACE_CODE = re.compile(r"[a-z]\d{0,3}[省市县区镇乡村]")  # normalised: lower case
# jieba part-of-speech tags (ICTCLAS): what may not be inside a label
_FUNCTION = ("u", "c", "p", "r", "d", "f", "m", "q", "x", "y", "e", "o", "t", "z", "b", "s", "h", "k", "w")
_NOUN = ("n", "vn", "an", "j", "l", "i", "eng")
_MORPHEME = {"zg": "ng"}  # the dictionary's tag of 村, 组, 园, 栋: noun morphemes in a name (「茶场村」), not 状态词
GENERIC = frozenset(
    "问题 情况 请求 要求 相关 部门 相关部门 领导 您好 你好 尊敬 反映 希望 解决 政府 进行 没有 现在 已经 建议 关于 咨询 投诉 "
    "请问 市民 居民 百姓 群众 谢谢 感谢 能否 是否 目前 本人 有关 工作 时间 时候 单位 书记 局长 市长 同志 人员 东西 事情 "
    "地方 一下 处理 落实 答复 回复 帮助 重视 关注".split()
)

Words = list[tuple[str, str]]


def _tags() -> dict[str, str]:
    """jieba's dictionary part of speech for each word (its posseg dictionary; read once per process)."""
    import jieba.posseg as posseg

    _get_jieba()  # initialised once, quietly
    return posseg.dt.word_tag_tab


def tagged_clauses(text: str) -> list[Words]:
    """The clauses of the head of ``text``, each as (word, part of speech) pairs.

    Words by ``jieba.lcut`` (with its HMM for names not in the dictionary), each tagged as the dictionary tags
    it; a new word of two or more characters is taken for a name (``nz``), a lone unknown character for
    nothing (``x``). Tagging in context (``jieba.posseg``) read the same, about twenty times slower.
    """
    jieba, tags = _get_jieba(), _tags()
    clauses = []
    for clause in _CLAUSE.split(normalize(text, digits=False)[:LABEL_CHARS]):
        pieces, at = [], 0
        for m in _PLACE_CODE.finditer(clause):
            pieces += [(w, None) for w in jieba.lcut(clause[at:m.start()], HMM=True)] if m.start() > at else []
            pieces.append((m.group(), "ns"))
            at = m.end()
        pieces += [(w, None) for w in jieba.lcut(clause[at:], HMM=True)] if at < len(clause) else []
        words = [(w, _MORPHEME.get(t, t)) for w, t in
                 ((w, tag or tags.get(w) or ("nz" if len(w) > 1 else "x")) for w, tag in pieces if w.strip())]
        if words:
            clauses.append(words)
    return clauses


def _content(word: str, tag: str) -> bool:
    return bool(tag) and not tag.startswith(_FUNCTION) and not word.isdigit()


def _edge(word: str, tag: str) -> bool:
    return _content(word, tag) and word not in GENERIC and (len(word) >= 2 or tag.startswith(("n", "j")))


def _nounish(tag: str) -> bool:
    return tag.startswith(_NOUN)


def phrases(clauses: list[Words]) -> set[str]:
    """Every phrase of a message that could be a label (see the module docstring)."""
    found: set[str] = set()
    for words in clauses:
        for i in range(len(words)):
            if not _edge(*words[i]) or not (_nounish(words[i][1]) or words[i][1].startswith(("v", "a"))):
                continue
            for j in range(i, min(len(words), i + MAX_WORDS)):
                if not _content(*words[j]):
                    break
                run = words[i:j + 1]
                if not _edge(*run[-1]):
                    continue
                if len(run) == 1 and (len(run[0][0]) < 3 or not _nounish(run[0][1])):
                    continue
                if not _nounish(run[-1][1]) and not (len(run) == 2 and _nounish(run[0][1])):
                    continue
                phrase = "".join(w for w, _ in run)
                if len(phrase) <= MAX_LENGTH:
                    found.add(phrase)
    return found


def _variant(a: str, b: str) -> bool:
    m = SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
    return m.size * 2 >= min(len(a), len(b))


def group_labels(groups: Sequence[Sequence[str]], limit: int = 3) -> list[tuple[str, ...]]:
    """For each group of messages, up to ``limit`` labels, told apart from the other groups."""
    found = [[phrases(tagged_clauses(t)) for t in texts] for texts in groups]
    inside = [Counter(p for message in messages for p in message) for messages in found]
    everywhere: Counter = sum(inside, Counter())
    total = sum(len(messages) for messages in found)
    out = []
    for messages, counts in zip(found, inside):
        n, rest = len(messages), total - len(messages)
        need = max(2, -(-n // 3))
        ranked = sorted(
            (p for p, k in counts.items()
             if k >= need and (not rest or OUTSIDE_RATIO * (everywhere[p] - k) / rest < k / n)),
            key=lambda p: (-counts[p], -len(p), p))
        chosen: list[str] = []
        for p in ranked:
            if not any(_variant(p, q) for q in chosen):
                chosen.append(p)
            if len(chosen) == limit:
                break
        out.append(tuple(display(p) for p in chosen))
    return out
