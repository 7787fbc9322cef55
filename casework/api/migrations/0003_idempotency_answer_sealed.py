"""Idempotency answers kept encrypted (they carry access codes and personal data): existing ones sealed, then
the clear column dropped. Sealed now, they replay for CASEWORK_IDEMPOTENCY_TTL from the migration."""

import json

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from casework.privacy import keys

    Record = apps.get_model("api", "IdempotencyRecord")
    for record in Record.objects.all().only("pk", "response").iterator():
        Record.objects.filter(pk=record.pk).update(answer=keys.seal(json.dumps(record.response).encode()))


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0002_idempotency_user_index_covered'),
    ]

    operations = [
        migrations.AddField(
            model_name='idempotencyrecord',
            name='answer',
            field=models.TextField(default=''),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='idempotencyrecord',
            name='response',
        ),
    ]
