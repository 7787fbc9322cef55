"""The messages the demo cases are made from.

The real data (settings.CASEWORK_DATA_DIR): citizens' messages to a city
government with the government's category, and messages with the official
reply. Without it, ``sample/messages.csv``: a few dozen short fictional
messages written for this demo.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cached_property
from pathlib import Path

from .org import DISTRICTS, LABELS

SAMPLE = Path(__file__).resolve().parent / "sample" / "messages.csv"
LABELED = "messages_labeled.csv"
REPLIES = "messages_with_replies.csv"
VOTES = "messages_with_votes.csv"  # many residents raising the same issue: the demo's hot issues
HOT_PER_TOPIC = 12

_DISTRICT_RE = re.compile(r"A\d+区")
_TRAILING_DATE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


class Message:
    """One message. Cleaning and the category guess happen on first use: most rows are never used."""

    def __init__(self, title: str, text: str, label: str = "", reply: str = "", asked: str = "",
                 answered: str = "", source: str = "") -> None:
        self._title, self._text, self._label, self._reply = title or "", text or "", (label or "").strip(), reply or ""
        self._asked, self._answered, self.source = asked, answered, source

    @property
    def has_reply(self) -> bool:
        return bool(self._reply.strip())

    @property
    def usable(self) -> bool:
        return bool(self._title.strip() or self._text.strip())

    @cached_property
    def title(self) -> str:
        return (_clean(self._title) or _clean(self._text)[:30])[:200]

    @cached_property
    def text(self) -> str:
        return _clean(self._text) or self.title

    @cached_property
    def reply(self) -> str:
        return _TRAILING_DATE.sub("", _clean(self._reply))

    @cached_property
    def label(self) -> str:
        return self._label if self._label in LABELS else LABELS[0]

    @cached_property
    def reply_days(self) -> int | None:
        """Days the real reply took, when the source says."""
        asked, answered = _when(self._asked), _when(self._answered)
        return (answered - asked).days if asked and answered and answered >= asked else None

    @cached_property
    def district(self) -> str | None:
        """A demo district named in the message, if any."""
        for t in (self.title, self.text):
            for m in _DISTRICT_RE.findall(t):
                if m in DISTRICTS:
                    return m
        return None


def load_messages(data_dir: Path | None) -> tuple[list[Message], str]:
    """(messages, a line saying where they came from)."""
    if data_dir is not None and (data_dir / LABELED).exists():
        msgs = [Message(r.get("title"), r.get("text"), r.get("label"), source=LABELED) for r in _read(data_dir / LABELED)]
        if (data_dir / REPLIES).exists():
            msgs += [
                Message(r.get("留言主题"), r.get("留言详情"), reply=r.get("答复意见"), asked=r.get("留言时间"),
                        answered=r.get("答复时间"), source=REPLIES)
                for r in _read(data_dir / REPLIES)
            ]
        msgs = [m for m in msgs if m.usable]
        label_unlabelled(msgs)
        return msgs, f"{data_dir}（{len(msgs)} 条留言）"
    msgs = [Message(r["title"], r["text"], r["label"], reply=r.get("reply"), source=SAMPLE.name) for r in _read(SAMPLE)]
    return [m for m in msgs if m.usable], f"内置示例 {SAMPLE.name}（虚构留言；未找到 {data_dir}）"


def load_hot_topics(data_dir: Path | None, quota: int) -> list[list[Message]]:
    """Groups of messages on one problem raised by many (largest first), about ``quota`` messages in all.

    Found the way the hot-issues board finds them (``insight.clusters``); at most
    HOT_PER_TOPIC messages a group, so that the board shows several problems.
    """
    if data_dir is None or quota < 6 or not (data_dir / VOTES).exists():
        return []
    from casework.insight.clusters import cluster_texts

    rows = [r for r in _read(data_dir / VOTES) if (r.get("留言主题") or r.get("留言详情"))]
    msgs = [Message(r.get("留言主题"), r.get("留言详情"), source=VOTES) for r in rows]
    topics, taken = [], 0
    for group in cluster_texts([f"{m.title}\n{m.text}" for m in msgs]):
        if taken >= quota:
            break
        picked = [msgs[i] for i in group[: min(HOT_PER_TOPIC, quota - taken)]]
        if len(picked) >= 3:
            topics.append(picked)
            taken += len(picked)
    return topics


def _clean(value: str | None) -> str:
    value = _SPACES.sub(" ", (value or "").replace("\r", "")).strip()
    return _BLANK_LINES.sub("\n", value)


def _read(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def _when(value: str | None) -> dt.datetime | None:
    value = (value or "").strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


# -- a category for messages that come without one (the replies file) --------


def label_unlabelled(messages: list[Message]) -> None:
    """Give each message without a category the one a classifier trained on the labelled ones predicts.

    The government's own labels (messages_labeled.csv) are the teacher, not keywords: a linear model on the
    characters and character pairs of title and text (a few seconds for the whole file). The demo's routing
    model is trained on the same labelled messages (``builder``), so its suggestions and the demo's categories
    agree.
    """
    labelled = [m for m in messages if m._label in LABELS]
    unlabelled = [m for m in messages if m._label not in LABELS]
    if not unlabelled:
        return
    if len({m._label for m in labelled}) < 2:
        for m in unlabelled:
            m._label = LABELS[0]
        return
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    model = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LinearSVC(C=0.5))
    model.fit([_doc(m) for m in labelled], [m._label for m in labelled])
    for m, label in zip(unlabelled, model.predict([_doc(m) for m in unlabelled])):
        m._label = str(label)


def _doc(m: Message) -> str:
    return f"{m.title}\n{m.text[:600]}"
