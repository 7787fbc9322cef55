"""Read queries for cases. Every one starts from ``cases_visible_to``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as Cases
from django.utils import timezone

from casework.audit.models import Event
from casework.audit.texts import readable_all, without_texts
from casework.organisation.models import Membership
from casework.privacy.keys import blind_index, decrypt
from casework.rules.lifecycle import OPEN, Role, State, Transition, offered

from .access import StaffScope, case_view, cases_visible_to, identity_withheld_q, roles_on_case
from .models import Case, CaseParty, Person, SupervisionNotice

OPEN_STATES = [s.value for s in OPEN]
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class CaseFilters:
    number: str = ""
    name: str = ""
    category: str = ""
    unit_id: int | None = None
    state: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    urgency: str = ""  # overdue | soon | open | ""
    include_closed: bool = False  # closed cases only on request (or when a closed state is asked for)


def urgency_q(urgency: str, today: dt.date) -> Q:
    """Overdue and due soon by the unit's own limits (``Case.duty_due_on``, Art 45(1)): a case waiting in the
    complainant's review window (Art 35, 36) is neither."""
    open_ = Q(state__in=OPEN_STATES)
    if urgency == "overdue":
        return open_ & Q(duty_due_on__lt=today)
    if urgency == "soon":
        return open_ & Q(duty_due_on__gte=today, duty_due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    if urgency == "open":
        return open_
    return Q()


def most_urgent_first(qs: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """Overdue first, the most overdue first; then what the unit must do next, by its due date; then cases
    waiting on the complainant or a hearing, by their date; closed cases last; newest first within a day."""
    bucket = Cases(
        When(~Q(state__in=OPEN_STATES), then=Value(3)),
        When(duty_due_on__lt=today, then=Value(0)),
        When(duty_due_on__isnull=False, then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )
    return qs.alias(urgency_bucket=bucket).order_by(
        "urgency_bucket", F("duty_due_on").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "-id")


def cases_search(user, f: CaseFilters, today: dt.date | None = None) -> QuerySet[Case]:
    """The cases a person may see, filtered, most urgent first; closed ones only when asked for."""
    today = today or timezone.localdate()
    qs = cases_visible_to(user).select_related("current_unit", "accountable_official")
    if f.number:
        qs = qs.filter(number__icontains=f.number.strip())
    if f.name:
        # A name search never reaches cases whose identity this person may not see (Art 30 ¶3).
        qs = qs.filter(
            Exists(CaseParty.objects.filter(case=OuterRef("pk"), person__name_index=blind_index("name", f.name)))
        ).exclude(identity_withheld_q(user))
    if f.category:
        qs = qs.filter(category=f.category)
    if f.unit_id:
        qs = qs.filter(current_unit_id=f.unit_id)
    if f.state:
        qs = qs.filter(state=f.state)
    elif not f.include_closed:
        qs = qs.filter(state__in=OPEN_STATES)
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.urgency:
        qs = qs.filter(urgency_q(f.urgency, today))
    return most_urgent_first(qs, today)


def work_counts(user, today: dt.date | None = None) -> dict[str, int]:
    """Overdue / due soon / open counts for the badges on "my work"."""
    today = today or timezone.localdate()
    qs = cases_visible_to(user)
    return qs.aggregate(
        overdue=Count("pk", filter=urgency_q("overdue", today)),
        soon=Count("pk", filter=urgency_q("soon", today)),
        open=Count("pk", filter=urgency_q("open", today)),
    )


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    data: dict  # the event's data with its texts in place, or with them taken out (``case_view``)


def case_timeline(who, case: Case) -> list[TimelineEntry]:
    """The case's events, oldest first, with the staff's notes, reasons and opinions only for a person who may
    read them (``case_view(who, case).notes``; never the unit complained about, Art 30 ¶3)."""
    events = list(Event.objects.filter(case=case).select_related("actor").order_by("id"))
    if case_view(who, case).notes:
        shown = readable_all(events)
    else:
        shown = {e.pk: without_texts(e.data) for e in events}
    return [TimelineEntry(e, shown[e.pk]) for e in events]


def supervised_cases(user) -> QuerySet[Case]:
    """Cases of the jurisdictions this person supervises (not merely those of their own unit)."""
    scope = StaffScope.of(user)
    if scope is None or not scope.supervised_paths:
        return Case.objects.none()
    q = Q()
    for p in scope.supervised_paths:
        q |= Q(jurisdiction__path__startswith=p)
    return cases_visible_to(user).filter(q)


def offered_actions(user, case: Case, on: dt.date | None = None) -> list[Transition]:
    """The lifecycle actions to offer this person on this case: the table's states, roles and preconditions
    (``lifecycle.offered``), with the roles the person holds on the case. Every page asks this, never its own rule."""
    from .actions.transition import case_facts

    return offered(case_facts(case), roles_on_case(user, case), on or timezone.localdate())


@dataclass(frozen=True)
class ExtensionRequest:
    """An extension awaiting the head of the unit (Art 34): the case, the days and reasons asked, and what
    this person may do about it."""

    case: Case
    days: int
    reason: str
    requested_on: dt.date | None
    requested_by: object | None
    actions: tuple[Transition, ...]


def extension_requests_for(user, today: dt.date | None = None) -> list[ExtensionRequest]:
    """Extension requests this person may decide now, oldest request first (the handling clock runs meanwhile)."""
    today = today or timezone.localdate()
    units = Membership.objects.filter(user=user, role=Role.ACCOUNTABLE_OFFICIAL).values("unit_id")
    cases = list(cases_visible_to(user).filter(state=State.ACCEPTED, extension_pending_days__gt=0,
                                               current_unit__in=units)
                 .select_related("jurisdiction", "current_unit", "accountable_official").prefetch_related("respondent_units")
                 .order_by("duty_due_on", "pk")[:100])
    asked = _latest_events(cases, "request_extension")
    reasons = readable_all(asked.values())
    out = []
    for case in cases:
        actions = tuple(t for t in offered_actions(user, case, today)
                        if t.action in ("approve_extension", "refuse_extension"))
        if not actions:
            continue
        e = asked.get(case.pk)
        out.append(ExtensionRequest(case, case.extension_pending_days, (reasons[e.pk].get("reason", "") if e else ""),
                                    e.effective_on if e else None, e.actor if e else None, actions))
    out.sort(key=lambda r: (r.requested_on or today, r.case.pk))
    return out


REVIEW_STATES = [State.REVIEW, State.REREVIEW, State.HEARING]
REVIEW_REQUESTS = ("request_review", "request_rereview")
REVIEW_WORK = ("record_step", "start_hearing", "end_hearing")  # what the reviewing body does before it decides


def review_requests_for(user, today: dt.date | None = None) -> list[Case]:
    """Cases in review or re-review (Art 35, 36) held by a unit where this person handles or decides: new
    requests (nothing done since they arrived) first, then by the decision's due date. Each case carries
    ``is_new`` and ``requested_on``."""
    today = today or timezone.localdate()
    units = Membership.objects.filter(user=user, role__in=[Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL]).values("unit_id")
    cases = list(cases_visible_to(user).filter(state__in=REVIEW_STATES, current_unit__in=units)
                 .select_related("current_unit", "accountable_official").order_by("duty_due_on", "pk")[:200])
    asked = _latest_events(cases, *REVIEW_REQUESTS)
    worked = _latest_events(cases, *REVIEW_WORK)
    for case in cases:
        request, work = asked.get(case.pk), worked.get(case.pk)
        case.is_new = request is not None and (work is None or work.pk < request.pk)
        case.requested_on = request.effective_on if request else None
    cases.sort(key=lambda c: (not c.is_new, c.duty_due_on or dt.date.max, c.pk))
    return cases


def _latest_events(cases: list[Case], *verbs: str) -> dict[int, Event]:
    """The latest event of each case (of these verbs, if given), in one query."""
    if not cases:
        return {}
    qs = Event.objects.filter(case_id__in=[c.pk for c in cases])
    if verbs:
        qs = qs.filter(verb__in=verbs)
    latest: dict[int, Event] = {}
    for e in qs.select_related("actor").order_by("id"):
        latest[e.case_id] = e
    return latest


def supervision_board(user, today: dt.date | None = None) -> dict:
    """What a supervisor chases: every overdue case of the jurisdictions they supervise, most overdue first, with
    who handles it and by how many days (``rules.timeliness.days_overdue``); what falls due within days; the
    on-time rate and satisfaction by unit (``rules.timeliness.on_time_rate``); supervision notices."""
    from casework.holidays.services import current_calendar
    from casework.rules.clocks import RULES
    from casework.rules.timeliness import days_overdue, on_time_rate

    today, calendar = today or timezone.localdate(), current_calendar()
    base = supervised_cases(user).select_related("current_unit", "lead_unit", "accountable_official")
    overdue = list(base.filter(urgency_q("overdue", today)).order_by("duty_due_on", "pk")[:500])
    for c in overdue:
        c.rule = RULES[c.duty_rule]
        c.days_overdue = days_overdue(c.rule, c.duty_due_on, today, calendar)
    overdue.sort(key=lambda c: (-c.days_overdue, c.duty_due_on, c.pk))
    soon = list(base.filter(urgency_q("soon", today)).order_by("duty_due_on", "pk")[:200])
    for c in soon:
        c.rule = RULES[c.duty_rule]

    answers = {r["lead_unit"]: r for r in base.exclude(lead_unit=None).values("lead_unit").annotate(
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
        on_time=Count("pk", filter=Q(replied_on_time=True)),
        overdue_unanswered=Count("pk", filter=reply_overdue_q(today)),
        rated=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basically"])),
    )}
    holding = {r["current_unit"]: r for r in base.filter(state__in=OPEN_STATES).values("current_unit").annotate(
        open=Count("pk"), overdue=Count("pk", filter=urgency_q("overdue", today)))}
    from casework.organisation.models import Unit

    units = {u.pk: u for u in Unit.objects.filter(pk__in=set(answers) | set(holding))}
    zero = {"replied": 0, "on_time": 0, "overdue_unanswered": 0, "rated": 0, "satisfied": 0, "open": 0, "overdue": 0}
    stats = []
    for pk in sorted(units, key=lambda pk: (units[pk].name, pk)):
        row = {**zero, **answers.get(pk, {}), **holding.get(pk, {}), "unit": units[pk]}
        row["on_time_rate"] = on_time_rate(on_time=row["on_time"], replied=row["replied"],
                                           overdue_unanswered=row["overdue_unanswered"])
        row["satisfaction"] = row["satisfied"] / row["rated"] if row["rated"] else None
        stats.append(row)
    totals = {k: sum(r[k] for r in stats) for k in zero}
    totals["on_time_rate"] = on_time_rate(on_time=totals["on_time"], replied=totals["replied"],
                                          overdue_unanswered=totals["overdue_unanswered"])
    notices = SupervisionNotice.objects.filter(case__in=supervised_cases(user)).select_related("case", "to_unit").order_by(
        "answered_on", "due_on"
    )[:200]
    return {"overdue": overdue, "soon": soon, "stats": stats, "totals": totals, "notices": notices, "today": today}


def reply_overdue_q(today: dt.date) -> Q:
    """The written reply (Art 32) owed and late: accepted, its handling limit (Art 34) passed."""
    return Q(state=State.ACCEPTED, duty_rule="handling", duty_due_on__lt=today)


def supervisions_for_unit_staff(user) -> QuerySet[SupervisionNotice]:
    """Open supervision notices addressed to one of this person's units."""
    units = Membership.objects.filter(user=user, role__in=[Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL]).values("unit_id")
    return SupervisionNotice.objects.filter(
        to_unit__in=units, answered_on__isnull=True, case__in=cases_visible_to(user)
    ).select_related("case")


def parties_of(case_ids: list[int]) -> dict[int, list[dict]]:
    """The parties of these cases (name, address, phone, role), in the order they were recorded.

    For cases the reader may see in full (the caller leaves out those withheld, Art 30 ¶3). Plain
    SQL: for a page of the API's case list the ORM spent longer composing it than running it.
    """
    ids = [int(pk) for pk in case_ids]
    if not ids:
        return {}
    qn = connection.ops.quote_name
    party, person = CaseParty._meta, Person._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.{qn('case_id')}, n.{qn('name')}, n.{qn('address')}, n.{qn('phone')}, p.{qn('role')} "
            f"FROM {qn(party.db_table)} p JOIN {qn(person.db_table)} n ON n.{qn('id')} = p.{qn('person_id')} "
            f"WHERE p.{qn('case_id')} IN ({', '.join(['%s'] * len(ids))}) ORDER BY p.{qn('id')}",
            ids,
        )
        rows = cursor.fetchall()
    parties: dict[int, list[dict]] = {}
    for case_id, name, address, phone, role in rows:  # encrypted at rest (casework.privacy)
        parties.setdefault(case_id, []).append(
            {"name": decrypt(name), "address": decrypt(address), "phone": decrypt(phone), "role": role})
    return parties


def parties_masked(case: Case) -> list:
    """The complainants as staff pages show them until someone asks (``actions.case_identity_reveal``): the name,
    the phone as 138****1234, the address down to the township (``casework.privacy.masks``)."""
    from casework.privacy.masks import mask_address, mask_phone

    from .actions.identity import PartyIdentity, identity_of

    return [PartyIdentity(p.name, mask_address(p.address), mask_phone(p.phone), p.role) for p in identity_of(case)]


def identity_views(who, case: Case) -> QuerySet[Event]:
    """Who was shown this case's complainant identity in full, and when, newest first: for its supervisors."""
    from .actions.identity import IDENTITY_REVEALED
    from .errors import Forbidden

    if Role.SUPERVISOR not in roles_on_case(who, case):
        raise Forbidden("只有督办人员可以查看谁查看过信访人身份信息")
    return (Event.objects.filter(case=case, verb=IDENTITY_REVEALED).select_related("actor")
            .order_by("-id"))
