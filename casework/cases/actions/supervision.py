"""Supervision (督办): issue a notice with its own deadline; the unit answers."""

from __future__ import annotations

from django.db import transaction

from casework import limits
from casework.audit.texts import private
from casework.audit.chain import event_append
from casework.holidays.services import counting, current_calendar
from casework.rules.lifecycle import OPEN, Role, State

from ..access import case_get, roles_on_case
from ..actors import as_actor
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import SupervisionNotice
from .common import text
from .transition import action_date

MAX_SUPERVISION_DAYS = 60


def supervision_issue(who, *, case_id: int, instruction: str, days: int, working_days: bool = True) -> SupervisionNotice:
    """A supervisor above the case orders the current unit to act within ``days``."""
    actor = as_actor(who)
    instruction = text(instruction, limits.SUPERVISION_INSTRUCTION, "instruction")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SUPERVISION_DAYS:
        raise InvalidInput(f"督办期限应为 1 至 {MAX_SUPERVISION_DAYS} 日", "days")
    with transaction.atomic():
        case = case_get(actor, case_id=case_id, for_update=True)
        if Role.SUPERVISOR not in roles_on_case(actor, case):
            raise Forbidden("只有上级督办人员可以督办")
        if State(case.state) not in OPEN:
            raise Conflict("案件已办结，无需督办")
        issuing = _supervising_unit(actor.user, case)
        on = action_date(None)
        calendar = current_calendar()
        due = calendar.add_working_days(on, days, counting()) if working_days else calendar.add_days(on, days, counting())
        serial = SupervisionNotice.objects.filter(issuing_unit=issuing, issued_on__year=on.year).count() + 1
        notice = SupervisionNotice.objects.create(
            case=case, jurisdiction_id=case.jurisdiction_id, number=f"{issuing.short_name or issuing.name}督〔{on.year}〕{serial}号",
            issued_by=actor.user, issuing_unit=issuing, to_unit_id=case.current_unit_id, instruction=instruction,
            issued_on=on, due_on=due.on, due_provisional=due.provisional,
        )
        event_append(
            jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb="supervise", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=on,
            data={"notice": notice.pk, "number": notice.number, "to_unit": case.current_unit_id,
                  "due_on": due.on, "instruction": private(instruction)},
        )
        return notice


def _supervising_unit(user, case):
    from casework.organisation.models import Membership

    for m in Membership.objects.filter(user=user, role=Role.SUPERVISOR).select_related("unit__jurisdiction"):
        if case.jurisdiction.path.startswith(m.unit.jurisdiction.path):
            return m.unit
    raise Forbidden("只有上级督办人员可以督办")


def supervision_answer(who, *, notice_id: int, answer: str) -> SupervisionNotice:
    """The supervised unit reports what it did."""
    actor = as_actor(who)
    answer = text(answer, limits.SUPERVISION_ANSWER, "answer")
    with transaction.atomic():
        notice = SupervisionNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound("没有找到该督办通知")
        case = case_get(actor, case_id=notice.case_id)  # raises NotFound for those who may not see it
        if not (roles_on_case(actor, case) & {Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL}) or case.current_unit_id != notice.to_unit_id:
            raise Forbidden("只有被督办单位的承办人员或包案领导可以答复")
        if notice.answered_on:
            raise Conflict("该督办通知已经答复", "already_answered")
        on = action_date(None)
        notice.answer, notice.answered_on, notice.answered_by = answer, on, actor.user
        notice.save(update_fields=["answer", "answered_on", "answered_by"])
        event_append(
            jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb="supervision_answer", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=on, data={"notice": notice.pk, "answer": private(answer)},
        )
        return notice


