"""「上一级」: the bodies one level above a unit, where a 复查 or 复核 is asked (信访工作条例 Art 35, 36).

RULES.md §0: for a department of a people's government, that government or the
department of the same sector one level up (a county 住建局 → the county government
or the city 住建局); for a township, the county government. A government (or a unit
of a township or village) answers to the government one level up. A government may
do the work through its 信访 office or a 复查复核 committee, but the body is the
government: its own unit, with the staff who act for it.
"""

from __future__ import annotations

from django.db.models import Q

from .models import Level, Unit, UnitKind

_DEPARTMENTS = (UnitKind.DEPARTMENT, UnitKind.PETITION_OFFICE)
_BELOW_COUNTY = (Level.TOWNSHIP, Level.VILLAGE)


def higher_bodies(unit: Unit) -> list[Unit]:
    """The active units that are 「上一级」 of ``unit``: governments first, then same-sector departments."""
    j = unit.jurisdiction
    if unit.kind in _DEPARTMENTS and j.level not in _BELOW_COUNTY:
        wanted = Q(kind=UnitKind.GOVERNMENT, jurisdiction_id=j.pk)
        if unit.sector and j.parent_id:
            wanted |= Q(kind__in=_DEPARTMENTS, sector=unit.sector, jurisdiction_id=j.parent_id)
    elif j.parent_id:
        wanted = Q(kind=UnitKind.GOVERNMENT, jurisdiction_id=j.parent_id)
    else:
        return []
    found = Unit.objects.filter(wanted, is_active=True).exclude(pk=unit.pk).select_related("jurisdiction")
    return sorted(found, key=lambda u: (u.kind != UnitKind.GOVERNMENT, u.name, u.pk))
