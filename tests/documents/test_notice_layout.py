"""The official layout (GB/T 9704-2012 essentials, shared/NOTICES.md): helpers and measured geometry."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.documents.layout import (
    DEFAULT_FONTS, TITLE_CHARS_PER_LINE, Document, H1, H2, H3, H4, P, _visual_len, chinese_date, cn_numeral,
    document_number, notice_fonts, render_html, title_lines,
)
from notice_pdf import text_lines

MM_PER_PT = 25.4 / 72
LEFT, TOP, WIDTH, HEIGHT = 28.0, 37.0, 156.0, 225.0  # 订口, 天头, 版心
RIGHT = LEFT + WIDTH  # 184 mm
CHAR = 15.75 * MM_PER_PT  # a 16 pt character less the -0.25 pt letter-spacing: 28 of them fill 156 mm


# --- helpers ----------------------------------------------------------------------------------------


def test_document_number_uses_hexagonal_brackets_and_no_padding():
    assert document_number("东县信访局", 2026, 15) == "东县信访局〔2026〕15号"
    assert document_number("东信督", 2026, 1) == "东信督〔2026〕1号"  # 不编虚位: not 001
    n = document_number("甲镇调", 2027, 3)
    assert "[" not in n and "【" not in n and "第" not in n


@pytest.mark.parametrize("args", [("", 2026, 1), ("东县", 26, 1), ("东县", 2026, 0), ("东县", 2026, "15"),
                                  ("东县", "2026", 1), ("东县", 2026, True)])
def test_document_number_rejects_bad_parts(args):
    with pytest.raises(ValueError):
        document_number(*args)


def test_date_in_arabic_numerals_without_leading_zeros():
    assert chinese_date(dt.date(2026, 11, 30)) == "2026年11月30日"
    assert chinese_date(dt.date(2027, 1, 8)) == "2027年1月8日"


def test_heading_numerals():
    assert [cn_numeral(n) for n in (1, 2, 9, 10, 11, 20, 21, 99)] == [
        "一", "二", "九", "十", "十一", "二十", "二十一", "九十九"]
    with pytest.raises(ValueError):
        cn_numeral(0)


def test_short_title_stays_on_one_line():
    assert title_lines(["东县信访局", "信访事项登记回执"]) == ["东县信访局信访事项登记回执"]


def test_long_title_breaks_between_its_parts_into_balanced_lines():
    lines = title_lines(["东县人力资源和社会保障局", "信访事项延期办理告知书"])
    assert lines == ["东县人力资源和社会保障局", "信访事项延期办理告知书"]


def test_a_long_title_keeps_its_parts_whole():
    parts = ["东县人民政府信访局", "关于张某某反映征地补偿款未足额发放问题的", "信访事项处理意见书"]
    assert title_lines(parts) == parts  # 菱形
    assert title_lines(["东县人民政府", "关于2026年第三季度信访工作情况的通报"]) == [
        "东县人民政府", "关于2026年第三季度信访工作情况的通报"]


def test_a_long_one_part_title_breaks_into_balanced_lines_at_a_function_word():
    title = "关于进一步规范信访事项受理办理程序，引导来访人依法逐级走访的实施意见"
    lines = title_lines(title)
    assert "".join(lines) == title and len(lines) == 2
    widths = [_visual_len(x) for x in lines]
    assert max(widths) <= TITLE_CHARS_PER_LINE and min(widths) >= 0.6 * max(widths)  # 梯形, not a line and a stub
    assert lines[0].endswith("，")


def test_title_never_breaks_inside_a_number():
    lines = title_lines("东县人民政府关于做好2026年度第三季度信访工作考核和通报工作的通知")
    assert all(not (a[-1].isdigit() and b[0].isdigit()) for a, b in zip(lines, lines[1:]))


def test_title_never_starts_a_line_with_closing_punctuation():
    lines = title_lines("关于进一步规范信访事项受理办理程序，引导来访人依法逐级走访的实施意见")
    assert all(line[0] not in "，。、；：）》〕" for line in lines)


def test_forced_title_break():
    assert title_lines(["东县信访局\n", "信访事项登记回执"]) == ["东县信访局", "信访事项登记回执"]


def test_headings_are_numbered_per_level():
    html = render_html(Document(title=["标题"], date=dt.date(2026, 11, 30), blocks=[
        H1("甲"), H2("乙"), H3("丙", "正文"), H4("丁"), H2("戊"), H1("己"), H2("庚"), H3("辛")]))
    for label in ("一、甲", "（一）乙", "1.丙", "（1）丁", "（二）戊", "二、己", "（一）庚", "1.辛"):
        assert label in html


def test_text_is_escaped():
    html = render_html(Document(title=["<b>标题</b>"], date=dt.date(2026, 11, 30), addressee="<script>",
                                blocks=[P("a < b & c")]))
    assert "<script>" not in html and "&lt;script&gt;：" in html and "a &lt; b &amp; c" in html


def test_fonts_are_a_setting(settings):
    assert notice_fonts()["body"] == DEFAULT_FONTS["body"]
    settings.CASEWORK_NOTICE_FONTS = {"body": "AR PL UKai CN", "title": ["方正小标宋简体", "Noto Sans CJK SC"]}
    fonts = notice_fonts()
    assert fonts["body"] == ["AR PL UKai CN"] and fonts["title"] == ["方正小标宋简体", "Noto Sans CJK SC"]
    assert fonts["hei"] == DEFAULT_FONTS["hei"]  # the rest keep their defaults
    css = render_html(Document(title=["标题"], date=dt.date(2026, 11, 30)))
    # only installed families reach the CSS (方正小标宋 is not installed here: the free fallback prints)
    assert 'font-family: "AR PL UKai CN"' in css and 'font-family: "Noto Sans CJK SC"' in css
    assert "方正小标宋简体" not in css and "font-weight: 700" in css  # Noto Sans Bold stands in for 小标宋


def test_the_official_faces_come_first_with_the_free_fonts_as_fallback():
    """shared/NOTICES.md: 仿宋_GB2312 / 仿宋 and 方正小标宋 where installed, the free fonts last."""
    assert DEFAULT_FONTS["body"][0] == "仿宋_GB2312" and "仿宋" in DEFAULT_FONTS["body"]
    assert DEFAULT_FONTS["body"][-1] == "Noto Serif CJK SC"
    assert "小标宋" in DEFAULT_FONTS["title"][0] and DEFAULT_FONTS["title"][-1] == "Noto Serif CJK SC"
    assert DEFAULT_FONTS["kai"][-1] == "AR PL UKai CN" and DEFAULT_FONTS["hei"][-1] == "Noto Sans CJK SC"


def test_font_setting_rejects_unknown_keys_and_odd_names(settings):
    settings.CASEWORK_NOTICE_FONTS = {"bodyy": ["X"]}
    with pytest.raises(ValueError, match="unknown keys"):
        notice_fonts()
    settings.CASEWORK_NOTICE_FONTS = {"body": ['X"; } body { color: red']}
    with pytest.raises(ValueError, match="not allowed"):
        render_html(Document(title=["标题"], date=dt.date(2026, 11, 30)))


# --- measured geometry (poppler's text boxes, in mm) --------------------------------------------------


def _near(a: float, b: float, tol: float = 0.8) -> bool:
    return abs(a - b) <= tol


def _body(lines: list[dict]) -> list[dict]:
    """The lines of the text block, without the page number."""
    return [ln for ln in lines if ln["y0"] < TOP + HEIGHT]


@pytest.mark.parametrize("name", ["handling", "receipt", "supervision"])
def test_everything_sits_in_the_text_block(rendered, name):
    lines = text_lines(rendered[name].pdf, 1)
    body = _body(lines)
    assert body, "no text on page 1"
    assert min(ln["x0"] for ln in body) >= LEFT - 0.3
    assert max(ln["x1"] for ln in body) <= RIGHT + 0.5
    assert min(ln["y0"] for ln in body) >= TOP - 0.5  # 天头 37 mm
    assert max(ln["y1"] for ln in body) <= TOP + HEIGHT + 1


def test_title_number_addressee_and_indents(rendered):
    lines = _body(text_lines(rendered["handling"].pdf, 1))
    title, number, addressee, first = lines[0], lines[1], lines[2], lines[3]
    assert title["text"] == "东县住房和城乡建设局信访事项处理意见书"
    assert _near((title["x0"] + title["x1"]) / 2, LEFT + WIDTH / 2, 1.0)  # centred
    assert (title["y1"] - title["y0"]) > 22 * MM_PER_PT * 0.9  # 2号 (22 pt)
    assert number["text"] == "东县住建局〔2026〕15号" and _near(number["x1"], RIGHT)
    assert addressee["text"] == "张三：" and _near(addressee["x0"], LEFT)  # 顶格, full-width colon
    assert addressee["y0"] - number["y1"] > 8  # a blank line under the title block
    assert _near(first["x0"], LEFT + 2 * CHAR)  # 首行缩进二字


def test_lines_are_28_characters_on_a_22_line_grid(rendered):
    lines = _body(text_lines(rendered["handling"].pdf, 1))[3:]
    body = [(a, b) for a, b in zip(lines, lines[1:]) if _near(b["x0"], LEFT)]  # a line and its continuation
    assert len(body) >= 5
    assert all(_near(b["y0"] - a["y0"], 225 / 22, 0.1) for a, b in body)  # 22 lines in 225 mm
    full = []  # continuation lines of pure Chinese text that reach the right edge
    for r in rendered.values():
        full += [ln["text"] for ln in _body(text_lines(r.pdf, 1)) if _near(ln["x0"], LEFT)
                 and _near(ln["x1"], RIGHT) and not any(c.isascii() for c in ln["text"])]
    assert len(full) >= 5 and all(len(t) == 28 for t in full), full


def test_chinese_lines_are_justified(rendered):
    """两端对齐: every line of a paragraph but its last reaches the right edge of the text block."""
    checked = 0
    for name in ("handling", "review", "mediation", "redirect"):
        lines = _body(text_lines(rendered[name].pdf, 1))
        for line, nxt in zip(lines, lines[1:]):
            continues = _near(nxt["x0"], LEFT) and nxt["y0"] - line["y0"] < 11
            if continues and line["y0"] > TOP + 25 and not line["text"].startswith(("甲方", "乙方")):
                assert _near(line["x1"], RIGHT, 0.6), (name, line)
                checked += 1
    assert checked >= 8


def test_signature_centred_over_date_four_characters_from_the_edge(rendered):
    lines = _body(text_lines(rendered["receipt"].pdf, 1))
    date = next(ln for ln in lines if ln["text"] == "2026年11月30日")
    signature = next(ln for ln in lines if ln["text"] == "东县信访局" and ln["y0"] < date["y0"])
    assert _near(date["x1"], RIGHT - 4 * CHAR, 1.2)  # 右空四字
    assert _near((signature["x0"] + signature["x1"]) / 2, (date["x0"] + date["x1"]) / 2, 1.0)
    assert _near(date["y0"] - signature["y0"], 10.2, 0.3)
    note = next(ln for ln in lines if ln["text"].startswith("（联系人"))
    assert note["y0"] > date["y0"] and _near(note["x0"], LEFT + 2 * CHAR)  # 附注 under the date


def test_attachment_line_two_characters_in_after_a_blank_line(rendered):
    lines = _body(text_lines(rendered["handling"].pdf, 2))  # an even page: the text block starts at 26 mm
    i = next(i for i, ln in enumerate(lines) if ln["text"].startswith("附件："))
    assert _near(lines[i]["x0"], 210 - RIGHT + 2 * CHAR)
    assert lines[i]["y0"] - lines[i - 1]["y0"] > 19  # one blank line after the body


def test_page_numbers_at_the_outside_edge(rendered):
    pdf = rendered["handling"].pdf
    assert len(rendered["handling"].reader.pages) >= 2
    odd = [ln for ln in text_lines(pdf, 1) if ln["y0"] > TOP + HEIGHT]
    even = [ln for ln in text_lines(pdf, 2) if ln["y0"] > TOP + HEIGHT]
    assert [ln["text"] for ln in odd] == ["—1—"] and [ln["text"] for ln in even] == ["—2—"]
    one_char = 14 * MM_PER_PT  # 4号
    assert _near(odd[0]["x1"], RIGHT - one_char, 1.0)  # 单页码居右空一字
    assert _near(even[0]["x0"], 210 - RIGHT + one_char, 1.0)  # 双页码居左空一字; 订口 mirrored
    assert _near((odd[0]["y0"] + odd[0]["y1"]) / 2 - (TOP + HEIGHT), 7, 1.0)  # the dashes 7 mm under the text block
    page2 = _body(text_lines(pdf, 2))
    assert _near(min(ln["x0"] for ln in page2), 210 - RIGHT)  # even page: binding margin on the right
