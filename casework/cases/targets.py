"""Which units an action may send a case to: the one rule per action, for the action and the pickers alike.

Each ``*_refusal`` says why a unit will not do (or None); the action raises it, and the form offers exactly
the active units it passes (``*_targets``), so a picker never lists a unit the action would refuse. Review and
re-review bodies are ``cases.review_bodies`` (「上一级」, Art 35).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import QuerySet

from casework.organisation.models import Unit, UnitKind

from .models import Case, RespondentHandling


GRIEVANCE_UNIT_KINDS = frozenset({UnitKind.PETITION_OFFICE, UnitKind.DEPARTMENT, UnitKind.GOVERNMENT})
"""The organs that handle 信访 matters (信访工作条例 Art 2, 22 「有权处理的机关、单位」): not a villagers' committee
(a self-governing body) nor a people's mediation committee (it mediates disputes, 人民调解法)."""


def active_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True, kind__in=GRIEVANCE_UNIT_KINDS).select_related("jurisdiction")


def _refused_for_respondent(unit: Unit, respondent_unit_ids: Collection[int]) -> str | None:
    """Art 30 ¶3: the complaint never goes to the unit it is about."""
    if unit.pk in respondent_unit_ids:
        return (f"{unit.name}是被投诉单位，不能将案件交其办理，除非督办人员记录理由批准其办理"
                f"（《信访工作条例》第三十条第三款）")
    return None


def _inactive(unit: Unit) -> str | None:
    if not unit.is_active:
        return f"{unit.name}已停用"
    if unit.kind not in GRIEVANCE_UNIT_KINDS:
        return f"{unit.name}不是办理信访事项的机关、单位（第二条、第二十二条）"
    return None


def forward_refusal(unit: Unit, *, current_unit_id: int | None, respondent_unit_ids: Collection[int]) -> str | None:
    """Forwarding (Art 22): to another active unit, never to one complained about."""
    if unit.pk == current_unit_id:
        return "不能转送给本单位"
    return _inactive(unit) or _refused_for_respondent(unit, respondent_unit_ids)


def forward_targets(*, current_unit_id: int | None, respondent_unit_ids: Collection[int] = ()) -> list[Unit]:
    return [u for u in active_units() if forward_refusal(u, current_unit_id=current_unit_id,
                                                         respondent_unit_ids=respondent_unit_ids) is None]


def handling_refusal(unit: Unit, *, respondent_unit_ids: Collection[int]) -> str | None:
    """A lead or co-handling unit (Art 24): active, never one complained about."""
    return _inactive(unit) or _refused_for_respondent(unit, respondent_unit_ids)


def handling_targets(*, respondent_unit_ids: Collection[int] = ()) -> list[Unit]:
    return [u for u in active_units() if handling_refusal(u, respondent_unit_ids=respondent_unit_ids) is None]


def respondent_ids(case: Case) -> frozenset[int]:
    """The units the case may not be sent to: those complained about (Art 30 ¶3), except any a supervisor let
    handle it, with a recorded reason (``RespondentHandling``)."""
    allowed = RespondentHandling.objects.filter(case=case).values("unit_id")
    return frozenset(case.respondent_units.exclude(pk__in=allowed).values_list("pk", flat=True))
