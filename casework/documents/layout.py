"""The official document layout (党政机关公文格式 GB/T 9704-2012, essentials) as HTML + CSS, rendered by WeasyPrint.

What this module knows is layout, not content: a ``Document`` is a title, a
document number, an addressee, body blocks, attachments, a signature and a
date, and ``render_pdf`` turns it into PDF bytes. ``notices.py`` says what each
notice contains.

The layout (see shared/NOTICES.md):

- A4; top margin 37 mm, binding margin 28 mm, text block 156 × 225 mm; the
  binding margin mirrors on even pages (the back of a double-sided sheet).
- 22 lines of 28 characters: 16 pt body on a 28.9 pt line grid, with a small
  negative letter-spacing so that 28 characters fill 156 mm.
- Title 22 pt (小标宋 substitute), centred, broken into balanced lines,
  preferring the breaks between the parts it is made of (issuing body /
  subject / document type), then breaks next to function words.
- Document number (发文字号) right-aligned under the title; addressee flush left
  after one blank line, with a full-width colon.
- Body paragraphs indented two characters; heading levels 一、 (黑体),
  （一） (楷体), 1. (仿宋 bold), （1） (仿宋).
- Attachments: "附件：" two characters in, one blank line after the body.
- Signature centred over the date; the date right-aligned with four
  characters of space on its right; the seal area (a 42 mm circle) over both,
  kept on the page of the last paragraph (never a page with only the signature).
- Optionally (per issuing unit) a red 版头: the issuer's name in red 小标宋, large
  and centred, over a red rule; the 发文字号 then sits right under the rule.
- Page numbers "— 1 —", 14 pt, 7 mm below the text block, odd pages right,
  even pages left, one character in from the edge.

Fonts come from ``settings.CASEWORK_NOTICE_FONTS`` (see ``DEFAULT_FONTS``): each role
is a list of families, the licensed 方正小标宋 and 仿宋_GB2312 first where an office has
them, the free fonts last. Only the installed ones reach the CSS, and ``fonts.py``
refuses a document with a character none of them has. WeasyPrint embeds (subsets)
every font it uses, and the text stays extractable.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

# The official faces where an office has installed them (they are not freely licensed), then
# free substitutes from Debian packages (fonts-noto-cjk, fonts-arphic-ukai). There is no
# light Debian package with a simplified-Chinese 仿宋: texlive-lang-chinese (FandolFang)
# pulls in TeX Live, and fonts-cwtex-fs is traditional-only (it lacks 访、处、书、县 …),
# so the body falls back to Noto Serif CJK SC. Each value is a list of families, tried in
# order; families that are not installed are left out of the CSS.
DEFAULT_FONTS: dict[str, object] = {
    "title": ["方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"],  # 小标宋
    "title_weight": None,  # None: 400 with a real 小标宋, else 700 (Noto Serif CJK SC Bold is the nearest)
    "body": ["仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "Noto Serif CJK SC"],  # 仿宋
    "hei": ["黑体", "SimHei", "Noto Sans CJK SC"],  # 黑体: level-1 headings
    "kai": ["楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi", "AR PL UKai CN"],  # 楷体: level-2 headings
    "song": ["宋体", "SimSun", "Noto Serif CJK SC"],  # 宋体: page numbers
}
XIAOBIAOSONG = ("小标宋", "XiaoBiaoSong")
LETTERHEAD_RED = "#E60012"  # the red of a 版头 (GB/T 9704: 推荐使用红色小标宋体字)

FONT_ROLES = ("title", "body", "hei", "kai", "song")

CHARS_PER_LINE = 28
TITLE_CHARS_PER_LINE = 20  # 156 mm / 22 pt


def notice_fonts() -> dict[str, object]:
    """The font settings: the defaults, overridden key by key by ``settings.CASEWORK_NOTICE_FONTS``."""
    fonts = dict(DEFAULT_FONTS)
    try:
        from django.conf import settings

        configured = getattr(settings, "CASEWORK_NOTICE_FONTS", None) if settings.configured else None
    except ImportError:  # the module is usable without Django
        configured = None
    if configured:
        unknown = set(configured) - set(DEFAULT_FONTS)
        if unknown:
            raise ValueError(f"CASEWORK_NOTICE_FONTS: unknown keys {sorted(unknown)}; known: {sorted(DEFAULT_FONTS)}")
        fonts.update(configured)
    for role in FONT_ROLES:
        value = fonts[role]
        fonts[role] = [value] if isinstance(value, str) else list(value)
        if not fonts[role]:
            raise ValueError(f"CASEWORK_NOTICE_FONTS[{role!r}] is empty")
    return fonts


def font_families(role: str, fonts: dict | None = None) -> list[str]:
    return list((fonts or notice_fonts())[role])


def installed_fonts(fonts: dict | None = None) -> dict[str, object]:
    """The font settings with each role's list cut to the installed families (a role with none keeps its
    list: ``fonts.check_coverage`` then says which to install), and the title weight decided."""
    from .fonts import installed_families

    fonts = dict(fonts or notice_fonts())
    for role in FONT_ROLES:
        fonts[role] = installed_families(fonts[role]) or list(fonts[role])
    if fonts.get("title_weight") is None:
        first = fonts["title"][0]
        fonts["title_weight"] = 400 if any(k in first for k in XIAOBIAOSONG) else 700
    return fonts


def _css_families(families: Iterable[str]) -> str:
    out = []
    for f in families:
        if not re.fullmatch(r"[\w \-\u3400-\u9fff]+", f):
            raise ValueError(f"font family name not allowed: {f!r}")
        out.append(f'"{f}"')
    return ", ".join(out)


# --- small formatting helpers ---------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (heading numbers)."""
    if not 0 < n < 100:
        raise ValueError(f"heading number out of range: {n}")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[units]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")


def chinese_date(d: dt.date) -> str:
    """成文日期 in Arabic numerals without leading zeros: 2026年11月30日 (GB/T 9704-2012 7.3.5)."""
    return f"{d.year}年{d.month}月{d.day}日"


def document_number(unit_short_name: str, year: int, serial: int) -> str:
    """发文字号: 机关代字 + 〔年份〕 + 序号号, e.g. 东县信访局〔2026〕15号.

    The year in full in 六角括号 〔〕 (never [] or 【】); the serial without leading
    zeros and without 第 (GB/T 9704-2012 7.2.4).
    """
    name = (unit_short_name or "").strip()
    if not name:
        raise ValueError("document_number: the unit's short name is empty")
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise ValueError(f"document_number: year must be a four-digit integer, not {year!r}")
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        raise ValueError(f"document_number: serial must be a positive integer, not {serial!r}")
    return f"{name}〔{year}〕{serial}号"


# --- title breaking -----------------------------------------------------------------------------


def _visual_len(s: str) -> float:
    """Width in characters: CJK and full-width count 1, ASCII letters/digits about half."""
    return sum(0.5 if ord(c) < 0x2E80 and not c.isspace() else (0.25 if c.isspace() else 1) for c in s)


# Where a title may break inside one of its parts, best first. No word segmenter: loading
# one costs seconds, and the same notice must break the same way in every process.
_BREAK_AFTER = ("关于", "的", "和", "及", "与", "对", "、", "，", "；", "：")
_BREAK_BEFORE = ("关于", "的通知", "的意见", "的报告", "的决定", "问题")


def _break_cost(text: str, i: int) -> float:
    """How acceptable a line break before ``text[i]`` is inside a part (lower is better)."""
    if any(text[:i].endswith(w) for w in _BREAK_AFTER) or any(text[i:].startswith(w) for w in _BREAK_BEFORE):
        return 0.5
    if text[i - 1].isascii() and text[i].isascii() and text[i - 1].isalnum() and text[i].isalnum():
        return 200.0  # inside a number or a Latin word
    return 12.0  # possibly inside a word: pass the title with a "\\n" to choose the break


_NO_LINE_START = set("，。、；：？！）》〕」』”’…—")
_NO_LINE_END = set("（《〔「『“‘")


def title_lines(parts: Sequence[str] | str, per_line: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """Break a title into as few lines as fit, balanced (梯形/菱形 rather than one long line and a stub).

    ``parts`` are the pieces the title is made of (e.g. issuing body, subject, document
    type); a break between parts is preferred, then one next to a function word (关于、的、
    和 …), never inside a number. A "\\n" in a part forces a break.
    """
    if isinstance(parts, str):
        parts = [parts]
    if any("\n" in p for p in parts):  # forced breaks
        out: list[str] = []
        for chunk in "".join(parts).split("\n"):
            if chunk.strip():
                out.extend(title_lines([chunk.strip()], per_line))
        return out
    parts = [p.strip() for p in parts if p and p.strip()]
    text = "".join(parts)
    if _visual_len(text) <= per_line:
        return [text] if text else []

    part_breaks, pos = set(), 0
    for p in parts[:-1]:
        pos += len(p)
        part_breaks.add(pos)
    # Breaking only between the parts (e.g. the issuing body above the document type) is
    # best whenever the lines fit and are not badly out of balance.
    lines = _balanced_lines(text, per_line, {i: 0.0 for i in part_breaks if _may_break(text, i)})
    if lines and min(map(_visual_len, lines)) >= 0.3 * max(map(_visual_len, lines)):
        return lines
    cost_at = {i: 0.0 if i in part_breaks else _break_cost(text, i) for i in range(1, len(text)) if _may_break(text, i)}
    lines = _balanced_lines(text, per_line, cost_at)
    if lines is None:  # nothing fits: hard-wrap
        return [text[i : i + per_line] for i in range(0, len(text), per_line)]
    return lines


def _may_break(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i] not in _NO_LINE_START and text[i - 1] not in _NO_LINE_END


def _balanced_lines(text: str, per_line: int, cost_at: dict[int, float]) -> list[str] | None:
    """The fewest (or one more) lines, each within ``per_line``, as equal as possible, breaking at ``cost_at``."""
    n = len(text)
    total = _visual_len(text)
    lines_needed = math.ceil(total / per_line)
    positions = [0, *sorted(cost_at), n]
    best: tuple[float, list[int]] | None = None
    for k in (lines_needed, lines_needed + 1):
        target = total / k
        dp: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
        for j in range(1, k + 1):
            for i in positions[1:]:
                if (j < k) == (i == n):
                    continue
                for s in positions:
                    if s >= i or (j - 1, s) not in dp:
                        continue
                    width = _visual_len(text[s:i])
                    if width > per_line:
                        continue
                    prev_cost, prev_breaks = dp[(j - 1, s)]
                    c = prev_cost + 0.5 * (width - target) ** 2 + (cost_at.get(i, 0.0) if i != n else 0.0)
                    if (j, i) not in dp or c < dp[(j, i)][0]:
                        dp[(j, i)] = (c, [*prev_breaks, i])
        found = dp.get((k, n))
        if found:
            c = found[0] + 30 * (k - lines_needed)
            if best is None or c < best[0]:
                best = (c, found[1])
    if best is None:
        return None
    cuts = [0, *best[1]]
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]


# --- the document model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One piece of body text.

    kind: "p" (paragraph), "h1" 一、, "h2" （一）, "h3" 1., "h4" （1）, "line" (a
    paragraph without indent, e.g. a label: value line), "plain" (an indented paragraph
    never justified, for short fixed lines). A heading's ``text`` is the heading; ``tail``
    continues the same paragraph in body type (usual for h3 and h4).
    """

    kind: str
    text: str
    tail: str = ""

    KINDS = ("p", "h1", "h2", "h3", "h4", "line", "plain")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")


def P(text: str) -> Block:
    return Block("p", text)


def H1(text: str, tail: str = "") -> Block:
    return Block("h1", text, tail)


def H2(text: str, tail: str = "") -> Block:
    return Block("h2", text, tail)


def H3(text: str, tail: str = "") -> Block:
    return Block("h3", text, tail)


def H4(text: str, tail: str = "") -> Block:
    return Block("h4", text, tail)


def paragraphs(text: str) -> list[Block]:
    """Free text typed by staff: one paragraph per non-empty line."""
    return [P(line.strip()) for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Signatory:
    """A line in a signature table (mediation agreements): a label and room to sign."""

    label: str
    name: str = ""


@dataclass(frozen=True)
class Document:
    title: Sequence[str]  # the parts of the title (see title_lines)
    date: dt.date | None
    signature: str = ""  # 发文机关署名
    number: str = ""  # 发文字号
    addressee: str = ""  # 主送: shown followed by a full-width colon
    blocks: Sequence[Block] = ()
    attachments: Sequence[str] = ()
    note: str = ""  # 附注 (e.g. contact person and phone), under the date in parentheses
    signatories: Sequence[Signatory] = ()  # places to sign before the seal block (mediation), two a row
    signatories_heading: str = ""  # e.g. 当事人（签名、盖章或者按指印）
    seal: bool = True  # leave the seal area over the signature and date
    letterhead: str = ""  # 版头: the issuing body's name in red over a red rule; "" for none
    lang: str = "zh-CN"
    meta_subject: str = ""
    extra_css: str = field(default="", repr=False)


def _numbered(blocks: Sequence[Block]) -> list[dict]:
    counters = [0, 0, 0, 0]
    out = []
    for b in blocks:
        item = {"kind": b.kind, "text": b.text, "tail": b.tail, "label": ""}
        if b.kind.startswith("h"):
            level = int(b.kind[1]) - 1
            counters[level] += 1
            for deeper in range(level + 1, 4):
                counters[deeper] = 0
            n = counters[level]
            item["label"] = [f"{cn_numeral(n)}、", f"（{cn_numeral(n)}）", f"{n}.", f"（{n}）"][level]
        out.append(item)
    return out


def _attachment_rows(attachments: Sequence[str]) -> list[dict]:
    if len(attachments) == 1:
        return [{"label": "附件：", "text": attachments[0]}]
    return [{"label": "附件：" if i == 0 else "", "text": f"{i + 1}. {a}"} for i, a in enumerate(attachments)]


@lru_cache(maxsize=1)
def _engine():
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATE_DIR)], autoescape=True, debug=False)


def text_runs(doc: Document) -> dict[str, str]:
    """Everything the document prints, by the font role that prints it (for ``fonts.check_coverage``)."""
    blocks = _numbered(doc.blocks)
    body = [doc.number, doc.addressee, "：", doc.signature, chinese_date(doc.date) if doc.date else "",
            f"（{doc.note}）" if doc.note else "", doc.signatories_heading, "（印章）"]
    body += [b["text"] for b in blocks if b["kind"] in ("p", "line", "plain")]
    body += [b["label"] + b["text"] for b in blocks if b["kind"] in ("h3", "h4")]
    body += [b["tail"] for b in blocks]
    body += [a["label"] + a["text"] for a in _attachment_rows(list(doc.attachments))]
    body += [f"{s.label}：{s.name}" for s in doc.signatories]
    return {
        "title": "".join(doc.title) + doc.letterhead,
        "body": "".join(body),
        "hei": "".join(b["label"] + b["text"] for b in blocks if b["kind"] == "h1"),
        "kai": "".join(b["label"] + b["text"] for b in blocks if b["kind"] == "h2"),
        "song": "— 0123456789",  # the page numbers
    }


def render_html(doc: Document, *, seal_guide: bool | None = None, fonts: dict | None = None) -> str:
    """The HTML (with its CSS inline) that ``render_pdf`` prints."""
    from django.template import Context

    fonts = installed_fonts(fonts)
    if seal_guide is None:
        seal_guide = _setting("CASEWORK_NOTICE_SEAL_GUIDE", False)
    engine = _engine()
    css = engine.get_template("documents/notice.css").render(
        Context(
            {
                "f_title": _css_families(fonts["title"]),
                "f_body": _css_families(fonts["body"]),
                "f_hei": _css_families(fonts["hei"]),
                "f_kai": _css_families(fonts["kai"]),
                "f_song": _css_families(fonts["song"]),
                "title_weight": int(fonts["title_weight"]),
                "red": LETTERHEAD_RED,
            },
            autoescape=False,
        )
    )
    context = {
        "doc": doc,
        "css": css + doc.extra_css,
        "title_lines": title_lines(doc.title),
        "title_text": "".join(doc.title).replace("\n", ""),
        "blocks": _numbered(doc.blocks)[:-1],
        "last_block": (_numbered(doc.blocks) or [None])[-1],
        "attachments": _attachment_rows(list(doc.attachments)),
        "signatory_rows": [list(doc.signatories[i : i + 2]) for i in range(0, len(doc.signatories), 2)],
        "date_text": chinese_date(doc.date) if doc.date else "",
        "seal_guide": seal_guide,
    }
    return engine.get_template("documents/notice.html").render(Context(context))


def render_pdf(doc: Document, *, seal_guide: bool | None = None, fonts: dict | None = None) -> bytes:
    """PDF bytes of ``doc``: fonts embedded (subset), text extractable.

    ``fonts.FontProblem`` when a font is not installed or lacks a character the document prints:
    never a PDF with empty boxes.
    """
    from weasyprint import HTML

    from .fetcher import ProjectFilesFetcher
    from .fonts import check_coverage
    from .justify import install

    fonts = installed_fonts(fonts)
    check_coverage(text_runs(doc), fonts)
    install()  # 两端对齐 for Chinese lines (WeasyPrint only widens spaces)
    html = render_html(doc, seal_guide=seal_guide, fonts=fonts)
    # pdf_tags: a tagged PDF (headings, paragraphs, reading order) for screen readers.
    # Only the project's own files are read (fetcher.py): no address a typed text could name.
    return HTML(string=html, base_url=str(TEMPLATE_DIR), url_fetcher=ProjectFilesFetcher()).write_pdf(pdf_tags=True)


def _setting(name: str, default):
    try:
        from django.conf import settings

        return getattr(settings, name, default) if settings.configured else default
    except ImportError:
        return default
