# The follow-up plan hears of milestones: each milestone not done owes its own reminders
# (directives.followup.schedule.plan_directive), so a milestone added, removed, re-dated or marked
# done marks its directive's plan row "work out again" (next_on = 01/01/1900, generation + 1),
# whatever writes it (the services, the admin's inline, raw SQL), as 0012's triggers do for the
# directive's own columns. The lists are importable, like 0012's, for a later migration that remakes
# directives_milestone on SQLite (which drops a table's triggers) to make them again.

from django.db import migrations

DIRTY = "1900-01-01"
# What the sweep decides from; a change of position alone (directive_set_milestones renumbers) is not.
MILESTONE_COLUMNS = ("directive_id", "due_date", "done_on")
_MARK_OLD = (
    f"UPDATE directives_followupplan SET next_on = DATE '{DIRTY}', generation = generation + 1"
    " WHERE directive_id = OLD.directive_id"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION followup_plan_from_milestone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.directive_id IS NOT DISTINCT FROM OLD.directive_id
           AND NEW.due_date IS NOT DISTINCT FROM OLD.due_date AND NEW.done_on IS NOT DISTINCT FROM OLD.done_on THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            -- The directive's own row: gone already when the milestone goes with its directive.
            {_MARK_OLD};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM followup_plan_mark(NEW.directive_id);
        END IF;
        RETURN NULL;
    END $$;
    """,
    f"""
    CREATE TRIGGER followup_plan_from_milestone
    AFTER INSERT OR DELETE OR UPDATE OF {", ".join(MILESTONE_COLUMNS)} ON directives_milestone
    FOR EACH ROW EXECUTE FUNCTION followup_plan_from_milestone();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS followup_plan_from_milestone ON directives_milestone;",
    "DROP FUNCTION IF EXISTS followup_plan_from_milestone();",
]


def _sqlite_mark(directive):
    return f"""
        INSERT INTO directives_followupplan (directive_id, next_on, generation) VALUES ({directive}, '{DIRTY}', 0)
        ON CONFLICT (directive_id) DO UPDATE SET next_on = '{DIRTY}', generation = generation + 1;
    """


_SQLITE_MARK_OLD = (
    f"UPDATE directives_followupplan SET next_on = '{DIRTY}', generation = generation + 1"
    " WHERE directive_id = OLD.directive_id;"
)
SQLITE = [
    f"""
    CREATE TRIGGER followup_plan_milestone_insert AFTER INSERT ON directives_milestone
    FOR EACH ROW BEGIN {_sqlite_mark("NEW.directive_id")} END;
    """,
    f"""
    CREATE TRIGGER followup_plan_milestone_update AFTER UPDATE OF {", ".join(MILESTONE_COLUMNS)}
    ON directives_milestone
    FOR EACH ROW WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in MILESTONE_COLUMNS)}
    BEGIN {_SQLITE_MARK_OLD} {_sqlite_mark("NEW.directive_id")} END;
    """,
    f"""
    CREATE TRIGGER followup_plan_milestone_delete AFTER DELETE ON directives_milestone
    FOR EACH ROW BEGIN {_SQLITE_MARK_OLD} END;
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS followup_plan_milestone_{name};" for name in ("insert", "update", "delete")
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            raise RuntimeError(f"No trigger for the {vendor} database: the follow-up plan needs them.")
        for statement in chosen:
            schema_editor.execute(statement, params=None)

    return run


def _mark_directives_with_milestones(apps, schema_editor):
    # Their milestones' reminders were never planned: work those directives out at the next sweep.
    schema_editor.execute(
        f"UPDATE directives_followupplan SET next_on = '{DIRTY}', generation = generation + 1"
        " WHERE directive_id IN (SELECT directive_id FROM directives_milestone WHERE done_on IS NULL)",
        params=None,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("directives", "0012_followup_plan"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
        migrations.RunPython(_mark_directives_with_milestones, migrations.RunPython.noop),
    ]
