"""Personal data and access-code digests written before encryption: encrypted, indexed and wrapped in place.

Reads the clear values through plain SQL (the model's fields would try to decrypt them), writes through the
real fields. Backwards: nothing can be undone without the keys, so the reverse leaves the rows as they are.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from casework.privacy import codes, keys

    conn = schema_editor.connection
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {qn('id')}, {qn('name')}, {qn('address')}, {qn('phone')} FROM {qn('cases_person')}")
        people = cursor.fetchall()
        for pk, name, address, phone in people:
            if _encrypted(name) and _encrypted(address) and _encrypted(phone):
                continue
            cursor.execute(
                f"UPDATE {qn('cases_person')} SET {qn('name')} = %s, {qn('address')} = %s, {qn('phone')} = %s, "
                f"{qn('name_index')} = %s, {qn('phone_index')} = %s WHERE {qn('id')} = %s",
                [keys.encrypt(name or ""), keys.encrypt(address or ""), keys.encrypt(phone or ""),
                 keys.blind_index("name", name or ""), keys.blind_index("phone", phone or ""), pk])
        cursor.execute(f"SELECT {qn('id')}, {qn('number')}, {qn('access_code_digest')} FROM {qn('cases_case')}")
        for pk, number, old in cursor.fetchall():
            if old and "$" not in old:
                cursor.execute(f"UPDATE {qn('cases_case')} SET {qn('access_code_digest')} = %s WHERE {qn('id')} = %s",
                               [codes.wrap_legacy(number, old), pk])


def _encrypted(value) -> bool:
    from casework.privacy import keys

    if not value:
        return True
    try:
        keys.decrypt(value)
    except keys.UnreadableData:
        return False
    return True


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_person_encrypted")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
