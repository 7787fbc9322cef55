"""A matter as it arrives (信访工作条例 2022, Art 19, 20, 22, 23): who must be named, and how many.

Plain Python: the registration action, the intake desk, the portal, the API and
Open311 ask these functions and none of them decides on its own.
"""

from __future__ import annotations

from typing import Iterable

MAX_REPRESENTATIVES = 5
"""Art 20 ¶3: a group visit 「应当推选代表，代表人数不得超过5人」."""

GROUP_LIMIT_CHANNEL = "visit"
"""The limit of representatives binds group visits (走访) only: a letter signed by many may carry any
number of signatures (RULES.md §0)."""


def representatives_refusal(channel: str, people: int) -> str | None:
    """Why ``people`` named persons may not be registered together on ``channel``, or None (Art 20 ¶3)."""
    if channel == GROUP_LIMIT_CHANNEL and people > MAX_REPRESENTATIVES:
        return f"代表人不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条第三款）"
    return None


def is_group_visit(channel: str) -> bool:
    """Whether the persons named on a group matter on ``channel`` are its elected representatives (Art 20 ¶3);
    on any other channel each is a complainant in their own name (a letter's signatories)."""
    return channel == GROUP_LIMIT_CHANNEL


def written_notice_owed(people: Iterable[tuple[str, str]]) -> bool:
    """Art 23 ¶2: the written notice of receipt is owed 「信访人的姓名（名称）、住址不清的除外」.

    ``people``: each complainant's (name, address). Owed when at least one of them can be written to.
    Art 22 ¶1 registers the matter either way: only this duty lapses.
    """
    return any(name.strip() and address.strip() for name, address in people)
