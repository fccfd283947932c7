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

import weakref

import psycopg
from django.conf import settings
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.pq import ExecStatus, Format, TransactionStatus

# Django turns psycopg's automatic preparing off (a threshold of None); with a threshold no count
# reaches, only what runs with prepare=True (these cursors') is prepared.
_NEVER = 2**62


def prepared_cursor(connection, *, generic_plan_ok=False):
    """Django's cursor (logged, its errors wrapped) for SQL run on every request; on PostgreSQL over
    a psycopg cursor that binds on the server and prepares what it runs.

    ``generic_plan_ok``: this cursor's statements may run under the ``plan_cache_mode`` that
    ``fetch_with_generic_plan`` leaves on the connection (see there); any other statement first
    turns it back to the default."""
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
        cursor.generic_plan_ok = generic_plan_ok
        # As Django's own cursors (DatabaseWrapper.create_cursor): moments read in its time zone.
        if raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone != connection.timezone:
            register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _PreparingCursor(psycopg.Cursor):
    """A server-binding cursor that prepares every statement it runs."""

    generic_plan_ok = False

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

    The setting is the session's. In autocommit (a web request's reads), it is set with the
    statement (the two in one round trip, a psycopg pipeline) and *left on*: the next request's
    key look-up and page (``generic_plan_ok``, the only statements that may run under it) need
    neither a SET nor a RESET, which cost a third of page 2's statement (bench/README.md, "perf16").
    Any other statement of the connection through Django's cursors (``_default_plans_first``, an
    execute wrapper) first sets it back to the default, before its transaction begins, so no other
    statement, trigger or transaction runs under it. In a transaction (a test's, an atomic block)
    it is set just before the statement and reset just after it, in one round trip, as before."""
    with prepared_cursor(connection, generic_plan_ok=True) as cursor:
        if connection.vendor != "postgresql" or not settings.API_PREPARED_STATEMENTS:
            cursor.execute(sql, params)
            return cursor.fetchall()
        raw = connection.connection
        autocommit = connection.get_autocommit() and raw.info.transaction_status == TransactionStatus.IDLE
        if autocommit and _generic_plans_left_on(connection):
            cursor.execute(sql, params)
            return cursor.fetchall()
        if _generic_plans_left_on(connection):
            _default_plans(connection)  # a transaction's statement: set and reset inside it instead
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute(sql, params)
            if not autocommit:
                raw.execute("RESET plan_cache_mode")
        if autocommit:
            # Marked once the pipeline succeeded: a failure rolled the SET back with it.
            connection.generic_plans_on = weakref.ref(raw)
            if _default_plans_first not in connection.execute_wrappers:
                # First, so that it stays whatever wrappers others add and pop (``execute_wrapper``).
                connection.execute_wrappers.insert(0, _default_plans_first)
        return cursor.fetchall()


def _generic_plans_left_on(connection):
    """Whether ``fetch_with_generic_plan`` left ``plan_cache_mode`` on this very session (a new
    connection starts with the default)."""
    on = getattr(connection, "generic_plans_on", None)
    return on is not None and connection.connection is not None and on() is connection.connection


def _default_plans(connection):
    """The setting back to the connection's default, as its own simple query. Outside a transaction
    (Django's atomic block begins one with its first statement, which comes after this) nothing can
    bring the setting back. Inside one (begun by a statement that bypassed Django's cursors) a
    rollback would: the mark stays, and the next statement resets it again."""
    raw = connection.connection
    status = raw.info.transaction_status
    if status == TransactionStatus.INERROR:
        return  # nothing runs in a failed transaction, and its rollback keeps the setting on
    with connection.wrap_database_errors:
        result = raw.pgconn.exec_(b"RESET plan_cache_mode")
        if result.status != ExecStatus.COMMAND_OK:
            raise psycopg.errors.error_from_result(result, encoding=raw.info.encoding)
    if status == TransactionStatus.IDLE:
        connection.generic_plans_on = None


def _default_plans_first(execute, sql, params, many, context):
    """Django's execute wrapper: a statement that may not run under the generic-plan setting sets
    it back first (the API's key look-up and page may, in autocommit only)."""
    connection = context["connection"]
    if _generic_plans_left_on(connection):
        allowed = getattr(context["cursor"].cursor, "generic_plan_ok", False) and connection.get_autocommit()
        if not allowed:
            _default_plans(connection)
    return execute(sql, params, many, context)
