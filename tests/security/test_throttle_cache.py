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
