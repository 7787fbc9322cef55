"""Re-encryption under the newest data key: what ``manage.py reencrypt_personal_data`` does.

Reads the stored tokens as they are (plain SQL: the fields would decrypt them), re-encrypts those not made with
the newest key (``MultiFernet.rotate``, which keeps a token's time, so an idempotency answer still expires when it
would have), and writes them back in batches, each in its own transaction. Run it again after an interruption:
what is done is skipped.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from . import keys

# (table, the encrypted columns): every column holding a token of the data keys.
ENCRYPTED = (
    ("cases_person", ("name", "address", "phone")),
    ("api_idempotencyrecord", ("answer",)),
)
BATCH = 500


def tables() -> list[tuple[str, tuple[str, ...], int]]:
    """Each table with its columns and how many rows it has."""
    out = []
    with connection.cursor() as cursor:
        for table, columns in ENCRYPTED:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            out.append((table, columns, cursor.fetchone()[0]))
    return out


def reencrypt(table: str, columns: tuple[str, ...], *, progress: Callable[[int], object] = lambda n: None) -> int:
    """Re-encrypt the rows of ``table`` not under the newest key; how many were rewritten."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    sets = ", ".join(f"{qn(c)} = %s" for c in columns)
    rewritten, last = 0, 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {qn('id')}, {cols} FROM {qn(table)} WHERE {qn('id')} > %s "
                               f"ORDER BY {qn('id')} LIMIT {BATCH}", [last])
                rows = cursor.fetchall()
                for pk, *tokens in rows:
                    if all(keys.is_current(t or "") for t in tokens):
                        continue
                    cursor.execute(f"UPDATE {qn(table)} SET {sets} WHERE {qn('id')} = %s",
                                   [keys.rotate(t or "") for t in tokens] + [pk])
                    rewritten += 1
        if not rows:
            return rewritten
        last = rows[-1][0]
        progress(len(rows))
