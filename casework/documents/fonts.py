"""Never a PDF with missing glyphs: which configured fonts are installed, and whether they cover a text.

fontconfig (``fc-list``) says where each family's files are; fontTools reads each
file's character map. Both answers are cached per process. Before a notice is
rendered, every character it prints is checked against the installed families of
the font role that prints it (title, body, 黑体, 楷体, page numbers); a family
that is not installed is skipped, as the CSS font list skips it, and a role with
none installed, or a character none of them has, stops the rendering with a
message that names the font and the package to install.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from typing import Iterable, Mapping

# Debian packages of the free fonts the defaults name (shared/NOTICES.md).
FONT_PACKAGES = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "AR PL UKai CN": "fonts-arphic-ukai",
    "AR PL UMing CN": "fonts-arphic-uming",
    "FandolFang": "texlive-lang-chinese",
    "FandolSong": "texlive-lang-chinese",
    "FandolKai": "texlive-lang-chinese",
    "FandolHei": "texlive-lang-chinese",
}


class FontProblem(Exception):
    """A notice cannot be printed with the fonts installed. ``message`` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _install_hint(family: str) -> str:
    package = FONT_PACKAGES.get(family)
    return f"apt-get install {package}" if package else "请安装该字体，或在 CASEWORK_NOTICE_FONTS 中改用已安装的字体"


@lru_cache(maxsize=1)
def _font_files() -> dict[str, tuple[tuple[str, int], ...]]:
    """family name (every name a font gives) → its (file, face index) pairs, from fontconfig."""
    tool = shutil.which("fc-list")
    if tool is None:
        raise FontProblem("未安装 fontconfig，无法查找字体（apt-get install fontconfig）")
    out = subprocess.run([tool, "-f", "%{family}\t%{file}\t%{index}\n"], capture_output=True, text=True,
                         timeout=60, check=False).stdout
    files: dict[str, list[tuple[str, int]]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        families, path, index = parts
        for family in families.split(","):
            files.setdefault(family.strip(), []).append((path, int(index or 0)))
    return {k: tuple(sorted(set(v))) for k, v in files.items()}


def installed(family: str) -> bool:
    return family in _font_files()


@lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset((font.getBestCmap() or {}).keys())
    finally:
        font.close()


@lru_cache(maxsize=64)
def coverage(family: str) -> frozenset[int]:
    """Every code point some face of the family has a glyph for."""
    out: set[int] = set()
    for path, index in _font_files().get(family, ()):
        out |= _cmap(path, index)
    return frozenset(out)


def installed_families(families: Iterable[str]) -> list[str]:
    return [f for f in families if installed(f)]


def check_coverage(runs: Mapping[str, str], fonts: Mapping[str, list[str]]) -> None:
    """``runs``: role → all the text that role prints. FontProblem unless every character is covered."""
    for role, text in runs.items():
        families = list(fonts[role])
        present = installed_families(families)
        if not present:
            names = "、".join(families)
            raise FontProblem(f"字体 {names} 未安装，无法生成文书（{_install_hint(families[-1])}）")
        chars = {c for c in text if not c.isspace()}
        covered: set[int] = set()
        for family in present:
            covered |= coverage(family)
        missing = sorted(c for c in chars if ord(c) not in covered)
        if missing:
            raise FontProblem(
                f"字体 {'、'.join(present)} 缺少字符「{''.join(missing[:10])}」，无法生成文书"
                f"（请在 CASEWORK_NOTICE_FONTS 中加入含有这些字符的字体）"
            )


def clear_caches() -> None:
    """Forget what fontconfig said (after installing fonts in a running process, and in tests)."""
    _font_files.cache_clear()
    coverage.cache_clear()
    _cmap.cache_clear()
