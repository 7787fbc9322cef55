"""Who may see which case, and what of it. The one place that decides.

``cases_visible_to(user)`` is the only way to list cases; ``case_get`` the only
way to fetch one by id or number. A person who may not see a case gets
``NotFound``, never a hint that it exists.

- Staff see the cases that passed through one of their units (``CaseUnit``).
- Supervisors also see every case of their unit's jurisdiction subtree.
- Recused staff (Art 28 ¶3) and officials named as complained about see nothing of the case.
- Staff of a unit complained about, where they can see the case at all (a
  supervisor above it), never see the complainant's identity or materials
  (Art 30 ¶3): ``disclosure`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.organisation.models import Membership
from casework.rules.lifecycle import Role

from .actors import Actor, ActorKind, as_actor
from .errors import NotFound
from .models import Case, CaseUnit, Recusal


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

    For staff: the row, then one small query for whether the person's units handled
    it, whether they are recused or complained about, and whether their unit is.
    The visibility rule is the same as ``cases_visible_to``; ``test_authorization``
    holds both to it.
    """
    actor = as_actor(who)
    qs = Case.objects.select_related("jurisdiction", "current_unit", "current_unit__jurisdiction")
    if actor.kind == ActorKind.COMPLAINANT:
        qs = qs.filter(pk=actor.case_id)
    scope = scope_of(actor)
    if actor.kind == ActorKind.STAFF and (scope is None or not (scope.case_units or scope.supervised_paths)):
        raise NotFound()
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
        raise NotFound() from None
    if actor.kind == ActorKind.STAFF:
        linked, case.cw_recused, case.cw_respondent_official, case.cw_respondent_unit = _access_flags(case.pk, scope)
        supervised = any(case.jurisdiction.path.startswith(p) for p in scope.supervised_paths)
        if not (linked or supervised) or case.cw_recused or case.cw_respondent_official:
            raise NotFound()
        case.cw_flags_for = scope.user_id
    return case


def _access_flags(case_id: int, scope: StaffScope) -> tuple[bool, bool, bool, bool]:
    """(handled by one of the units, recused, complained-about official, complained-about unit), in one query.

    Plain SQL: the ORM spent longer compiling four EXISTS subqueries than the database running them.
    """
    units = sorted(scope.case_units) or [0]
    marks = ", ".join(["%s"] * len(units))
    all_units = sorted(scope.units) or [0]
    all_marks = ", ".join(["%s"] * len(all_units))
    qn = connection.ops.quote_name
    links = qn(CaseUnit._meta.db_table)
    recusals = qn(Recusal._meta.db_table)
    officials = qn(Case.respondent_officials.through._meta.db_table)
    complained = qn(Case.respondent_units.through._meta.db_table)
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {links} WHERE case_id = %s AND unit_id IN ({marks})), "
        f"EXISTS (SELECT 1 FROM {recusals} WHERE case_id = %s AND user_id = %s), "
        f"EXISTS (SELECT 1 FROM {officials} WHERE case_id = %s AND user_id = %s), "
        f"EXISTS (SELECT 1 FROM {complained} WHERE case_id = %s AND unit_id IN ({all_marks}))"
    )
    params = [case_id, *units, case_id, scope.user_id, case_id, scope.user_id, case_id, *all_units]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bool(row[0]), bool(row[1]), bool(row[2]), bool(row[3])


def _flags(case: Case, user_id: int) -> tuple[bool, bool, bool] | None:
    """(recused, complained-about official, complained-about unit) when case_get computed them for this user."""
    if getattr(case, "cw_flags_for", None) != user_id:
        return None
    return case.cw_recused, case.cw_respondent_official, case.cw_respondent_unit


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
    flags = _flags(case, scope.user_id)
    if flags is not None:
        recused, official, unit_complained = flags
    else:
        recused, official, unit_complained = _excluded(scope.user_id, case), False, Disclosure(actor, case).respondent
    if recused or official or unit_complained:
        return frozenset()  # recused (Art 28 ¶3), or complained about: never acts on the complaint
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


def _excluded(user_id: int, case: Case) -> bool:
    return (
        Recusal.objects.filter(case=case, user_id=user_id).exists()
        or case.respondent_officials.filter(pk=user_id).exists()
    )


class Disclosure:
    """What of a case a person may see. Respondent units see neither identity nor materials."""

    def __init__(self, who, case: Case) -> None:
        self.actor = as_actor(who)
        self.case = case

    @cached_property
    def respondent(self) -> bool:
        if self.actor.kind != ActorKind.STAFF or self.actor.user is None:
            return False
        flags = _flags(self.case, self.actor.user.pk)
        if flags is not None:
            return flags[2]
        units = Membership.objects.filter(user=self.actor.user).values("unit_id")
        return self.case.respondent_units.filter(pk__in=units).exists()

    @property
    def identity(self) -> bool:
        return not self.respondent

    @property
    def materials(self) -> bool:
        return not self.respondent


def disclosure(who, case: Case) -> Disclosure:
    return Disclosure(who, case)


__all__ = ["Actor", "case_get", "cases_visible_to", "disclosure", "roles_on_case", "StaffScope"]


def withheld_case_ids(who, case_ids) -> set[int]:
    """Of these cases, those whose identity and materials this person may not see (bulk ``disclosure``)."""
    actor = as_actor(who)
    if actor.kind != ActorKind.STAFF or actor.user is None:
        return set()
    ids = [int(pk) for pk in case_ids]
    if not ids:
        return set()
    # Any unit they belong to, active or not. Plain SQL: on a page of the case list the ORM spent
    # longer composing this than the database answering it.
    qn = connection.ops.quote_name
    through, member = Case.respondent_units.through._meta, Membership._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT r.{qn('case_id')} FROM {qn(through.db_table)} r "
            f"JOIN {qn(member.db_table)} m ON m.{qn('unit_id')} = r.{qn('unit_id')} "
            f"WHERE m.{qn('user_id')} = %s AND r.{qn('case_id')} IN ({', '.join(['%s'] * len(ids))})",
            [actor.user.pk, *ids],
        )
        return {row[0] for row in cursor.fetchall()}
