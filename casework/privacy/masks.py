"""Personal data as staff pages show it until someone asks to see it in full (and that asking is an event).

A phone keeps its first three and last four digits (138****1234); an address keeps what names the place down to
the township (东县甲镇****), never the village, street or house; a name is shown as it is (every notice the
case issues is addressed to it, and a search finds it by exact match only).
"""

from __future__ import annotations

import re

from .keys import normal_phone

HIDDEN = "****"
# Down to the township: 街道 / 镇 / 乡 (民族乡, 苏木 included), else the county (区 / 县 / 旗), else the city; the
# first of each, so that a 市 or 区 in a street's name (市场路) never shows the street.
_LEVELS = (re.compile(r"^.*?(?:街道|镇|乡|苏木)"), re.compile(r"^.*?(?:区|县|旗)"), re.compile(r"^.*?市"))


def mask_phone(value: str) -> str:
    digits = normal_phone(value)
    if not digits:
        return ""
    if len(digits) == 13 and digits.startswith("86"):  # +86, the country code
        digits = digits[2:]
    if len(digits) >= 7:
        return f"{digits[:3]}{HIDDEN}{digits[-4:]}"
    return HIDDEN


def mask_address(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    shown = next((m for m in (level.match(value) for level in _LEVELS) if m), None)
    kept = shown.group(0) if shown and len(shown.group(0)) < len(value) else ""
    return f"{kept}{HIDDEN}"
