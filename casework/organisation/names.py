"""How a staff member's name is written: the one function every page, list, dropdown and PDF uses.

Chinese names are written family name first with no space (「郑军」, never 「军 郑」): ``last_name`` holds the
family name, ``first_name`` the given name. A name in Latin letters keeps the Western order with a space.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def full_name(family: str, given: str) -> str:
    family, given = (family or "").strip(), (given or "").strip()
    if _CJK.search(family + given):
        return family + given
    return " ".join(p for p in (given, family) if p)


def person_name(user, empty: str = "") -> str:
    """The person's name as it is written, else their login name; ``empty`` when there is nobody."""
    if user is None:
        return empty
    return full_name(getattr(user, "last_name", ""), getattr(user, "first_name", "")) or user.get_username()
