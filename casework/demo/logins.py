"""The demo's logins worth trying: one per role and kind of unit at each level, and every department of A1区.

``load_demo`` prints them and the login page shows them while DEBUG is on, both from this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from casework.organisation.models import LEVEL_ORDER, Jurisdiction, Level, Membership, UnitKind
from casework.rules.lifecycle import ROLE_LABELS, STAFF_ROLES, Role

from casework.organisation.names import person_name

from .org import DEMO_EMAIL_DOMAIN

SHOWCASE_DISTRICT = "A1"  # the district whose every department is listed (a wage complaint goes to its 人社局)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    unit: str
    level: str


def demo_logins() -> list[DemoLogin]:
    showcase = Jurisdiction.objects.filter(code=SHOWCASE_DISTRICT).values_list("path", flat=True).first() or "~"
    memberships = sorted(
        Membership.objects.filter(user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}", user__is_active=True)
        .select_related("user", "unit__jurisdiction"),
        # the showcase district first, then the order the units and users were made in
        key=lambda m: (not m.unit.jurisdiction.path.startswith(showcase), m.unit_id, m.user_id),
    )
    picked: dict[tuple, Membership] = {}
    for m in memberships:
        key = (m.role, m.unit.kind, m.unit.jurisdiction.level)
        if m.unit.kind == UnitKind.DEPARTMENT and m.unit.jurisdiction.path.startswith(showcase):
            key += (m.unit_id,)  # every department of the showcase district
        picked.setdefault(key, m)
    if showcase != "~":  # a department elsewhere only when the showcase district has none of its kind
        shown = {(m.role, m.unit.jurisdiction.level) for k, m in picked.items() if len(k) == 4}
        picked = {k: m for k, m in picked.items()
                  if not (len(k) == 3 and k[1] == UnitKind.DEPARTMENT and (k[0], k[2]) in shown)}
    level_rank = {lv.value: i for i, lv in enumerate(LEVEL_ORDER)}
    role_rank = {r.value: i for i, r in enumerate(STAFF_ROLES)}
    rows = sorted(picked.values(), key=lambda m: (level_rank.get(m.unit.jurisdiction.level, 9),
                                                  m.unit.kind != UnitKind.PETITION_OFFICE, m.unit_id,
                                                  role_rank.get(m.role, 9)))
    return [
        DemoLogin(m.user.username, person_name(m.user), ROLE_LABELS[Role(m.role)], m.unit.name,
                  Level(m.unit.jurisdiction.level).label)
        for m in rows
    ]
