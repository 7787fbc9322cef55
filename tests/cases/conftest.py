"""Fixtures for the grievance-case tests (real database, no mocks)."""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture
def media_root(settings, tmp_path):
    """An empty media directory of the test's own, to see what an upload wrote."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module, rolled back at its end.

    Data built once per module (the authorization matrix) lives inside it;
    each test that asks for ``db`` runs in a savepoint inside it (pytest-django's
    ``TestCase`` atomics nest), so whatever a test writes is undone before the
    next one, and nothing is left in the database after the module.
    """
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
