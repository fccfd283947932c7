from django.db import migrations

# The status tally's delta table (0019) is emptied by every fold: autovacuum's defaults (a fifth of
# the table dead, and the statistics only after a tenth changed) would leave a folded table's dead
# rows for the readers' scans and the planner guessing from a table that no longer exists. The fold
# vacuums it itself (directives.models.tally.reclaim_folded); these cover a fold inside a
# transaction and a fold that died before its VACUUM. PostgreSQL only (SQLite writes no delta).
AUTOVACUUM = """
    ALTER TABLE directives_statustallydelta SET (
        autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000,
        autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000
    );
"""
AUTOVACUUM_RESET = """
    ALTER TABLE directives_statustallydelta RESET (
        autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
        autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold,
        autovacuum_analyze_scale_factor, autovacuum_analyze_threshold
    );
"""


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0019_tally_deltas"),
    ]

    operations = [
        migrations.RunPython(_run(AUTOVACUUM), _run(AUTOVACUUM_RESET)),
    ]
