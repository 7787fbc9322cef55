"""INSERTs for the hot paths (a registration, every event), without the ORM's compiler.

``Model.save()`` and ``bulk_create`` build their SQL anew on every call: for a one-row insert
Django spends several times longer composing the statement than the database takes to run it
(measured: ``benchlib.register_profile``). Here the statement is composed once per model and
database vendor from the model's own metadata, and each call only converts the values, field by
field, exactly as the ORM does (``pre_save``, then ``get_db_prep_save``).

``insert_rows`` writes rows that refer to one another (a case, its complainant, the party row
linking them) and any further statements the caller needs in the same breath: on PostgreSQL as
one statement, the rows chained by ``WITH ... INSERT ... RETURNING`` (each round trip costs both
processes CPU; it is the CPU that bounds registrations per second), elsewhere one after the other.

What it does not do, and the models it is used for do not need: signals (Casework has none),
expressions as values, multi-table inheritance. PostgreSQL and SQLite (3.35+) both speak
``RETURNING`` and ``ON CONFLICT``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class Row:
    """One row for ``insert_rows``: ``links`` maps a foreign key of ``obj`` to the index, in the same
    call, of an earlier row whose new primary key it takes."""

    obj: models.Model
    links: dict[str, int] = field(default_factory=dict)
    ignore_conflict_on: tuple[str, ...] | None = None


def insert_rows(rows: list[Row], also: tuple[str, list] | None = None,
                fetch: tuple[str, list] | None = None) -> tuple | None:
    """INSERT the rows in order, each link filled with the earlier row's new key, then run ``also``
    (one more data-modifying statement, e.g. an UPDATE) and ``fetch`` (a SELECT of one row, which may
    lock it: ``FOR UPDATE``). Sets every primary key and link; returns the fetched row, or None.

    On PostgreSQL: one statement. Elsewhere: one INSERT per row, then ``also``, then ``fetch``. A row
    skipped for a conflict (``ignore_conflict_on``) keeps ``pk`` None; no later row may link to it.
    """
    assert rows and all(row.obj.pk is None for row in rows), "new rows, their keys from the database"
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        for row in rows:
            for name, at in row.links.items():
                setattr(row.obj, name, rows[at].obj)  # the key and the cached object, as assigning does
            insert_row(row.obj, ignore_conflict_on=row.ignore_conflict_on)
        with connection.cursor() as cursor:
            if also is not None:
                cursor.execute(*also)
            if fetch is not None:
                cursor.execute(*fetch)
                return cursor.fetchone()
        return None
    shape = tuple((type(r.obj), tuple(sorted(r.links.items())), r.ignore_conflict_on) for r in rows)
    sql, fields_of = _chained_statement(shape, also[0] if also else None, fetch[0] if fetch else None)
    params = []
    for row, fields in zip(rows, fields_of):
        params += [f.get_db_prep_save(f.pre_save(row.obj, True), connection) for f in fields]
    for extra in (also, fetch):
        if extra is not None:
            params += list(extra[1])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchone()
    keys, fetched = result[: len(rows)], result[len(rows):]
    for row, key in zip(rows, keys):
        if key is not None:
            row.obj.pk = key
            row.obj._state.adding, row.obj._state.db = False, connection.alias
    for row in rows:
        for name, at in row.links.items():
            setattr(row.obj, name, rows[at].obj)
    if fetch is None or fetched[0] is None:  # "found": true, or NULL when the SELECT found no row
        return None
    return tuple(fetched[1:])


@lru_cache(maxsize=64)
def _chained_statement(shape, also_sql: str | None,
                       fetch_sql: str | None) -> tuple[str, list[tuple[models.Field, ...]]]:
    """``WITH r0 AS (INSERT ... RETURNING pk), r1 AS (INSERT ... VALUES (..., (SELECT pk FROM r0), ...)
    RETURNING pk), ... [, also AS (<also>)] [, fetched AS (<fetch>)] SELECT (SELECT pk FROM r0), ...,
    fetched.*``: the statements in WITH each run exactly once, whether or not the final SELECT reads them."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    parts, fields_of = [], []
    for i, (model, links, conflict_target) in enumerate(shape):
        linked = {model._meta.get_field(name).column: at for name, at in links}
        pk = model._meta.pk
        columns = [f for f in model._meta.concrete_fields if f is not pk]
        values = [f"(SELECT {qn(shape[linked[f.column]][0]._meta.pk.column)} FROM r{linked[f.column]})"
                  if f.column in linked else "%s" for f in columns]
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in columns)}) "
               f"VALUES ({', '.join(values)})")
        if conflict_target is not None:
            sql += f" ON CONFLICT ({', '.join(qn(model._meta.get_field(n).column) for n in conflict_target)}) DO NOTHING"
        parts.append(f"r{i} AS ({sql} RETURNING {qn(pk.column)})")
        fields_of.append(tuple(f for f in columns if f.column not in linked))
    if also_sql is not None:
        parts.append(f"also AS ({also_sql})")
    keys = ", ".join(f"(SELECT {qn(model._meta.pk.column)} FROM r{i})" for i, (model, _, _) in enumerate(shape))
    if fetch_sql is None:
        return f"WITH {', '.join(parts)} SELECT {keys}", fields_of
    parts.append(f"fetched AS ({fetch_sql})")
    return (f"WITH {', '.join(parts)} SELECT {keys}, found.* FROM (SELECT 1) AS one "
            f"LEFT JOIN (SELECT true AS found, fetched.* FROM fetched) AS found ON true"), fields_of
