"""Inter-character justification for Chinese lines in WeasyPrint.

WeasyPrint justifies a line by widening its spaces only (``layout.inline.justify_line``).
Chinese text has no spaces, so a justified Chinese paragraph stays ragged on the
right wherever a line breaks short (a closing mark may not start a line; Arabic
numerals are narrower than characters). An official document is set 两端对齐, so for
lines that contain CJK characters this spreads the extra width evenly over every
character, as Word and print typesetting do; other lines keep WeasyPrint's own
justification. A line that is short by more than a quarter of a character per
character (e.g. before a long unbreakable string) is left as it is.

``install()`` replaces ``weasyprint.layout.inline.justify_line`` for the process. It checks
that the internals it relies on exist (WeasyPrint 70 is pinned) and otherwise leaves
WeasyPrint untouched: the result is then only ragged, never wrong.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
MAX_SPREAD_EM = 0.25

_installed = False


def install() -> bool:
    global _installed
    if _installed:
        return True
    try:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
        from weasyprint.text.line_break import create_layout
    except ImportError:
        return False
    original = getattr(inline, "justify_line", None)
    if original is None or not hasattr(inline, "count_expandable_spaces") or not hasattr(boxes, "TextBox"):
        return False

    def text_boxes(box):
        if isinstance(box, boxes.TextBox):
            yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def spread(context, box, per_char, x_advance):
        if isinstance(box, boxes.TextBox):
            box.position_x += x_advance
            n = len(box.text)
            if n:
                style = box.style.copy()
                spacing = style["letter_spacing"]
                style["letter_spacing"] = (0 if spacing == "normal" else spacing) + per_char
                layout = create_layout(box.text, style, context, max_width=None,
                                       justification_spacing=box.justification_spacing)
                layout.deactivate()
                box.style = style
                box.pango_layout = layout
                box.width += per_char * n
                x_advance += per_char * n
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = spread(context, child, per_char, x_advance)
            box.width += x_advance - before
        return x_advance

    def justify_line(context, line, extra_width):
        texts = list(text_boxes(line))
        chars = sum(len(t.text) for t in texts)
        if extra_width > 0 and chars > 1 and any(_CJK.search(t.text) for t in texts):
            per_char = extra_width / chars
            font_size = texts[0].style["font_size"] or 16
            if per_char <= MAX_SPREAD_EM * font_size:
                spread(context, line, per_char, 0)
            return None
        return original(context, line, extra_width)

    justify_line.casework_cjk = True
    inline.justify_line = justify_line
    _installed = True
    return True
