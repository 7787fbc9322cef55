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
        return self._label if self._label in LABELS else guess_label(self.title, self.text, self.reply)

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
# Keywords a reader would use; the reply usually names the department, which
# weighs more. Good enough to route demo cases; the real routing model lives
# elsewhere.

KEYWORDS: dict[str, tuple[str, ...]] = {
    "城乡建设": ("物业", "小区", "房屋", "房子", "拆迁", "征收", "安置", "施工", "道路", "修路", "路灯", "规划", "违建",
             "违章", "燃气", "供水", "停水", "停电", "电梯", "业委会", "开发商", "棚改", "产权", "房产证", "不动产",
             "城管", "工地", "下水道", "排水", "楼盘", "交房", "公租房", "廉租房"),
    "劳动和社会保障": ("工资", "社保", "养老", "医保", "退休", "劳动", "就业", "失业", "欠薪", "劳动合同", "公积金",
                 "工伤", "低保", "编制", "人事", "招聘", "农民工", "职称", "待遇", "保险"),
    "教育文体": ("学校", "学生", "教育", "老师", "教师", "幼儿园", "学位", "入学", "小学", "中学", "招生", "补课",
             "培训", "体育", "文化", "图书馆", "校车", "学区", "高考", "中考", "教学"),
    "卫生计生": ("医院", "医生", "卫生", "疫苗", "计生", "生育", "二孩", "诊所", "药店", "看病", "医疗", "计划生育",
             "独生子女", "护士", "患者", "病人", "手术", "卫生院", "接种", "体检"),
    "环境保护": ("污染", "噪音", "噪声", "排放", "环保", "生态", "垃圾", "臭味", "恶臭", "废气", "油烟", "粉尘",
             "污水", "扬尘", "河道", "异味", "焚烧", "化工厂", "辐射", "搅拌站"),
    "交通运输": ("公交", "出租车", "的士", "交通", "地铁", "车站", "客运", "网约车", "高速", "驾校", "线路",
             "班车", "站台", "公路", "收费站", "运输", "货车", "渡口"),
    "商贸旅游": ("传销", "商家", "消费", "超市", "市场", "旅游", "景区", "价格", "商铺", "快递", "电商", "购物",
             "退款", "商场", "酒店", "餐馆", "假货", "充值", "会员卡", "促销", "门店"),
}
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "城乡建设": ("住建", "住房和城乡建设", "城管局", "自然资源和规划", "房产局"),
    "劳动和社会保障": ("人社", "人力资源和社会保障", "社保局", "医保局"),
    "教育文体": ("教育局", "教体局", "文旅广体", "文体局"),
    "卫生计生": ("卫健", "卫生健康", "卫计委", "卫生计生"),
    "环境保护": ("生态环境局", "环保局", "环境保护局"),
    "交通运输": ("交通运输局", "交通局", "公交集团", "运管"),
    "商贸旅游": ("商务局", "市场监督管理", "市场监管", "旅游局", "工商局"),
}


def guess_label(title: str, text: str, reply: str = "") -> str:
    scores = dict.fromkeys(LABELS, 0.0)
    for label, words in KEYWORDS.items():
        for w in words:
            scores[label] += 3 * title.count(w) + text.count(w)
    for label, words in UNIT_WORDS.items():
        for w in words:
            scores[label] += 4 * reply.count(w)
    best = max(LABELS, key=lambda lab: scores[lab])
    return best if scores[best] > 0 else LABELS[0]
