from django.db import migrations

ROLE_GROUPS = ("Communications", "HR", "Policy owner", "Legal", "Auditor")

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION governance_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The event log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_event_append_only
    BEFORE UPDATE OR DELETE ON governance_event
    FOR EACH ROW EXECUTE FUNCTION governance_event_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS governance_event_append_only ON governance_event;
DROP FUNCTION IF EXISTS governance_event_append_only();
"""


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def protect_events(apps, schema_editor):
    # On PostgreSQL the database itself refuses to change or remove an event row.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def unprotect_events(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(protect_events, unprotect_events),
    ]
