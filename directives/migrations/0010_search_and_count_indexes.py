"""PostgreSQL-only indexes for a million directives: the admin's search and the dashboard's counts.

- ``directive_search_trgm``: a trigram index (``pg_trgm``) on the folded text. The admin's search
  asks ``search_index LIKE '%word%'``, which read the whole table (3.6 s for a rare word); the GIN
  index finds the rows that hold the word's trigrams.
- ``directive_status_counts``: every column the two-by-two counts read (``selectors.status_counts_by``:
  the lead agency, the due date, the state, the category, the completion date), so the dashboard
  counts from this index (58 MB at a million directives) without reading the table (560 MB), in
  the lead agency's order.

SQLite gets neither (no covering or trigram indexes there; nothing is rebuilt, so the triggers of
0002 are untouched): its search and counts read the table, as they always did.
"""

from django.db import migrations

INDEXES = {
    "directive_search_trgm": "USING gin (search_index gin_trgm_ops)",
    "directive_status_counts": "(lead_agency_id, due_date) INCLUDE (state, category, completed_on, id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON directives_directive {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0004_search_and_newest_indexes"),
        ("directives", "0009_directive_assignments"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
