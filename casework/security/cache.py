"""Django's database cache with an increment that two workers cannot both win.

django-ratelimit counts with ``cache.add`` then ``cache.incr``. Django's DatabaseCache.incr reads the value
and writes it back: two requests at once both read 3 and both write 4, so a guesser running requests in
parallel gets more tries than the limit. Here the row is locked for the increment (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), so every attempt is counted.
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
