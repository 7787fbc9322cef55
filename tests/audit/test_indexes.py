"""Foreign keys that a composite index already leads with carry no index of their own, and keep their constraint.

Every registration writes a case, an event, unit links and an idempotency record; each index on
them is maintained on every insert. The migrations dropped the single-column ones only (the
constraints stay: dropping and re-adding them would re-check every row under a lock).
"""

import pytest
from django.db import connection

from casework.api.models import IdempotencyRecord
from casework.audit.models import Event
from casework.cases.models import Case, CaseUnit

COVERED = [
    (Event, "case", ["case_id", "id"]),
    (Event, "dispute", ["dispute_id", "id"]),
    (Event, "jurisdiction", ["jurisdiction_id", "seq"]),
    (Case, "jurisdiction", ["jurisdiction_id", "state", "due_on"]),
    (Case, "current_unit", ["current_unit_id", "state", "due_on"]),
    (CaseUnit, "case", ["case_id", "unit_id", "relation"]),
    (CaseUnit, "unit", ["unit_id", "case_id"]),
    (IdempotencyRecord, "user", ["user_id", "key"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("model, field, composite", COVERED, ids=[f"{m.__name__}.{f}" for m, f, _ in COVERED])
def test_a_covered_foreign_key_has_no_index_of_its_own_but_keeps_its_constraint(model, field, composite):
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    single = [name for name, c in constraints.items()
              if c["columns"] == [column] and (c["index"] or c["unique"]) and not c["foreign_key"]]
    assert single == []
    assert any(c["columns"] == composite and (c["index"] or c["unique"]) for c in constraints.values())
    assert any(c["columns"] == [column] and c["foreign_key"] for c in constraints.values())
