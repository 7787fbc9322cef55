"""Labelled messages from a CSV file: columns ``text`` (or 留言详情), optional ``title`` (留言主题), ``label`` (一级标签)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ALIASES = {"text": ("text", "留言详情", "content"), "title": ("title", "留言主题"), "label": ("label", "一级标签", "category")}


def read_labelled_csv(path: Path) -> tuple[list[str], list[str], list[str]]:
    """(texts, titles, labels); ``ValueError`` naming the columns found when ``text`` or ``label`` is missing."""
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        cols = {want: next((n for n in names if n in (reader.fieldnames or [])), None) for want, names in ALIASES.items()}
        if cols["text"] is None or cols["label"] is None:
            raise ValueError(f"{path}: needs columns 'text' and 'label' (found {reader.fieldnames})")
        texts, titles, labels = [], [], []
        for row in reader:
            texts.append(row[cols["text"]] or "")
            titles.append((row[cols["title"]] or "") if cols["title"] else "")
            labels.append((row[cols["label"]] or "").strip())
    return texts, titles, labels
