"""A cursor for SQL compiled once and run on every request: on PostgreSQL a server-side prepared
statement of the connection, so its plan is not made again on each run.

Django's own cursors bind values on the client and prepare nothing; the SQL run here is compiled
once per process by its caller (the API list's page, ``directives.api.compiled``; the API key's
look-up, ``ApiKey.find_active``), with its values as parameters. PostgreSQL planned the page's
six-table join on every request (1.5-7 ms, as long as running it; bench/README.md, "api6"); a
prepared statement keeps its plan for the connection's life (PostgreSQL's own choice between a plan
per value and the generic one, ``plan_cache_mode``). Each connection prepares a statement once
(``CONN_MAX_AGE`` keeps connections, and their statements, between requests; a pool's connections
keep theirs; psycopg keeps at most ``prepared_max`` per connection and forgets them on a rollback
or ``DISCARD ALL``). A pooler that hands one client's statements to another server connection
(PgBouncer in transaction mode before 1.21) needs ``API_PREPARED_STATEMENTS=false``; the SQL and
the rows are the same either way.
"""

import psycopg
from django.conf import settings
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.pq import Format

# Django turns psycopg's automatic preparing off (a threshold of None); with a threshold no count
# reaches, only what runs with prepare=True (these cursors') is prepared.
_NEVER = 2**62


def prepared_cursor(connection):
    """Django's cursor (logged, its errors wrapped) for SQL run on every request; on PostgreSQL over
    a psycopg cursor that binds on the server and prepares what it runs."""
    if connection.vendor != "postgresql" or not settings.API_PREPARED_STATEMENTS:
        return connection.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, register_tzloader

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _NEVER
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(raw)
        # As Django's own cursors (DatabaseWrapper.create_cursor): moments read in its time zone.
        if raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone != connection.timezone:
            register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _PreparingCursor(psycopg.Cursor):
    """A server-binding cursor that prepares every statement it runs."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, **{**kwargs, "prepare": True})


class _LoggedCursor(CursorDebugWrapper):
    """Django's logging cursor (``connection.queries``, assertNumQueries, the benchmarks' capture),
    logging the SQL as Django's own cursors send it (its values bound in the text): a prepared
    statement's run leaves psycopg no query text to report."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


def fetch_with_generic_plan(connection, sql, params):
    """``sql``'s rows, run as ``prepared_cursor`` runs it, with PostgreSQL's generic plan of it.

    For SQL written so that one plan suits every value (the API list's one-agency page: its ids
    first, then their rows): left to choose (``plan_cache_mode = auto``), PostgreSQL kept planning
    the first page on every run, its estimate of the generic plan being worse than the plan is (13
    ms where the generic plan takes 8.5 at 1,000,000 directives), and settled the next pages on a
    custom plan on some connections (7 ms where the generic takes 2.4; bench/README.md, "perf14").
    The setting is the session's: set just before this one statement and reset (to the connection's
    default) just after it, the three in one round trip (a psycopg pipeline; a failure rolls the
    setting back with the implicit transaction); nothing else runs under it."""
    with prepared_cursor(connection) as cursor:
        if connection.vendor != "postgresql" or not settings.API_PREPARED_STATEMENTS:
            cursor.execute(sql, params)
            return cursor.fetchall()
        raw = connection.connection
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute(sql, params)
            raw.execute("RESET plan_cache_mode")
        return cursor.fetchall()
