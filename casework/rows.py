"""Single-row INSERTs for the hot paths (a registration, every event), without the ORM's compiler.

``Model.save()`` and ``bulk_create`` build their SQL anew on every call: for a one-row insert
Django spends several times longer composing the statement than the database takes to run it
(measured: ``benchlib.register_profile``). Here the statement is composed once per model and
database vendor from the model's own metadata, and each call only converts the values, field by
field, exactly as the ORM does (``pre_save``, then ``get_db_prep_save``).

What it does not do, and the models it is used for do not need: signals (Casework has none),
expressions as values, multi-table inheritance. PostgreSQL and SQLite (3.35+) both speak
``RETURNING`` and ``ON CONFLICT``.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections, models


@lru_cache(maxsize=64)
def _statement(model: type[models.Model], vendor: str, conflict_target: tuple[str, ...] | None,
               with_pk: bool) -> tuple[str, tuple[models.Field, ...]]:
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    pk = model._meta.pk
    fields = tuple(f for f in model._meta.concrete_fields if with_pk or f is not pk)
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if conflict_target is not None:
        columns = ", ".join(qn(model._meta.get_field(name).column) for name in conflict_target)
        sql += f" ON CONFLICT ({columns}) DO NOTHING"
    if not with_pk:
        sql += f" RETURNING {qn(pk.column)}"
    return sql, fields


def insert_row(obj: models.Model, *, ignore_conflict_on: tuple[str, ...] | None = None) -> bool:
    """INSERT ``obj`` as ``obj.save(force_insert=True)`` would, and set its primary key.

    ``ignore_conflict_on`` names the fields of a unique constraint: a row already there is left
    as it is (``ON CONFLICT (...) DO NOTHING``) and False is returned. Runs on the default
    database, inside whatever transaction the caller has open.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # once: each use of the django.db.connection proxy looks it up
    model = type(obj)
    with_pk = obj.pk is not None
    sql, fields = _statement(model, connection.vendor, ignore_conflict_on, with_pk)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = None if with_pk else cursor.fetchone()
        inserted = cursor.rowcount != 0 if with_pk else row is not None
    if row is not None:
        obj.pk = row[0]
    if inserted:
        obj._state.adding, obj._state.db = False, connection.alias
    return inserted
