"""Django's database cache with an increment that two workers cannot both win.

django-ratelimit counts with ``cache.add`` then ``cache.incr``. Django's DatabaseCache.incr reads the value
and writes it back: two requests at once both read 3 and both write 4, so a guesser running requests in
parallel gets more tries than the limit. Here the row is locked for the increment (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), so every attempt is counted.

Nor is a live counter ever evicted. Django's DatabaseCache keeps at most MAX_ENTRIES rows (300 by default)
and, past it, deletes a third of them whatever their expiry: a guesser rotating client addresses creates a
row per address and so wipes the case number's own counter, and guesses at that number start again from
zero (found by tests/security/test_code_guessing.py). Here only expired rows are removed: the table holds
at most one row per key seen in a window, which a database holds easily.
"""

from __future__ import annotations

from django.core.cache.backends.db import DatabaseCache
from django.db import router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        with transaction.atomic(using=db):
            self._lock(key, version, db)
            return super().incr(key, delta, version)

    def _lock(self, key, version, db) -> None:
        from django.db import connections

        connection = connections[db]
        if not connection.features.has_select_for_update:
            return
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                           [self.make_and_validate_key(key, version=version)])

    def _cull(self, db, cursor, now, num):
        """Remove expired counters only, never a live one (see the module's docstring)."""
        from django.db import connections

        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",
                       [connection.ops.adapt_datetimefield_value(now)])
