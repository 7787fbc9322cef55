"""Personal data as staff pages show it until someone asks to see it in full (and that asking is an event).

A phone keeps its first three and last four digits (138****1234); an address keeps what names the place down to
the township (东县甲镇****), never the village, street or house; a name is shown as it is (every notice the
case issues is addressed to it, and a search finds it by exact match only).
"""

from __future__ import annotations

import re

from .keys import normal_phone

HIDDEN = "****"
# Down to the township: 街道 / 镇 / 乡 (民族乡, 苏木 included), else the county level (区 / 县 / 旗 / 市).
_TOWNSHIP = re.compile(r"^.*?(?:街道|镇|乡|苏木)")
_COUNTY = re.compile(r"^.*(?:区|县|旗|市)")


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
    shown = _TOWNSHIP.match(value) or _COUNTY.match(value)
    kept = shown.group(0) if shown and len(shown.group(0)) < len(value) else ""
    return f"{kept}{HIDDEN}"
