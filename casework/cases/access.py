"""Who may see which case, and what of it. The one place that decides.

``cases_visible_to(user)`` is the only way to list cases; ``case_get`` the only
way to fetch one by id or number. A person who may not see a case gets
``NotFound``, never a hint that it exists.

- Staff see the cases that passed through one of their units (``CaseUnit``).
- Supervisors also see every case of their unit's jurisdiction subtree.
- Recused staff (Art 28 ¶3) and officials named as complained about see nothing of the case.
- What of a case a person may see is ``case_view`` (one case) and ``case_views`` (many): the only answer
  to that question, which every page, API answer, document, export and index asks (Art 30 ¶3, Art 18 ¶4).
  Anyone who belongs to a unit complained about, active or not, sees neither the complainant's identity nor
  the materials; where a supervisor, with a recorded reason, let that unit handle the case
  (``RespondentHandling``), its staff see the materials they need to act, never the identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.organisation.models import Membership
from casework.rules.lifecycle import Role

from .actors import Actor, ActorKind, as_actor
from .errors import NotFound
from .models import Case, CaseUnit, Recusal, RespondentHandling


CASE_ROLES = frozenset({Role.INTAKE_CLERK, Role.HANDLER, Role.ACCOUNTABLE_OFFICIAL, Role.SUPERVISOR})


@dataclass(frozen=True)
class StaffScope:
    """A user's memberships, loaded once per request."""

    user_id: int
    units: frozenset[int]  # every unit they belong to
    roles_by_unit: dict[int, frozenset[Role]]
    supervised_paths: tuple[str, ...]
    # The active units themselves (with their jurisdiction), as the membership query loaded them:
    # an action on one of the person's own units needs no second query for it.
    unit_rows: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def case_units(self) -> frozenset[int]:
        """Units whose grievance cases they work on: not those where they only mediate or administer
        (PIPL Art 34, 51(4): access as the duty requires)."""
        return frozenset(u for u, roles in self.roles_by_unit.items() if roles & CASE_ROLES)

    @classmethod
    def of(cls, user) -> "StaffScope | None":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        preloaded = user.__dict__.get(PRELOADED)
        if preloaded is not None and preloaded.user_id == user.pk:
            return preloaded
        return cls.from_memberships(
            user, Membership.objects.filter(user=user, unit__is_active=True).select_related("unit__jurisdiction")
        )

    @classmethod
    def from_memberships(cls, user, memberships) -> "StaffScope":
        """From the user's memberships in active units, each with its unit and the unit's jurisdiction."""
        roles: dict[int, set[Role]] = {}
        paths: list[str] = []
        rows = {}
        for m in memberships:
            roles.setdefault(m.unit_id, set()).add(Role(m.role))
            rows[m.unit_id] = m.unit
            if m.role == Role.SUPERVISOR:
                paths.append(m.unit.jurisdiction.path)
        return cls(user.pk, frozenset(roles), {u: frozenset(r) for u, r in roles.items()}, tuple(paths), rows)


# Where a request's authentication, having loaded the memberships with the user in the same
# query (api.auth), leaves the scope for StaffScope.of: the user object lives as long as the request.
PRELOADED = "_casework_scope"


def preload_scope(user, memberships) -> None:
    user.__dict__[PRELOADED] = StaffScope.from_memberships(user, memberships)


def cases_visible_to(user) -> QuerySet[Case]:
    scope = StaffScope.of(user)
    if scope is None or not (scope.case_units or scope.supervised_paths):
        return Case.objects.none()
    return _visible(scope.user_id, tuple(sorted(scope.case_units)), tuple(sorted(scope.supervised_paths))).all()


@lru_cache(maxsize=1024)
def _visible(user_id: int, case_units: tuple[int, ...], supervised_paths: tuple[str, ...]) -> QuerySet[Case]:
    """The scope's query, built once per scope and copied (``.all()``) for each use: building its three
    subqueries took the ORM about as long as compiling the whole page's query. Nothing read from the
    database is in it, only the scope itself, which is its cache key; it is never evaluated here."""
    visible = Q(Exists(CaseUnit.objects.filter(case=OuterRef("pk"), unit_id__in=case_units)))
    for path in supervised_paths:
        visible |= Q(jurisdiction__path__startswith=path)
    return Case.objects.filter(
        visible,
        ~Exists(Recusal.objects.filter(case=OuterRef("pk"), user_id=user_id)),
        ~Exists(Case.respondent_officials.through.objects.filter(case=OuterRef("pk"), user_id=user_id)),
    )


def scope_of(actor: Actor) -> StaffScope | None:
    """The staff scope of an actor, loaded once per actor (one action, one request)."""
    if "scope" not in actor.memo:
        actor.memo["scope"] = StaffScope.of(actor.user) if actor.kind == ActorKind.STAFF else None
    return actor.memo["scope"]


def case_get(who, *, case_id: int | None = None, number: str | None = None, for_update: bool = False) -> Case:
    """Fetch one case through the scope; ``for_update`` locks the row for an action.

    For staff the same query also answers whether the person's units handled it, whether they are recused
    or complained about, and whether they belong to a unit complained about (``CaseAccess``), remembered for
    ``roles_on_case`` and ``case_view`` in this request. The visibility rule is the same as
    ``cases_visible_to``; ``test_authorization`` holds both to it.
    """
    actor = as_actor(who)
    qs = Case.objects.select_related("jurisdiction", "current_unit", "current_unit__jurisdiction")
    if actor.kind == ActorKind.COMPLAINANT:
        qs = qs.filter(pk=actor.case_id)
    scope = scope_of(actor)
    if actor.kind == ActorKind.STAFF:
        if scope is None or not (scope.case_units or scope.supervised_paths):
            _denied(actor, case_id, number, "no_scope")
            raise NotFound()
        qs = qs.annotate(**_access_columns(scope))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        if case_id is not None:
            case = qs.get(pk=case_id)
        elif number is not None:
            case = qs.get(number=number)
        else:
            raise NotFound()
    except (Case.DoesNotExist, ValueError, TypeError):
        _denied(actor, case_id, number, "not_found")
        raise NotFound() from None
    if actor.kind == ActorKind.STAFF:
        access = CaseAccess(**{k: bool(getattr(case, f"access_{k}")) for k in CaseAccess.__dataclass_fields__})
        supervised = any(case.jurisdiction.path.startswith(p) for p in scope.supervised_paths)
        if not (access.linked or supervised) or access.recused or access.official:
            _denied(actor, case.pk, None,
                    "recused" if access.recused else "complained_about" if access.official else "out_of_scope")
            raise NotFound()
        _remember(actor, case, access)
    return case


def _denied(actor: Actor, case_id, number, reason: str) -> None:
    """The security log's record of a refusal (casework/security/log.py): who, which case (an id), why."""
    from casework.security.log import security_event

    security_event("access.denied", None, warning=True, reason=reason,
                   user_id=actor.user.pk if actor.kind == ActorKind.STAFF and actor.user is not None else None,
                   case_id=case_id if isinstance(case_id, int) else None, number=number)


@dataclass(frozen=True)
class CaseAccess:
    """What the scope's query found about one person and one case."""

    linked: bool  # one of their units handled it
    recused: bool  # they stood aside (Art 28 ¶3)
    official: bool  # they are named as complained about: the case is not theirs to see
    respondent: bool  # they belong to a unit complained about (active or not)
    handling: bool  # ... and every such unit of theirs was let handle it by a supervisor (RespondentHandling)


def _respondent_units_of(user_id: int) -> QuerySet:
    """The case's units complained about that this person belongs to (any membership, the unit active or not)."""
    return Case.respondent_units.through.objects.filter(case=OuterRef("pk"), unit__memberships__user_id=user_id)


def _all_let_handle(mine: QuerySet) -> Exists:
    """True when a supervisor let every one of those units handle the case (``RespondentHandling``)."""
    return ~Exists(mine.filter(~Exists(RespondentHandling.objects.filter(
        case_id=OuterRef("case_id"), unit_id=OuterRef("unit_id")))))


def _access_columns(scope: StaffScope) -> dict:
    """The ``CaseAccess`` of one person as columns of the case's own query (``access_<field>``)."""
    uid = scope.user_id
    mine = _respondent_units_of(uid)
    return {
        "access_linked": Exists(CaseUnit.objects.filter(case=OuterRef("pk"), unit_id__in=sorted(scope.case_units))),
        "access_recused": Exists(Recusal.objects.filter(case=OuterRef("pk"), user_id=uid)),
        "access_official": Exists(Case.respondent_officials.through.objects.filter(case=OuterRef("pk"), user_id=uid)),
        "access_respondent": Exists(mine),
        "access_handling": _all_let_handle(mine),
    }


# Where case_get leaves what it found on the case it fetched: (user id, CaseAccess). The instance lives as long as
# the request or action that fetched it; a case fetched again is asked again.
ACCESS_MEMO = "_casework_access"


def _remember(actor: Actor, case: Case, access: CaseAccess) -> None:
    case.__dict__[ACCESS_MEMO] = (actor.user.pk, access)


def _access(actor: Actor, case: Case) -> CaseAccess | None:
    """The person's ``CaseAccess`` to the case: remembered by ``case_get``, else one query. None: not staff."""
    if actor.kind != ActorKind.STAFF or actor.user is None:
        return None
    memo = case.__dict__.get(ACCESS_MEMO)
    if memo is not None and memo[0] == actor.user.pk:
        return memo[1]
    scope = scope_of(actor)
    if scope is None:
        return CaseAccess(False, False, False, False, False)
    row = Case.objects.filter(pk=case.pk).annotate(**_access_columns(scope)).values(*_access_columns(scope)).first()
    access = CaseAccess(**{k: bool(row and row[f"access_{k}"]) for k in CaseAccess.__dataclass_fields__})
    _remember(actor, case, access)
    return access


def stands_aside(who, case: Case) -> bool:
    """True when the person is recused (Art 28 ¶3) or named as complained about: the case is not theirs at all."""
    access = _access(as_actor(who), case)
    return access is not None and (access.recused or access.official)


def roles_on_case(who, case: Case) -> frozenset[Role]:
    """The roles a person may act in on this case now (the lifecycle table decides what they allow)."""
    actor = as_actor(who)
    if actor.kind == ActorKind.SYSTEM:
        return frozenset({Role.SYSTEM})
    if actor.kind == ActorKind.COMPLAINANT:
        return frozenset({Role.COMPLAINANT}) if actor.case_id == case.pk else frozenset()
    scope = scope_of(actor)
    if scope is None:
        return frozenset()
    if stands_aside(actor, case) or not case_view(actor, case).materials:
        return frozenset()  # recused (Art 28 ¶3), or complained about: never acts on the complaint (Art 30 ¶3)
    return roles_at(scope, unit_id=case.current_unit_id, jurisdiction_path=case.jurisdiction.path)


def roles_at(scope: StaffScope, *, unit_id: int, jurisdiction_path: str) -> frozenset[Role]:
    """The roles a person acts in on a case held by ``unit_id`` in that jurisdiction: those they hold in the
    unit (not 督办, mediation or administration, which give no duty on it), and 督办 wherever they supervise
    the jurisdiction. Also what a new registration at that unit would give them (the intake form's routes)."""
    roles = set(scope.roles_by_unit.get(unit_id, frozenset()))
    roles -= {Role.SUPERVISOR, Role.ADMINISTRATOR, Role.MEDIATOR}
    if any(jurisdiction_path.startswith(p) for p in scope.supervised_paths):
        roles.add(Role.SUPERVISOR)
    return frozenset(roles)


# -- what of a case a person may see (Art 30 ¶3, Art 18 ¶4): the one rule ----------------------------------------


@dataclass(frozen=True)
class CaseView:
    """What one person may see of one case. Every surface asks ``case_view`` / ``case_views``; none decides itself.

    ``identity``: the complainant's (and representatives') names, addresses, phones; the attachments they gave; the
    formal notices, which name them. ``materials``: what they reported and everything written from it: the title,
    request, facts and reasons, the staff's notes, reasons and opinions on the timeline, supervision instructions and
    answers, the text behind related cases and hot issues; and acting on the case at all.
    """

    identity: bool
    materials: bool

    @property
    def title(self) -> bool:  # a title is often the start of the request
        return self.materials

    @property
    def notes(self) -> bool:
        return self.materials

    @property
    def attachments(self) -> bool:
        return self.identity and self.materials

    @property
    def documents(self) -> bool:
        return self.identity and self.materials


FULL = CaseView(identity=True, materials=True)
WITHHELD = CaseView(identity=False, materials=False)
HANDLING_WITHOUT_IDENTITY = CaseView(identity=False, materials=True)


def _view_of(access: CaseAccess | None) -> CaseView:
    if access is None or not access.respondent:
        return FULL
    return HANDLING_WITHOUT_IDENTITY if access.handling else WITHHELD


def case_view(who, case: Case) -> CaseView:
    """What this person may see of this case (staff of a unit complained about: nothing; the complainant and
    everyone else with access: everything)."""
    actor = as_actor(who)
    if actor.kind == ActorKind.COMPLAINANT:
        return FULL if actor.case_id == case.pk else WITHHELD
    return _view_of(_access(actor, case))


def case_views(who, case_ids) -> dict[int, CaseView]:
    """``case_view`` of many cases at once (a list page, an export, an index): one query."""
    actor = as_actor(who)
    ids = sorted({int(pk) for pk in case_ids})
    if actor.kind == ActorKind.COMPLAINANT:
        return {pk: FULL if pk == actor.case_id else WITHHELD for pk in ids}
    if actor.kind != ActorKind.STAFF or actor.user is None or not ids:
        return {pk: FULL for pk in ids}
    mine = _respondent_units_of(actor.user.pk)
    rows = (Case.objects.filter(pk__in=ids).filter(Exists(mine))
            .annotate(handling=_all_let_handle(mine))
            .values_list("pk", "handling"))
    views = dict.fromkeys(ids, FULL)
    for pk, handling in rows:
        views[pk] = HANDLING_WITHOUT_IDENTITY if handling else WITHHELD
    return views


def withheld_case_ids(who, case_ids) -> set[int]:
    """Of these cases, those whose materials this person may not see (``case_views``)."""
    return {pk for pk, view in case_views(who, case_ids).items() if not view.materials}


def identity_withheld_q(user) -> Q:
    """The cases whose complainant identity is withheld from ``user``, as a filter for a query that starts from
    ``cases_visible_to`` (a search by name never reaches them): the same rule as ``case_views``."""
    uid = getattr(user, "pk", None)
    return Q(Exists(_respondent_units_of(uid))) if uid else Q(pk__in=[])


def materials_withheld_q(user) -> Q:
    """The cases whose materials (title, request, facts, notes) are withheld from ``user``: a search by their text
    never reaches them. The same rule as ``case_views``."""
    uid = getattr(user, "pk", None)
    if not uid:
        return Q(pk__in=[])
    mine = _respondent_units_of(uid)
    return Q(Exists(mine)) & ~Q(_all_let_handle(mine))


__all__ = ["Actor", "CaseView", "case_get", "case_view", "case_views", "cases_visible_to", "identity_withheld_q", "materials_withheld_q",
           "roles_on_case", "stands_aside", "StaffScope", "withheld_case_ids"]
