"""Where a complainant may ask for 复查 (Art 35) or 复核 (Art 36 ¶1): the one function every surface asks.

The review action validates the chosen body against it, the 处理意见书 and the
复查意见书 name one it returns, and the portal's review form offers exactly these.
"""

from __future__ import annotations

from casework.organisation.higher import higher_bodies
from casework.organisation.models import Unit

from .models import Case


def review_bodies(case: Case, issuer: Unit | None = None) -> list[Unit]:
    """「上一级」 of the unit whose opinion would be challenged, less any unit complained about (Art 30 ¶3).

    ``issuer``: the unit that issued that opinion; by default the unit that holds the case now, which is
    the replying unit while the case is replied and the review body once it has decided.
    """
    issuer = issuer or case.current_unit
    complained = set(case.respondent_units.values_list("pk", flat=True)) if case.pk else set()
    return [u for u in higher_bodies(issuer) if u.pk not in complained]
