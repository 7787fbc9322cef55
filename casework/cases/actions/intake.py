"""Intake and routing: register, forward, object, redirect, merge, withdraw (and record a withdrawal), recuse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction

from casework import limits
from casework.audit.texts import private
from casework.audit.chain import event_append, head_query
from casework.audit.models import Event
from casework.holidays.services import calendar_at, version_sql
from casework.rows import Row, insert_rows
from casework.rules.intake import is_group_visit, representatives_refusal, written_notice_owed
from casework.rules.lifecycle import CaseFacts, Role, State, TransitionRefused, check

from ..access import StaffScope, case_get, case_view, scope_of
from ..actors import ActorKind, as_actor
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..uploads import attachment_store, attachments_accept
from ..models import (
    Case, CaseNumberCounter, CaseParty, CaseUnitRelation, Channel, PartyRole, Person, Recusal,
)
from ..targets import forward_refusal, respondent_ids
from .clocks import case_refresh_clocks
from .respondents import named_officials
from .common import (
    acting_on, access_code_digest, active_unit, link_unit, new_access_code, text, unit_link_row,
)
from .transition import action_date, case_transition, transition_check


@dataclass(frozen=True)
class PersonData:
    """Art 19 ¶1: a matter 「一般应当」 names the person and their address; a phone number is how we reach them.

    Either may be blank when it is not known: the matter is registered all the same (Art 22 ¶1) and
    only the written notice lapses (Art 23 ¶2).
    """

    name: str
    address: str
    phone: str = ""


@dataclass(frozen=True)
class Registered:
    case: Case
    access_code: str  # shown once to the complainant; only its digest is stored
    parties: tuple[CaseParty, ...] = ()  # as inserted, each with its Person
    respondent_unit_ids: tuple[int, ...] = ()


def case_register(
    who,
    *,
    unit_id: int,
    complainants: Sequence[PersonData],
    channel: str,
    request: str,
    facts_reasons: str,
    title: str = "",
    category: str = "",
    group_size: int | None = None,
    respondent_unit_ids: Iterable[int] = (),
    respondent_official_ids: Iterable[int] = (),
    respondent_text: str = "",
    attachments: Iterable[UploadedFile] = (),
    received_on: dt.date | None = None,
) -> Registered:
    """Register a matter (Art 17, 19, 22): the case exists, with a number and an access code, at once.

    A single complainant; a group visit with at most five representatives (Art 20 ¶3); a letter
    with any number of signatories. A complainant with no clear name or address is registered
    too, and the written notice of receipt is then not owed (Art 22 ¶1, 23 ¶2).
    """
    actor = as_actor(who)
    on = action_date(received_on)
    scope = scope_of(actor)  # the person's memberships, with their units: loaded once for this action
    unit = _unit(unit_id, scope)
    if channel not in Channel.values:
        raise InvalidInput(f"未知的来源渠道：{channel}", "channel")
    people = _people(complainants, channel)
    request = text(request, limits.REQUEST, "request")
    facts_reasons = text(facts_reasons, limits.FACTS_REASONS, "facts_reasons")
    title = text(title, limits.TITLE, "title", required=False) or request[:40]  # a default, not a cut
    category = text(category, limits.CATEGORY, "category", required=False)
    respondent_text = text(respondent_text, limits.RESPONDENT_TEXT, "respondent_text", required=False)
    if group_size is not None and (not isinstance(group_size, int) or group_size < len(people)):
        raise InvalidInput("人数不能少于登记的信访人（代表人）人数", "group_size")
    is_group = len(people) > 1 or (group_size or 1) > 1  # after the check: a malformed group_size is a 400
    notice_owed = written_notice_owed((p.name, p.address) for p in people)
    files = attachments_accept(attachments)  # typed by content, limits, virus scan: before anything is written
    respondent_units = [active_unit(u, "respondent_unit_ids") for u in respondent_unit_ids]

    if actor.kind == ActorKind.STAFF:
        roles = scope.roles_by_unit.get(unit.pk, frozenset()) if scope else frozenset()
    elif actor.kind == ActorKind.COMPLAINANT:
        roles = frozenset({Role.COMPLAINANT})
    else:
        roles = frozenset()
    try:
        check("register", _NEW, roles, {}, on)
    except TransitionRefused:
        raise Forbidden(f"您不是{unit.name}的登记受理人员，不能登记") from None
    if unit in respondent_units:
        raise InvalidInput(f"{unit.name}是被投诉单位，不能由其登记办理（第30条第3款）", "unit_id")
    respondent_units = list({u.pk: u for u in respondent_units}.values())
    respondent_officials = named_officials(respondent_official_ids, "respondent_official_ids")

    j = unit.jurisdiction
    role = PartyRole.REPRESENTATIVE if is_group and is_group_visit(channel) else PartyRole.COMPLAINANT
    case = Case(
        access_code_digest="", jurisdiction=j, registered_by=unit, current_unit=unit, channel=channel,
        category=category, title=title, request=request, facts_reasons=facts_reasons, is_group=is_group,
        group_size=group_size or len(people), respondent_text=respondent_text, state=State.REGISTERED,
        received_on=on, last_event_on=on,
    )
    # Everything is checked: from here on only the database can fail, and then the caller's
    # transaction fails with it, so no savepoint of our own (two statements fewer).
    with transaction.atomic(savepoint=False):
        # The counter's row lock is held until commit, and registrations in the same jurisdiction
        # queue on it: after it, the rows go in as one statement (PostgreSQL) and the event follows.
        # The same statement reads the holiday schedule's token, for the clock.
        serial, schedule = next_serial(j.pk, "", on.year, also=version_sql())
        number = f"{j.code}-{on.year}-{serial:05d}"
        # The clock of a new case follows from its one event: computed before the insert, so the row is
        # written once (recompute_clocks replays the stored event to the same result).
        registered = {"received_on": on.isoformat(), **({} if notice_owed else {"written_notice": False})}
        case_refresh_clocks(case, calendar_at(schedule),
                            events=[Event(verb="register", effective_on=on, data=registered)])
        code = new_access_code()
        case.number, case.access_code_digest = number, access_code_digest(number, code)
        persons = [Person(name=p.name, address=p.address, phone=p.phone) for p in people]
        parties = [CaseParty(case=case, jurisdiction=j, person=p, role=role) for p in persons]
        at_case = len(persons)
        rows = [Row(p) for p in persons] + [Row(case)]
        rows += [Row(party, {"case": at_case, "person": i}) for i, party in enumerate(parties)]
        # a new case has no links yet: insert them, no diffing as .set() does
        through = Case.respondent_units.through
        rows += [Row(through(unit_id=u.pk), {"case": at_case}) for u in respondent_units]
        through = Case.respondent_officials.through
        rows += [Row(through(user_id=u), {"case": at_case}) for u in respondent_officials]
        rows.append(unit_link_row(case, unit, CaseUnitRelation.REGISTERED, links={"case": at_case}))
        # The chain head, read and locked by the same statement, for the event below; with
        # attachments, only after their files are written (other actions append to this chain too).
        head = insert_rows(rows, fetch=None if files else head_query(connection, j.pk))
        data = {"number": number, "channel": channel, "received_on": on}
        if not notice_owed:
            data["written_notice"] = False  # Art 23 ¶2: no clear name or address to write to
        stored = [attachment_store(case, f).pk for f in files]
        data.update({"parties": [p.pk for p in persons], "respondent_units": [u.pk for u in respondent_units],
                     "attachments": stored})
        event_append(
            jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb="register", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=on, after={"state": State.REGISTERED, "current_unit": unit.pk},
            data=data, head=head,
        )
    return Registered(case, code, tuple(parties), tuple(u.pk for u in respondent_units))


_NEW = CaseFacts(state=None)


def _people(complainants: Sequence[PersonData], channel: str) -> list[PersonData]:
    """The complainants as given; none at all (an unsigned letter) is one person whose name and address
    are not known (Art 22 ¶1: every matter is registered)."""
    people = list(complainants or []) or [PersonData("", "")]
    refusal = representatives_refusal(channel, len(people))
    if refusal:
        raise InvalidInput(refusal, "complainants")
    cleaned = []
    for i, p in enumerate(people):
        if isinstance(p, dict):
            p = PersonData(**{k: p.get(k, "") for k in ("name", "address", "phone")})
        cleaned.append(
            PersonData(
                name=text(p.name, limits.COMPLAINANT_NAME, f"complainants.{i}.name", required=False),
                address=text(p.address, limits.COMPLAINANT_ADDRESS, f"complainants.{i}.address", required=False),
                phone=text(p.phone, limits.PHONE, f"complainants.{i}.phone", required=False),
            )
        )
    return cleaned


def _unit(unit_id, scope: StaffScope | None):
    """The active unit ``unit_id``: from the person's own memberships when it is one of theirs, else one query."""
    try:
        row = scope.unit_rows.get(int(unit_id)) if scope is not None else None
    except (TypeError, ValueError):
        row = None
    return row if row is not None else active_unit(unit_id, "unit_id")


def next_serial(jurisdiction_id: int, series: str, year: int, *, also: str | None = None):
    """The next number of a jurisdiction's series and year, in one statement (an upsert returning the new value).

    The counter row stays locked until the registration commits, so numbers are gapless
    and two registrations never get the same one. PostgreSQL and SQLite (3.35+) both speak it.
    ``also``: a scalar subquery the same statement returns too; then the answer is (number, its value).
    """
    qn = connection.ops.quote_name
    table = qn(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn('jurisdiction_id')}, {qn('series')}, {qn('year')}, {qn('last')}) "
            f"VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({qn('jurisdiction_id')}, {qn('series')}, {qn('year')}) "
            f"DO UPDATE SET {qn('last')} = {table}.{qn('last')} + 1 RETURNING {qn('last')}"
            + (f", {also}" if also else ""),
            [jurisdiction_id, series, year],
        )
        row = cursor.fetchone()
    return tuple(row) if also else row[0]


def case_forward(who, *, case_id: int, to_unit_id: int, note: str = "", on: dt.date | None = None) -> Case:
    """Forward to the competent unit (Art 22); it has 5 working days to object (Art 23 ¶3)."""
    with acting_on(who, case_id) as (actor, case):
        to_unit = active_unit(to_unit_id, "to_unit_id")
        refusal = forward_refusal(to_unit, current_unit_id=case.current_unit_id, respondent_unit_ids=respondent_ids(case))
        if refusal:
            raise InvalidInput(refusal, "to_unit_id")
        note = text(note, limits.FORWARD_NOTE, "note", required=False)
        case_transition(
            actor, case, "forward", on=on, changes={"current_unit_id": to_unit.pk},
            data={"from_unit": case.current_unit_id, "to_unit": to_unit.pk, "note": private(note)},
        )
        link_unit(case, to_unit, CaseUnitRelation.RECEIVED)
        return case


def _forward_received(case: Case, unit_id: int) -> dt.date:
    """The day ``unit_id`` first received the matter: the forward that brought it there, or the registration."""
    from casework.audit.models import Event

    if unit_id == case.registered_by_id:
        return case.received_on
    for e in Event.objects.filter(case=case, verb="forward").order_by("id").only("data", "effective_on"):
        if e.data.get("to_unit") == unit_id:
            return e.effective_on
    return case.received_on


def case_object(who, *, case_id: int, reason: str, on: dt.date | None = None) -> Case:
    """The receiving unit is not competent: it objects with reasons, within 5 working days (Art 23 ¶3).

    The objection takes effect only when the sending body agrees (RULES.md §0 「核实同意」): the case goes to
    that body to decide (``case_decide_objection``); the receiving unit's receipt clock runs on meanwhile.
    """
    from casework.audit.models import Event

    with acting_on(who, case_id) as (actor, case):
        last_forward = Event.objects.filter(case=case, verb="forward").order_by("-id").first()
        if last_forward is None:  # the table allows object only from forwarded, so this is an invariant
            raise Conflict("案件没有转送记录")
        back_to = last_forward.data["from_unit"]
        case_transition(
            actor, case, "object", on=on, params={"reason": reason}, changes={"current_unit_id": back_to},
            data={"reason": private(text(reason, limits.OBJECTION_REASON, "reason")), "to_unit": back_to,
                  "from_unit": case.current_unit_id},
        )
        return case


def case_decide_objection(who, *, case_id: int, agree: bool, reason: str, on: dt.date | None = None) -> Case:
    """The sending body verifies the objection (Art 23 ¶3 「核实同意」).

    Agreed: the matter is back with the sending body, registered, and its clock of the first receipt runs again
    from the day it first received the matter (a return never restarts it); it may forward again. Not agreed:
    the matter stays with the receiving unit, which handles it.
    """
    from casework.audit.models import Event

    with acting_on(who, case_id) as (actor, case):
        objection = Event.objects.filter(case=case, verb="object").order_by("-id").first()
        receiver = (objection.data.get("from_unit") if objection else None)
        reason_text = private(text(reason, limits.OBJECTION_DECISION, "reason", required=False))
        if agree:
            case_transition(
                actor, case, "agree_objection", on=on, params={"reason": reason},
                data={"reason": reason_text, "received_on": _forward_received(case, case.current_unit_id),
                      "objector": receiver},
            )
        else:
            if receiver is None and State(case.state) is State.OBJECTED:  # an objection recorded before this rule
                raise Conflict("找不到提出异议的单位")
            case_transition(
                actor, case, "refuse_objection", on=on, params={"reason": reason},
                changes={"current_unit_id": receiver or case.current_unit_id},
                data={"reason": reason_text, "to_unit": receiver},
            )
        return case


def case_redirect(who, *, case_id: int, route: str, reason: str, body: str = "", on: dt.date | None = None) -> Case:
    """The matter belongs to another legal procedure: tell the person which, and why (Art 28 ¶2, 31(1)-(4)).

    Two routes name the body that takes the matter (``body``): a 检举控告 goes to the 纪检监察机关 (Art 22 ¶2),
    a request that an organ perform its statutory duty is performed or answered by that organ (Art 31(5)).
    """
    with acting_on(who, case_id) as (actor, case):
        body = text(body, limits.ROUTE_BODY, "body", required=False)
        case_transition(
            actor, case, "redirect", on=on, params={"route": route, "reason": reason, "body": body},
            changes={"route": route},
            data={"reason": private(text(reason, limits.REDIRECT_REASON, "reason", required=False)),
                  **({"body": body} if body else {})},
        )
        return case


def case_refuse_repeat(who, *, case_id: int, final_case_id: int, reason: str, on: dt.date | None = None) -> Case:
    """不予受理 a matter whose same facts and reasons were finally decided on re-review (Art 36 ¶3), with a
    notice that names the earlier case and its re-review opinion."""
    with acting_on(who, case_id) as (actor, case):
        final = case_get(actor, case_id=final_case_id)  # itself: not final, so the table refuses it
        if not case_view(actor, final).materials:  # the unit complained about does not act on it (Art 30 ¶3)
            raise NotFound()
        case_transition(
            actor, case, "refuse_repeat", on=on,
            params={"final_case": final.pk, "final_state": State(final.state), "final_number": final.number,
                    "reason": reason},
            changes={"repeat_of_id": final.pk},
            data={"final_case": final.pk, "final_number": final.number,
                  "reason": private(text(reason, limits.REPEAT_REASON, "reason", required=False))},
        )
        return case


def case_merge(who, *, case_id: int, into_case_id: int, on: dt.date | None = None) -> Case:
    """A resubmission of a matter still being handled (registered, forwarded or accepted, not yet replied) is not
    accepted again; it joins that case (Art 19 ¶3). A letter about a matter already answered is a review request
    (Art 35) or a new matter: the merge is refused saying so."""
    with acting_on(who, case_id) as (actor, case):
        if into_case_id == case.pk:
            raise InvalidInput("不能并入本案", "into_case_id")
        target = case_get(actor, case_id=into_case_id)
        if not case_view(actor, target).materials:  # the unit complained about does not act on it (Art 30 ¶3)
            raise NotFound()
        if target.merged_into_id:
            raise InvalidInput(f"{target.number} 已并入其他信访事项，不能并入", "into_case_id")
        try:  # the table's guard: only a matter still being handled (Art 19 ¶3)
            case_transition(
                actor, case, "merge", on=on,
                params={"target_case": target.pk, "target_state": State(target.state),
                        "target_number": target.number},
                changes={"merged_into_id": target.pk},
                data={"into": target.pk, "into_number": target.number},
            )
        except InvalidInput as refused:
            raise InvalidInput(refused.message, refused.field or "into_case_id") from None
        return case


def case_withdraw(who, *, case_id: int, reason: str, on: dt.date | None = None) -> Case:
    """The complainant withdraws the matter (on the portal): the case is closed and every clock stops.

    Withdrawal is the complainant's act; staff record one made by letter with ``case_record_withdrawal``.
    """
    with acting_on(who, case_id) as (actor, case):
        statement = text(reason, limits.WITHDRAWAL_STATEMENT, "reason", required=False)
        try:
            case_transition(actor, case, "withdraw", on=on, params={"reason": reason},
                            data={"reason": private(statement)})
        except Forbidden:
            if actor.kind == ActorKind.STAFF:  # the table's refusal, with what staff may do instead
                raise Forbidden("撤回须由信访人本人提出：信访人书面撤回的，请登记其签名的撤回书并上传扫描件") from None
            raise
        return case


def case_record_withdrawal(
    who, *, case_id: int, reason: str, letter: UploadedFile | None, on: dt.date | None = None,
) -> Case:
    """Record a withdrawal the complainant made by a signed letter, its scan attached (required).

    ``on``: the day the letter was received. The scan is kept with the case's materials.
    """
    with acting_on(who, case_id) as (actor, case):
        statement = text(reason, limits.WITHDRAWAL_STATEMENT, "reason", required=False)
        accepted = attachments_accept([letter], field="letter") if letter is not None else []
        params = {"reason": reason, "letter": letter is not None}
        transition_check(actor, case, "record_withdrawal", on=on, params=params)  # nothing written if refused
        stored = attachment_store(case, accepted[0]).pk
        case_transition(actor, case, "record_withdrawal", on=on, params=params,
                        data={"reason": private(statement), "letter": stored})
        return case


def case_recuse(who, *, case_id: int, reason: str) -> None:
    """A staff member with a direct interest in the matter or the person stands aside (Art 28 ¶3)."""
    actor = as_actor(who)
    if actor.kind != ActorKind.STAFF or actor.user is None:
        raise Forbidden("只有工作人员可以申请回避")
    reason = text(reason, limits.RECUSAL_REASON, "reason")
    with acting_on(actor, case_id) as (actor, case):
        Recusal.objects.create(case=case, jurisdiction_id=case.jurisdiction_id, user=actor.user, reason=reason)
        event_append(
            jurisdiction_id=case.jurisdiction_id, case_id=case.pk, verb="recuse", actor_id=actor.user_id,
            actor_kind=actor.kind, effective_on=action_date(None), data={"reason": private(reason)},
        )
