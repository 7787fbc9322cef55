"""Looking at a PDF the way a person would: poppler's rendering and its text boxes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (scripts/system-packages.sh installs poppler-utils and fontconfig)")
    return path


def pdftoppm_png(pdf: bytes, out: Path, *, page: int = 1, dpi: int = 50) -> Path:
    """Page ``page`` rendered by poppler to ``out`` (a .png path)."""
    tool = require_tool("pdftoppm")
    root = out.with_suffix("")
    subprocess.run(
        [tool, "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", "-", str(root)],
        input=pdf, capture_output=True, check=True, timeout=60,
    )
    return root.with_suffix(".png")


def text_lines(pdf: bytes, page: int = 1) -> list[dict]:
    """Poppler's text lines on ``page`` with their boxes in mm: [{"x0", "y0", "x1", "y1", "text"}]."""
    tool = require_tool("pdftotext")
    xml = subprocess.run(
        [tool, "-bbox-layout", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf, capture_output=True, check=True, timeout=60,
    ).stdout.decode()
    mm = 25.4 / 72
    lines = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', xml, re.S):
        words = "".join(re.findall(r">([^<]+)</word>", m.group(5)))
        x0, y0, x1, y1 = (float(m.group(i)) * mm for i in range(1, 5))
        lines.append({"x0": x0, "y0": y0, "x1": x1, "y1": y1, "text": words})
    return lines
