"""PostgreSQL: the application's role does its work but cannot touch the event table's guard.

docs/security.md ("Event chains") runs migrations as the owner of the tables and the application as
a role with the grants of scripts/db-grants.sql. The test takes such a role (casework_app_test, made
by ``scripts/db-roles.sh test-role``; scripts/test.sh makes it on the local cluster) with SET ROLE,
inside the test's transaction, after applying to it those very grants.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from casework.audit.models import Event

from tests.audit.chainkit import TABLE, verified
from tests.conftest import register

APP_ROLE = "casework_app_test"
GRANTS = Path(__file__).resolve().parents[2] / "scripts" / "db-grants.sql"

pytestmark = pytest.mark.postgres


@pytest.fixture
def as_app_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    with connection.cursor() as c:
        c.execute("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        row = c.fetchone()
    if not (row and row[0]):
        message = f"role {APP_ROLE} missing or not granted to this user: run scripts/db-roles.sh test-role"
        if os.environ.get("CI") == "true" and not os.environ.get("CASEWORK_TEST_DATABASE_URL"):
            pytest.fail(message)
        pytest.skip(message)
    statements = [s.strip() for s in _without_comments(GRANTS.read_text()).split(";") if s.strip()]
    with connection.cursor() as c:
        for statement in statements:
            c.execute(statement.replace("__APP_ROLE__", APP_ROLE))
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE below must not wait on deferred checks
        c.execute(f"SET ROLE {APP_ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("RESET ROLE")


def _without_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def refused(statement: str) -> str:
    """Run ``statement`` in a savepoint; it must fail with SQLSTATE 42501. Returns the message."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        with connection.cursor() as c:
            c.execute(statement)
    assert getattr(caught.value.__cause__, "sqlstate", None) == "42501", caught.value
    return str(caught.value)


def test_the_application_role_registers_cases_and_appends_events(world, as_app_role):
    # when: a registration as the application's role
    case = register(world).case
    # then: its event is in the chain, MACed, and the chain verifies
    assert Event.objects.filter(case=case, verb="register").exclude(mac="").exists()
    assert "verified" in verified()


def test_the_application_role_cannot_switch_off_or_drop_the_trigger(world, as_app_role):
    # given: an event to protect
    register(world)
    count = Event.objects.count()
    # when / then: every way round the guard is refused, for want of owning the table or function
    for trigger in ("audit_event_append_only", "audit_event_no_truncate"):
        assert "must be owner" in refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
        assert "must be owner" in refused(f"DROP TRIGGER {trigger} ON {TABLE}")
    assert "must be owner" in refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    assert "must be owner" in refused("DROP FUNCTION casework_events_append_only() CASCADE")
    refused(  # no CREATE on the schema, nor ownership of the function
        "CREATE OR REPLACE FUNCTION casework_events_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
        "LANGUAGE plpgsql")
    assert "must be owner" in refused(f"DROP TABLE {TABLE}")
    # and the rows themselves: no right to change them, whatever the trigger
    assert "permission denied" in refused(f"UPDATE {TABLE} SET verb = 'forged'")
    assert "permission denied" in refused(f"DELETE FROM {TABLE}")
    assert "permission denied" in refused(f"TRUNCATE {TABLE}")
    # nothing changed
    with connection.cursor() as c:
        c.execute("RESET ROLE")
        c.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                  "ORDER BY tgname", [TABLE])
        assert c.fetchall() == [("audit_event_append_only", "O"), ("audit_event_no_truncate", "O")]
    assert Event.objects.count() == count
