"""Trigram indexes (PostgreSQL's pg_trgm) on the folded search columns of notices and sessions.

The admin's search (conference/admin_search.py) asks ``search_index LIKE '%word%'``: without them
PostgreSQL reads every row. SQLite has no such index and gets nothing; its search reads the table.
"""

from django.db import migrations

INDEXES = [
    ("conference_conclusionnotice", "notice_search_trgm"),
    ("conference_session", "session_search_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_index gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0002_two_factor_group"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
