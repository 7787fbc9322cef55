"""A small reader of gettext .po files: enough for the catalogue that makemessages writes.

The tests must not need GNU gettext to check the committed catalogue, so this reads
the .po in Python; ``gettext.GNUTranslations`` reads the .mo.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a plain msgstr
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def key(self) -> str:
        """The key the .mo uses: "context\\x04msgid" with a context."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _string(text: str) -> str:
    # a PO string is a C string literal; these are Python's for everything makemessages writes
    return ast.literal_eval(text)


def read(path: Path = PO) -> list[Entry]:
    """Every entry but the header and obsolete (#~) ones, in file order."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    seen_msgid = False

    def finish():
        nonlocal current, target, seen_msgid
        if seen_msgid and current.msgid != "":
            entries.append(current)
        current, target, seen_msgid = Entry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#:"):
            current.references += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}: continuation line without a keyword: {raw!r}")
            _append(current, target, _string(line))
            continue
        keyword, _, rest = line.partition(" ")
        if seen_msgid and keyword in ("msgctxt", "msgid"):
            finish()  # entries not separated by a blank line
        if keyword == "msgctxt":
            current.msgctxt, target = "", ("msgctxt", 0)
        elif keyword == "msgid":
            target, seen_msgid = ("msgid", 0), True
        elif keyword == "msgid_plural":
            current.msgid_plural, target = "", ("msgid_plural", 0)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
            current.msgstr[0] = ""
        elif keyword.startswith("msgstr["):
            n = int(keyword[len("msgstr["):-1])
            target = ("msgstr", n)
            current.msgstr[n] = ""
        else:
            raise ValueError(f"{path}: unknown line {raw!r}")
        _append(current, target, _string(rest))
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, n = target
    if name == "msgstr":
        entry.msgstr[n] += text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)
