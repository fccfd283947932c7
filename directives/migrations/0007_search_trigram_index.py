"""A trigram index (PostgreSQL's pg_trgm) on the directives' folded text, for the admin's search.

``search_index LIKE '%word%'`` read the whole table (3.6 s for a rare word at a million
directives); the GIN index finds the rows holding the word's trigrams. PostgreSQL only: SQLite
gets nothing (no table rebuild, so the triggers of 0002 are untouched) and reads the table.
"""

from django.db import migrations

INDEX = "directive_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON directives_directive USING gin (search_index gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0003_search_trigram_indexes"),
        ("directives", "0006_reporting_schedule"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
