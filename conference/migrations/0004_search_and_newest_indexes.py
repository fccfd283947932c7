"""PostgreSQL-only indexes for a million directives' worth of records (SQLite gets none).

- Trigram indexes (``pg_trgm``) on the folded search columns of notices and sessions: the admin's
  search (conference/admin_search.py) asks ``search_index LIKE '%word%'``, which read every row.
- ``session_newest``: the sessions newest first, as the dashboard lists the latest ones that hold
  directives (it sorted all 33,000 sessions to take 25).

SQLite's search and lists read the tables, as they always did.
"""

from django.db import migrations

INDEXES = {
    "notice_search_trgm": "conference_conclusionnotice USING gin (search_index gin_trgm_ops)",
    "session_search_trgm": "conference_session USING gin (search_index gin_trgm_ops)",
    "session_newest": "conference_session (held_on DESC NULLS LAST, title, id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0003_offices_and_clerks"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
