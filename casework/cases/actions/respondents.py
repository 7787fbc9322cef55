"""Who a complaint is about (Art 30 ¶3): naming and correcting them, and a supervisor's leave for such a unit to
handle the case. The one rule of what each person then sees is ``access.case_view``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from casework import limits
from casework.audit.texts import private
from casework.organisation.models import Unit

from ..errors import InvalidInput
from ..models import Case, RespondentHandling
from .common import acting_on, text
from .transition import case_transition


_BIGGEST_ID = 2**63 - 1  # a primary key is a signed 64-bit integer on every database we run on


def _ids(ids: Iterable, field: str, kind: str) -> list[int]:
    try:
        wanted = sorted({int(u) for u in ids})
    except (TypeError, ValueError):
        raise InvalidInput(f"{kind}应为编号", field) from None
    if any(not 0 < i <= _BIGGEST_ID for i in wanted):
        raise InvalidInput(f"{kind}不存在", field)
    return wanted


def _units(ids: Iterable, field: str) -> list[Unit]:
    """Units named as complained about: any that exists (one since closed was still complained about)."""
    wanted = _ids(ids, field, "被投诉单位")
    units = list(Unit.objects.filter(pk__in=wanted))
    if len(units) != len(wanted):
        raise InvalidInput("被投诉单位不存在", field)
    return units


def named_officials(ids: Iterable, field: str) -> list[int]:
    """Staff named as complained about, at registration or later: each must exist."""
    wanted = _ids(ids, field, "被投诉人员")
    if get_user_model().objects.filter(pk__in=wanted).count() != len(wanted):
        raise InvalidInput("被投诉人员不存在", field)
    return wanted


def case_set_respondents(
    who, *, case_id: int, unit_ids: Iterable[int] = (), official_ids: Iterable[int] = (), respondent_text: str = "",
    reason: str, on: dt.date | None = None,
) -> Case:
    """Name, add to or correct the units and staff a complaint is about, with the reason (Art 30 ¶3). A staff
    member named here no longer sees the case; the staff of a unit named see neither the complainant nor the
    materials (``access.case_view``), and the case is not forwarded or assigned to it (``targets``)."""
    units = _units(unit_ids, "unit_ids")
    officials = named_officials(official_ids, "official_ids")
    respondent_text = text(respondent_text, limits.RESPONDENT_TEXT, "respondent_text", required=False)
    with acting_on(who, case_id) as (actor, case):
        before_units = sorted(case.respondent_units.values_list("pk", flat=True))
        before_officials = sorted(case.respondent_officials.values_list("pk", flat=True))
        case_transition(
            actor, case, "set_respondents", on=on, params={"reason": reason},
            changes={"respondent_text": respondent_text},
            data={"units_before": before_units, "units": [u.pk for u in units], "officials_before": before_officials,
                  "officials": officials, "reason": private(text(reason, limits.RESPONDENT_REASON, "reason"))},
        )
        case.respondent_units.set(units)
        case.respondent_officials.set(officials)
        # a unit no longer complained about needs no leave to handle it
        RespondentHandling.objects.filter(case=case).exclude(unit__in=units).delete()
        return case


def case_allow_respondent_handling(who, *, case_id: int, unit_id: int, reason: str,
                                   on: dt.date | None = None) -> Case:
    """A supervisor lets a unit the complaint is about handle it (the only competent unit, say), recording why
    (Art 30 ¶3). Its staff may then act on the case; the complainant's identity and attachments stay withheld."""
    reason = text(reason, limits.RESPONDENT_REASON, "reason", required=False)
    with acting_on(who, case_id) as (actor, case):
        try:
            unit = case.respondent_units.get(pk=int(unit_id))
        except (Unit.DoesNotExist, TypeError, ValueError):
            raise InvalidInput("该单位不是本案的被投诉单位", "unit_id") from None
        case_transition(actor, case, "allow_respondent_handling", on=on, params={"reason": reason},
                        data={"unit": unit.pk, "reason": private(reason)})
        RespondentHandling.objects.update_or_create(
            case=case, unit=unit, defaults={"jurisdiction_id": case.jurisdiction_id, "allowed_by": actor.user,
                                            "reason": reason})
        return case
