"""The throttles' counters: an increment that parallel requests cannot lose (casework/security/cache.py)."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_increments_from_several_workers_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite's writers queue already)")
    from django.db import connections

    cache = caches["throttle"]
    cache.add("guesses", 0, 600)
    start = threading.Barrier(4)

    def worker():
        start.wait()
        try:
            for _ in range(25):
                cache.incr("guesses")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("guesses") == 100


@pytest.mark.django_db
def test_an_increment_counts_on_any_database():
    cache = caches["throttle"]
    assert cache.add("tries", 0, 600)
    assert [cache.incr("tries") for _ in range(3)] == [1, 2, 3]



@pytest.mark.django_db
def test_many_new_counters_never_evict_a_live_one_and_expired_ones_go():
    """Django's DatabaseCache culls a third of its rows past MAX_ENTRIES (300) whatever their expiry: a guesser
    rotating addresses would wipe a case number's counter. Only expired counters go (casework/security/cache.py)."""
    import datetime as dt

    import time_machine

    cache = caches["throttle"]
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        cache.add("stale", 0, 60)
        clock.shift(dt.timedelta(minutes=2))
        cache.add("number-counter", 0, 3600)
        cache.incr("number-counter", 7)
        for i in range(1000):  # one row per rotated client address
            cache.add(f"client-{i}", 1, 3600)
        assert cache.get("number-counter") == 7
        assert all(cache.get(f"client-{i}") == 1 for i in range(1000))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(cache._table)}")  # noqa: SLF001
        assert cursor.fetchone()[0] == 1001  # the expired row is gone, every live one kept
