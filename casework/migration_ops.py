"""Migration operations more than one app needs."""

from __future__ import annotations

from django.db import migrations


def drop_covered_fk_indexes(app_label: str, model_name: str, alter_fields: list[migrations.AlterField]):
    """Foreign keys whose single-column index a composite index already leads with: ``db_index=False``.

    In Django's state, the ``AlterField``s as ``makemigrations`` wrote them. In the database only the
    indexes go, ``DROP INDEX CONCURRENTLY`` on PostgreSQL (the migration must be ``atomic = False``):
    a plain ``AlterField`` there drops and re-adds each foreign-key constraint, which checks every row
    again while writes to the table wait.
    """

    def index_names(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for op in alter_fields:
            column = model._meta.get_field(op.name).column
            table = model._meta.db_table
            # the name Django gave the field's index when it created it
            yield schema_editor._create_index_name(table, [column], suffix=""), table, column

    def concurrently(schema_editor) -> str:
        return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""

    def drop(apps, schema_editor):
        for name, _, _ in index_names(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX{concurrently(schema_editor)} IF EXISTS {schema_editor.quote_name(name)}")

    def create(apps, schema_editor):
        qn = schema_editor.quote_name
        for name, table, column in index_names(apps, schema_editor):
            schema_editor.execute(
                f"CREATE INDEX{concurrently(schema_editor)} IF NOT EXISTS {qn(name)} ON {qn(table)} ({qn(column)})"
            )

    return migrations.SeparateDatabaseAndState(
        state_operations=alter_fields, database_operations=[migrations.RunPython(drop, create)]
    )
