"""Make the audit log append-only in the database itself, not only in the ORM.

PostgreSQL: a row trigger refuses UPDATE and DELETE. TRUNCATE fires no row
triggers, so the test runner's flush (TRUNCATE) still works.

SQLite: a trigger refuses UPDATE only. SQLite has no TRUNCATE and Django's
flush empties tables with DELETE, so a DELETE trigger would break every
TransactionTestCase; the ORM still refuses deletes.

Two things to remember in later migrations of this table:
- on SQLite, a migration that rebuilds the table (most AlterField operations)
  drops these triggers; recreate them afterwards (tests/audit checks they exist);
- on PostgreSQL, a migration that rewrites rows must wrap the rewrite in
  ALTER TABLE audit_auditevent DISABLE/ENABLE TRIGGER audit_auditevent_append_only.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]
SQLITE_CREATE = [
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)');
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_auditevent_append_only"]


def run(schema_editor, statements_by_vendor):  # type: ignore[no-untyped-def]
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        # No parameters: the PL/pgSQL body has a literal % placeholder of its own.
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    run(schema_editor, {"postgresql": POSTGRESQL_CREATE, "sqlite": SQLITE_CREATE})


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    run(schema_editor, {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_protect_org_keep_actor_id")]

    operations = [migrations.RunPython(create, drop)]
