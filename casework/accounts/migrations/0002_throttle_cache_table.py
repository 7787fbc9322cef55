"""The throttles' counters (settings.CACHES["throttle"], a database cache): made by migrate, as the owner
of the tables, so that no deployment step is forgotten (docs/security.md)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
