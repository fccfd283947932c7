"""The rules that span two tables, which check constraints cannot hold: kept by triggers."""

from django.db import migrations

# The lead agency of a directive never also coordinates it, whatever writes the rows (a form, an
# import, bulk_create, the link table's manager, or changing the lead to an existing coordinator).
# Triggers, since the rule spans two tables; raised as integrity errors (SQLSTATE 23514 on PostgreSQL,
# SQLITE_CONSTRAINT on SQLite). Directive.check_assignment words it for the clerks.
# On SQLite a later migration that remakes either table drops its triggers: tests/test_model_rules.py
# tries the rule on the migrated database, so such a migration fails the suite until it restores them.
POSTGRESQL = [
    """
    CREATE FUNCTION directive_coordinator_is_not_lead() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM directives_directive d
                   WHERE d.id = NEW.directive_id AND d.lead_agency_id = NEW.agency_id) THEN
            RAISE EXCEPTION 'directive_lead_not_coordinating: agency % leads directive %',
                NEW.agency_id, NEW.directive_id USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER directive_coordinator_is_not_lead
    BEFORE INSERT OR UPDATE ON directives_directive_coordinating_agencies
    FOR EACH ROW EXECUTE FUNCTION directive_coordinator_is_not_lead();
    """,
    """
    CREATE FUNCTION directive_lead_is_not_coordinator() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.lead_agency_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM directives_directive_coordinating_agencies c
                WHERE c.directive_id = NEW.id AND c.agency_id = NEW.lead_agency_id) THEN
            RAISE EXCEPTION 'directive_lead_not_coordinating: agency % coordinates directive %',
                NEW.lead_agency_id, NEW.id USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER directive_lead_is_not_coordinator
    BEFORE UPDATE OF lead_agency_id ON directives_directive
    FOR EACH ROW EXECUTE FUNCTION directive_lead_is_not_coordinator();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS directive_lead_is_not_coordinator ON directives_directive;",
    "DROP TRIGGER IF EXISTS directive_coordinator_is_not_lead ON directives_directive_coordinating_agencies;",
    "DROP FUNCTION IF EXISTS directive_lead_is_not_coordinator();",
    "DROP FUNCTION IF EXISTS directive_coordinator_is_not_lead();",
]
_SQLITE_LINK_CHECK = """
    CREATE TRIGGER directive_coordinator_is_not_lead_{event}
    BEFORE {event} ON directives_directive_coordinating_agencies
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM directives_directive d
                              WHERE d.id = NEW.directive_id AND d.lead_agency_id = NEW.agency_id)
    BEGIN SELECT RAISE(ABORT, 'directive_lead_not_coordinating'); END;
"""
SQLITE = [
    _SQLITE_LINK_CHECK.format(event="INSERT"),
    _SQLITE_LINK_CHECK.format(event="UPDATE"),
    """
    CREATE TRIGGER directive_lead_is_not_coordinator
    BEFORE UPDATE OF lead_agency_id ON directives_directive
    FOR EACH ROW WHEN NEW.lead_agency_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM directives_directive_coordinating_agencies c
        WHERE c.directive_id = NEW.id AND c.agency_id = NEW.lead_agency_id)
    BEGIN SELECT RAISE(ABORT, 'directive_lead_not_coordinating'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directive_coordinator_is_not_lead_INSERT;",
    "DROP TRIGGER IF EXISTS directive_coordinator_is_not_lead_UPDATE;",
    "DROP TRIGGER IF EXISTS directive_lead_is_not_coordinator;",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            raise RuntimeError(f"No trigger for the {vendor} database: the lead/coordinating rule needs one.")
        for statement in chosen:
            schema_editor.execute(statement, params=None)  # no placeholders: RAISE uses "%"

    return run



class Migration(migrations.Migration):
    dependencies = [("directives", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
