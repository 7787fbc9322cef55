"""Small pieces the action modules share."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Iterator

from django.db import transaction

from casework.limits import TextLimit
from casework.organisation.models import Membership, Unit
from casework.privacy import codes
from casework.rows import Row, insert_row
from casework.rules.lifecycle import Role

from ..access import case_get
from ..actors import Actor, as_actor
from ..errors import InvalidInput, TooLong
from ..models import Case, CaseUnit

ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(8))


def access_code_digest(number: str, code: str) -> str:
    """Keyed and slow (casework.privacy.codes): a copy of the database guesses no code."""
    return codes.code_digest(number, code)


def access_code_matches(case: Case, code: str) -> bool:
    return codes.code_matches(case.number, case.access_code_digest, code or "")


def case_by_code(number: str, code: str) -> Case | None:
    """The case with this number whose access code this is, else None. An unknown number costs the same digest
    as a wrong code, so that the time of the answer does not tell a guesser which numbers exist."""
    number = (number or "").strip()
    case = Case.objects.filter(number=number).first() if "\x00" not in number else None
    if case is None:
        codes.code_digest(number.replace("\x00", ""), code or "")  # the same work, its result unused
        return None
    return case if access_code_matches(case, code) else None


@contextmanager
def acting_on(who, case_id: int) -> Iterator[tuple[Actor, Case]]:
    """One transaction, the case fetched through the scope and locked."""
    actor = as_actor(who)
    with transaction.atomic():
        yield actor, case_get(actor, case_id=case_id, for_update=True)


def text(value, label: str | TextLimit, field: str, *, max_length: int | None = None, required: bool = True) -> str:
    """``value`` stripped; refused if missing (when ``required``) or over its limit, never cut short.

    ``label`` is the field's entry in ``casework/limits.py`` (its name and limit), or a bare name
    with ``max_length``.
    """
    limit = label if isinstance(label, TextLimit) else TextLimit(label, max_length or 20000)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{limit.label}应为文字", field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"请填写{limit.label}", field)
    if limit.exceeded_by(value):
        raise TooLong(limit.message(len(value)), field)
    return value


def active_unit(unit_id, field: str = "unit") -> Unit:
    try:
        return Unit.objects.select_related("jurisdiction").get(pk=int(unit_id), is_active=True)
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(f"没有这个单位：{unit_id}", field) from None


def not_respondent(case: Case, unit: Unit, field: str) -> None:
    """A lead or co-handling unit (Art 24) is never one complained about (Art 30 ¶3): ``targets.handling_refusal``."""
    from ..targets import handling_refusal, respondent_ids

    refusal = handling_refusal(unit, respondent_unit_ids=respondent_ids(case))
    if refusal:
        raise InvalidInput(refusal, field)


def link_unit(case: Case, unit: Unit, relation: str) -> None:
    """Record that the case passed through ``unit``; a link already there stays as it is.

    One ``INSERT ... ON CONFLICT DO NOTHING`` (the unique constraint on case, unit, relation),
    where get_or_create took a SELECT, a savepoint, the INSERT and its release.
    """
    row = unit_link_row(case, unit, relation)
    insert_row(row.obj, ignore_conflict_on=row.ignore_conflict_on)


def unit_link_row(case: Case, unit: Unit, relation: str, links: dict[str, int] | None = None) -> Row:
    """The row that records the case passing through ``unit`` (a link already there stays)."""
    return Row(CaseUnit(case=case, unit=unit, relation=relation, jurisdiction_id=case.jurisdiction_id),
               links or {}, ignore_conflict_on=("case", "unit", "relation"))


def holds_role(user_id, unit: Unit, role: Role) -> bool:
    return Membership.objects.filter(user_id=user_id, unit=unit, role=role).exists()
