"""On PostgreSQL the database also refuses TRUNCATE of the event table (row triggers do not see it).

The same function as UPDATE and DELETE (audit 0002) raises, so the error names TRUNCATE. A role that
owns the table can still switch the trigger off: docs/security.md sets the application up with a
role that does not own it.
"""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION casework_events_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_event_mac_and_key_id")]
    operations = [migrations.RunPython(forwards, backwards)]
