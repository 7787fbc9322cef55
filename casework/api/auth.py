"""Bearer tokens: ``Authorization: Bearer cw_...`` acts as the token's staff user."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connection
from ninja.security import HttpBearer

from casework.cases.access import preload_scope
from casework.organisation.models import Jurisdiction, Membership, Unit

from casework.security.log import security_event

from .models import ApiToken, token_digest


class TokenAuth(HttpBearer):
    openapi_description = "A token from `manage.py create_api_token USERNAME`; it acts as that staff user."

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            security_event("token.refused", request, warning=True)
            return None
        digest = token_digest(token)
        memberships = token_memberships(digest)
        if memberships:
            user = memberships[0].user
            preload_scope(user, memberships)
            security_event("token.use", request, user_id=user.pk)
            return user
        row = (
            ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        if row is None:
            security_event("token.refused", request, warning=True)
            return None
        security_event("token.use", request, user_id=row.user_id, token_id=row.pk)
        return row.user


def token_memberships(digest: str) -> list[Membership]:
    """The memberships in active units of the active user holding this unrevoked token, each with its
    user, unit and the unit's jurisdiction (one user object shared by all): the scope every handler needs.

    What ``Membership.objects.filter(user__api_tokens__digest=..., ...).select_related("user",
    "unit__jurisdiction")`` loads, as one statement written once per process: on every API request the
    ORM spent about 2 ms composing that query and its objects, several times what the database takes.
    An empty list: no such token, or its user belongs to no active unit.
    """
    sql, parts = _membership_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        rows = cursor.fetchall()
    memberships, user, units = [], None, {}
    for row in rows:
        objs = {}
        at = 0
        for model, names, converters in parts:
            values = list(row[at: at + len(names)])
            for i, expression, functions in converters:  # as the ORM converts what it reads
                for convert in functions:
                    values[i] = convert(values[i], expression, connection)
            objs[model] = model.from_db(connection.alias, names, values)
            at += len(names)
        user = user or objs[get_user_model()]
        unit = units.setdefault(objs[Unit].pk, objs[Unit])
        unit._state.fields_cache["jurisdiction"] = objs[Jurisdiction]
        m = objs[Membership]
        m._state.fields_cache["user"] = user
        m._state.fields_cache["unit"] = unit
        memberships.append(m)
    return memberships


@lru_cache(maxsize=4)
def _membership_statement(vendor: str):
    qn = connection.ops.quote_name
    User = get_user_model()
    aliases = {Membership: "m", User: "u", Unit: "n", Jurisdiction: "j"}
    parts = []
    for model in aliases:
        fields = model._meta.concrete_fields
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if functions:
                converters.append((i, col, functions))
        parts.append((model, [f.attname for f in fields], converters))
    columns = ", ".join(
        f"{alias}.{qn(f.column)}" for model, alias in aliases.items() for f in model._meta.concrete_fields
    )
    m, t = Membership._meta, ApiToken._meta
    col = lambda model, name: qn(model._meta.get_field(name).column)  # noqa: E731
    sql = (
        f"SELECT {columns} FROM {qn(t.db_table)} t "
        f"JOIN {qn(User._meta.db_table)} u ON u.{qn(User._meta.pk.column)} = t.{col(ApiToken, 'user')} "
        f"JOIN {qn(m.db_table)} m ON m.{col(Membership, 'user')} = u.{qn(User._meta.pk.column)} "
        f"JOIN {qn(Unit._meta.db_table)} n ON n.{qn(Unit._meta.pk.column)} = m.{col(Membership, 'unit')} "
        f"JOIN {qn(Jurisdiction._meta.db_table)} j ON j.{qn(Jurisdiction._meta.pk.column)} = n.{col(Unit, 'jurisdiction')} "
        f"WHERE t.{col(ApiToken, 'digest')} = %s AND t.{col(ApiToken, 'revoked_at')} IS NULL "
        f"AND u.{col(User, 'is_active')} AND n.{col(Unit, 'is_active')} "
        f"ORDER BY m.{qn(m.pk.column)}"
    )
    return sql, parts
