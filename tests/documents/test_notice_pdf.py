"""The PDFs as files: fonts embedded and CJK-capable, no tofu, a page that renders with ink on it.

One PNG of page 1 of every notice is saved to test-artifacts/notices/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from functools import lru_cache

import pytest
from PIL import Image

from casework.documents.layout import FONT_ROLES, Document, P, installed_fonts, render_pdf
from notice_pdf import pdftoppm_png, require_tool, text_lines
from casework.documents.notices import render_notice
from notice_samples import samples

NAMES = list(samples())
CJK_FONT = re.compile(r"Noto-?Serif-?CJK|Noto-?Sans-?CJK|AR-?PL", re.I)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _fonts(page) -> list:
    """The font dictionaries a page uses (its resources and its form XObjects)."""
    found = []

    def walk(resources):
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            found.append(font.get_object())
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            walk(xobj.get("/Resources"))

    walk(page.get("/Resources"))
    return found


def _descriptor(font):
    if "/DescendantFonts" in font:  # Type0 (CID) font: the descriptor is on the descendant
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


@pytest.mark.parametrize("name", NAMES)
def test_fonts_are_embedded_and_cjk_capable(rendered, name):
    reader = rendered[name].reader
    names = set()
    for page in reader.pages:
        fonts = _fonts(page)
        assert fonts, "a page without fonts"
        for font in fonts:
            descriptor = _descriptor(font)
            assert any(k in descriptor for k in ("/FontFile2", "/FontFile3")), f"{font['/BaseFont']} not embedded"
            assert "/ToUnicode" in font, f"{font['/BaseFont']}: text not extractable"
            names.add(str(font["/BaseFont"]))
    assert names and all(CJK_FONT.search(n) for n in names), names
    assert all(re.match(r"/[A-Z]{6}\+", n) for n in names), names  # subset, not the 20 MB originals


def test_each_font_role_is_used(rendered):
    """宋 (title, page numbers), 黑 (一、), 楷 (（一）) all appear in a notice with every heading level."""
    used = {str(f["/BaseFont"]) for p in rendered["handling"].reader.pages for f in _fonts(p)}
    assert any("Serif" in u for u in used) and any("Sans" in u for u in used) and any("UKai" in u for u in used)


@lru_cache(maxsize=None)
def _font_file(family: str) -> str:
    fc = shutil.which("fc-match")
    if fc is None:
        pytest.fail("fc-match (fontconfig) is not installed")
    out = subprocess.run([fc, "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=True)
    families, path = out.stdout.split("\n", 1)
    assert family in families.split(","), f"font {family!r} is not installed (fontconfig gave {families!r})"
    return path


@lru_cache(maxsize=None)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.endswith((".ttc", ".otc")):
        return frozenset(TTCollection(path).fonts[0].getBestCmap())
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def test_configured_fonts_are_installed_and_cover_every_character(rendered):
    """No tofu: each family the setting names is installed, and the body font has a glyph for every character."""
    fonts = installed_fonts()  # the families of each role that are installed, as the CSS names them
    for role in FONT_ROLES:
        _font_file(fonts[role][0])
    body = _cmap(_font_file(fonts["body"][0]))
    kai = _cmap(_font_file(fonts["kai"][0]))
    for r in rendered.values():
        text = re.sub(r"\s+", "", r.text())
        assert HAN.search(text)
        missing = {c for c in text if ord(c) not in body}
        assert not missing, f"{r.name}: no glyph in the body font for {''.join(sorted(missing))}"
        headings = "".join(re.findall(r"（[一二三四五六七八九十]+）[^（]{1,20}", text))
        assert all(ord(c) in kai for c in headings if HAN.match(c)), headings


@pytest.mark.parametrize("name", NAMES)
def test_page_one_renders_with_ink(rendered, artifacts, name):
    """pdftoppm draws the page; it is not blank, the margins are, and the title band has ink."""
    png = pdftoppm_png(rendered[name].pdf, artifacts / f"{name}.png", dpi=50)
    img = Image.open(png).convert("L")
    w, h = img.size
    assert (w, h) == (round(210 / 25.4 * 50), round(297 / 25.4 * 50)) or abs(w - 413) <= 1  # A4 at 50 dpi
    px = img.load()
    mm = 50 / 25.4

    def dark(x0, y0, x1, y1):
        return sum(1 for y in range(int(y0 * mm), int(y1 * mm)) for x in range(int(x0 * mm), int(x1 * mm))
                   if px[x, y] < 128)

    total = dark(0, 0, 210, 297)
    assert total > 2000, f"{name}: page 1 looks blank ({total} dark pixels)"
    assert dark(28, 37, 184, 52) > 150, "no title in the band under the top margin"
    assert dark(0, 0, 210, 35) == 0, "ink in the top margin"
    assert dark(0, 0, 26, 262) == 0, "ink in the binding margin"


def test_seal_guide_is_an_option(tmp_path):
    doc = Document(title=["东县信访局", "测试"], date=dt.date(2026, 11, 30), signature="东县信访局", blocks=[P("正文。")])
    plain, guided = render_pdf(doc), render_pdf(doc, seal_guide=True)
    ink = []
    for i, pdf in enumerate((plain, guided)):
        img = Image.open(pdftoppm_png(pdf, tmp_path / f"seal{i}.png", dpi=50)).convert("L")
        px = img.load()
        ink.append(sum(1 for y in range(img.size[1]) for x in range(img.size[0]) if px[x, y] < 235))
    assert ink[1] > ink[0] + 100  # the dashed 42 mm circle


def test_justification_patch_is_installed():
    from weasyprint.layout import inline

    render_pdf(Document(title=["测试"], date=dt.date(2026, 11, 30), blocks=[P("正文。")]))
    assert getattr(inline.justify_line, "casework_cjk", False)


def test_poppler_present():
    require_tool("pdftoppm")
    require_tool("pdftotext")


def _red_pixels(png) -> int:
    img = Image.open(png).convert("RGB")
    return sum(1 for r, g, b in img.get_flattened_data() if r > 180 and g < 90 and b < 90)


def test_a_red_letterhead_is_an_option_of_the_issuing_body(tmp_path):
    """Issue 11 item 6 (shared/NOTICES.md): the issuing body's name in red over a red rule, on request only;
    the 发文字号 then sits under the rule, and the text stays the issuer's name in the title as well."""
    import dataclasses

    data = samples()["handling"]
    plain, red = render_notice(data), render_notice(dataclasses.replace(data, letterhead=True))
    assert _red_pixels(pdftoppm_png(plain, tmp_path / "plain.png", dpi=40)) == 0
    assert _red_pixels(pdftoppm_png(red, tmp_path / "red.png", dpi=40)) > 300
    lines = [ln["text"] for ln in text_lines(red, 1)]
    assert lines[0] == data.issuer and lines[1] == data.number  # 版头, then the number under the rule


@pytest.mark.parametrize("paragraphs", range(11, 21))
def test_no_page_holds_only_the_signature_block(paragraphs):
    """Issue 11 item 6: however the body falls, the last paragraph stays with the signature and the date."""
    from pypdf import PdfReader
    import io

    blocks = [P(f"这是正文第{i}段，说明办理的情况和依据。") for i in range(1, paragraphs + 1)] + [P("特此告知。")]
    doc = Document(title=["东县信访局", "信访事项告知书"], date=dt.date(2026, 11, 30), signature="东县信访局",
                   addressee="张三", blocks=blocks, note="事项编号：K1-2026-00015")
    pages = PdfReader(io.BytesIO(render_pdf(doc))).pages
    last = re.sub(r"\s+", "", pages[-1].extract_text())
    assert "特此告知。" in last and "东县信访局2026年11月30日" in last, (len(pages), last)
