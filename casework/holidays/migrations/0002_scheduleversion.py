"""The schedule version row and the triggers that give it a new token on every schedule change."""

from django.db import migrations, models

TABLES = ("holidays_scheduleday", "holidays_scheduleyear")

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION holidays_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO holidays_scheduleversion (id, token) VALUES (1, gen_random_uuid()::text)
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE TRIGGER {t}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION holidays_schedule_changed()"
        for t in TABLES
    ),
    "INSERT INTO holidays_scheduleversion (id, token) VALUES (1, gen_random_uuid()::text) ON CONFLICT (id) DO NOTHING",
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {t}_changed ON {t}" for t in TABLES),
    "DROP FUNCTION IF EXISTS holidays_schedule_changed()",
]

# A plain UPDATE (and an INSERT that cannot conflict, should the row be gone): an INSERT OR REPLACE
# here would take the conflict policy of the statement that fired it (an INSERT OR IGNORE).
_SQLITE_BUMP = (
    "INSERT INTO holidays_scheduleversion (id, token) SELECT 1, '' "
    "WHERE NOT EXISTS (SELECT 1 FROM holidays_scheduleversion WHERE id = 1); "
    "UPDATE holidays_scheduleversion SET token = lower(hex(randomblob(16))) WHERE id = 1"
)
SQLITE_FORWARD = [
    *(
        f"CREATE TRIGGER {t}_{op.lower()} AFTER {op} ON {t} FOR EACH ROW BEGIN {_SQLITE_BUMP}; END"
        for t in TABLES
        for op in ("INSERT", "UPDATE", "DELETE")
    ),
    "INSERT INTO holidays_scheduleversion (id, token) VALUES (1, lower(hex(randomblob(16))))",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_{op.lower()}" for t in TABLES for op in ("INSERT", "UPDATE", "DELETE")]


def _run(statements_for):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = statements_for.get(vendor)
        if statements is None:
            # Without the triggers every process would keep counting with a stale schedule.
            raise NotImplementedError(f"holidays: no schedule-version triggers for {vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("holidays", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduleVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=36)),
            ],
            options={
                "verbose_name": "节假日安排版本",
                "verbose_name_plural": "节假日安排版本",
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
