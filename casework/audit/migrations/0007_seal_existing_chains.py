"""Bring the chains written before the chain key under it: each non-empty chain gets a ``chain_sealed``
event whose MAC (under the signing key of CASEWORK_CHAIN_KEY, or the key derived from SECRET_KEY)
covers every event before it. Its ``data.sealed_seq`` records where keyed history begins.

The seal trusts the history as it stands: run ``verify_events`` before upgrading. A chain broken
before still shows its fault, the seal hides nothing that the hashes show.

Not undone: events are append-only (the database refuses DELETE on PostgreSQL), and the older code
verifies a seal like any other event. Going back leaves the seals in place.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from casework.audit.chain import seal_fields
    from casework.audit.keys import signing_key

    Event = apps.get_model("audit", "Event")
    EventChain = apps.get_model("audit", "EventChain")
    alias = schema_editor.connection.alias
    key = signing_key()
    for chain in EventChain.objects.using(alias).select_for_update().filter(length__gt=0).order_by("pk"):
        event = Event.objects.using(alias).create(**seal_fields(
            jurisdiction_id=chain.pk, length=chain.length, head_hash=chain.head_hash, key=key, reason="adopted"))
        EventChain.objects.using(alias).filter(pk=chain.pk).update(length=event.seq, head_hash=event.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_refuse_truncate")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
