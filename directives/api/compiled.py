"""The directive list's page SQL, compiled once per shape of request and run with its values bound.

Building the list's queryset and compiling it cost about as much Python per request as the page's
own SQL took to run (bench/README.md, "the list's fixed cost"), and making the rows went through the
ORM's row conversion. For the usual request (no filters but ``overdue`` and ``role``, read without
django-filter's form) nothing about the SQL depends on the request but its *shape*: the number of
agencies the caller answers for (or a clerk), the filters' values, the ordering, the page size and
the cursor's form. The values (today, the agencies, the cursor's position and its tie) are only
parameters. So the query is built once per shape by the list's own code (``listing.caller_directives``
over ``directives_visible_to``, ``filters.apply_simple_filters``, ``listing.list_values``,
``DirectivePagination.page_queryset``) with placeholder values, compiled by the ORM, and kept with
the positions where each placeholder landed among its parameters; a request binds its own values
there and runs the SQL on a plain cursor. The rows are converted by the ORM's own converters (the
ones that column has; none but the latest report's JSON on PostgreSQL) and rendered as before, so
the answer is the ORM path's, byte for byte (``tests/test_api_compiled.py``).

The placeholders are found, not assumed: the shape is compiled twice with two sets of placeholder
values, and the SQL is kept only if the two texts are equal and the parameters differ exactly where
one placeholder's value (as the ORM's field would send it) stands in both. A value the ORM inlined
in the text, derived from an input (``today + 1``) or mistaken for a placeholder by coincidence
fails that check: such a shape is never cached and goes through the ORM on every request.
Parameters stay parameters: nothing of the request is ever written into the SQL's text.

On PostgreSQL the kept SQL runs as a server-side prepared statement (``conference.prepared``).
"""

import datetime
import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections, router
from django.db.models import DateField
from rest_framework.pagination import Cursor

from conference.prepared import fetch_with_generic_plan, prepared_cursor
from directives.models import Directive

from . import listing
from .filters import ApiDirectiveFilter, ApiDirectiveFilterBackend, apply_simple_filters, simple_filters
from .pagination import DirectivePagination, column_field

# Two sets of placeholder values, far from any real one (ids below 2**31, dates a millennium ahead,
# none equal to another nor to NO_DUE_DATE): the same shape compiled with each must differ only there.
_TODAY = (datetime.date(2991, 1, 1), datetime.date(2992, 2, 2))
_AGENCY = (2_081_000_000, 2_082_000_000)  # + the agency's index among the caller's
_TIE = (2_085_000_005, 2_086_000_006)
_POSITION = {  # by the ordering's first column: the cursor's text, as decode_cursor leaves it
    "due_sort": ("2993-03-03", "2994-04-04"),
    "updated_at": ("2993-03-03 03:03:03.000003+00:00", "2994-04-04 04:04:04.000004+00:00"),
    "id": ("2083000003", "2084000004"),
}


class Shape(NamedTuple):
    """What the SQL of a page depends on, besides the values bound into it."""

    alias: str
    agencies: int | None  # how many agencies the caller answers for; None for a clerk
    filters: tuple  # (name, value) of ``simple_filters``, sorted
    ordering: str  # the ``ordering`` parameter
    page_size: int
    reverse: bool
    position: bool  # the cursor holds a position
    tie: bool  # ... and the id of the row it points after


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple  # the placeholder values' parameters; ``bindings`` says which to replace
    bindings: tuple  # (index among params, input name, the integer type the ORM sent there or None)
    names: tuple  # the row's keys, as the ORM's values() names them
    converters: tuple  # (column index, converters, expression): the ORM's own, for that column


def page_rows(view, request, today):
    """The page's rows (as ``DirectivePagination.paginate_queryset`` returns them, the paginator
    ready to write the links), or None when this request must go through the ORM and its form."""
    if list(view.filter_backends) != [ApiDirectiveFilterBackend] or view.filterset_class is not ApiDirectiveFilter:
        return None
    values = simple_filters(request.query_params)
    if values is None:
        return None
    agency_ids = view.caller_agency_ids
    if agency_ids is not None and not agency_ids:
        return None  # an agency answering for nothing sees nothing: the ORM's none() says so without SQL
    paginator = view.paginator
    ordering = request.query_params.get(paginator.ordering_param, paginator.default_ordering)
    if ordering not in paginator.orderings:
        return None  # the ORM path answers the 400
    alias = router.db_for_read(Directive)
    base = (
        alias,
        None if agency_ids is None else len(agency_ids),
        tuple(sorted(values.items())),
        ordering,
        paginator.get_page_size(request),
    )
    paginator.start(_prototype(*base), request)  # the cursor is decoded (or refused) as the ORM path does
    cursor, tie = paginator.cursor, paginator._tie
    position = None if cursor is None else cursor.position
    if cursor is not None and cursor.offset and position is not None:
        return None  # a cursor of DRF's former form, with an OFFSET in its SQL: rare, left to the ORM
    shape = Shape(*base, cursor is not None and cursor.reverse, position is not None, tie is not None)
    compiled = _compiled(shape)
    if compiled is None:
        return None
    connection = connections[alias]
    inputs = _inputs(shape, today, agency_ids, position, tie)
    bound = {name: _database_value(shape, name, value, connection) for name, value in inputs.items()}
    params = list(compiled.params)
    for index, name, integer_type in compiled.bindings:
        params[index] = bound[name] if integer_type is None else integer_type(bound[name])
    if shape.agencies == 1 and _ordering_column(shape) == "due_sort":
        # One agency in due-date order: the page's ids first, SQL meant for one plan for every agency
        # (``DirectivePagination._window``), which PostgreSQL left to itself does not always keep.
        fetched = fetch_with_generic_plan(connection, compiled.sql, params)
    else:
        with prepared_cursor(connection) as db_cursor:
            db_cursor.execute(compiled.sql, params)
            fetched = db_cursor.fetchall()
    names = compiled.names
    rows = []
    for row in fetched:
        if compiled.converters:
            row = list(row)
            for index, converters, expression in compiled.converters:
                value = row[index]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[index] = value
        rows.append(dict(zip(names, row, strict=True)))
    return paginator.finish(rows)


def _inputs(shape, today, agency_ids, position, tie):
    """The request's values by name (the placeholders' names)."""
    inputs = {"today": today}
    if shape.agencies is not None:
        inputs.update((f"agency{n}", agency_id) for n, agency_id in enumerate(agency_ids))
    if shape.position:
        inputs["position"] = position
    if shape.tie:
        inputs["tie"] = tie
    return inputs


def _placeholders(shape, which):
    """The placeholder inputs of set ``which`` (0 or 1): (today, agency ids or None, position, tie)."""
    agency_ids = None if shape.agencies is None else [_AGENCY[which] + n for n in range(shape.agencies)]
    first = _ordering_column(shape)
    position = _POSITION[first][which] if shape.position else None
    tie = _TIE[which] if shape.tie else None
    return _TODAY[which], agency_ids, position, tie


def _ordering_column(shape):
    return DirectivePagination.orderings[shape.ordering][0].lstrip("-")


def _database_value(shape, name, value, connection):
    """``value`` as the ORM sends it for that input: the field of the column it is compared with
    turns it into a parameter (a cursor's text into a date, a moment or an id)."""
    if name == "position":
        field = column_field(_prototype(*shape[:5]), _ordering_column(shape))
    elif name == "today":
        field = DateField()
    else:
        return value  # an id: sent as an integer (see ``_same`` for the integer's type)
    return field.get_db_prep_value(value, connection, prepared=False)


@functools.lru_cache(maxsize=64)
def _prototype(alias, agencies, filters, ordering, page_size):
    """The list's rows, filtered, for placeholder values: what the paginator reads columns from."""
    today, agency_ids, _position, _tie = _placeholders(
        Shape(alias, agencies, filters, ordering, page_size, False, False, False), 0
    )
    return _rows(agency_ids, dict(filters), today)


def _rows(agency_ids, filters, today):
    scope = apply_simple_filters(listing.caller_directives(agency_ids, today), filters, agency_ids, today)
    return listing.list_values(scope, with_role=agency_ids is not None).using(router.db_for_read(Directive))


def _build(shape, which):
    """The page's queryset for the placeholder values of set ``which``, built by the list's own code."""
    today, agency_ids, position, tie = _placeholders(shape, which)
    paginator = DirectivePagination()
    paginator.page_size = shape.page_size
    paginator.ordering = paginator.orderings[shape.ordering]
    paginator._queryset = queryset = _rows(agency_ids, dict(shape.filters), today)
    cursor = Cursor(offset=0, reverse=shape.reverse, position=position) if shape.position or shape.reverse else None

    def rows_of(ids):
        among = Directive.objects.filter(pk__in=ids)
        return listing.list_values(
            listing.caller_directives(agency_ids, today, among=among), with_role=agency_ids is not None
        ).using(router.db_for_read(Directive))

    page = paginator.page_queryset(queryset, cursor, tie, agency_ids, rows_of)
    return page, (today, agency_ids, position, tie)


def _same(a, b):
    """The same parameter: equal and of one type, but for integers, which the ORM sends as plain
    ``int`` or as the driver's typed integers (psycopg's ``Int4``, ``Int8``) depending on the field;
    the binding keeps the type the ORM chose at that place."""
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b
    return type(a) is type(b) and a == b


@functools.lru_cache(maxsize=512)
def _compiled(shape):
    """The shape's SQL with its placeholders located, or None when they cannot be located safely."""
    connection = connections[shape.alias]
    compiled, expected = [], []
    for which in (0, 1):
        queryset, (today, agency_ids, position, tie) = _build(shape, which)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        inputs = _inputs(shape, today, agency_ids, position, tie)
        expected.append({name: _database_value(shape, name, value, connection) for name, value in inputs.items()})
        compiled.append((queryset, compiler, sql, tuple(params)))
    (queryset, compiler, sql, params), (_q, _c, other_sql, other_params) = compiled
    if sql != other_sql or len(params) != len(other_params):
        return None
    bindings = []
    for index, (value, other) in enumerate(zip(params, other_params, strict=True)):
        names = [name for name, placeholder in expected[0].items() if _same(value, placeholder)]
        if len(names) > 1:
            return None
        if names:
            if not _same(other, expected[1][names[0]]) or type(value) is not type(other):
                return None
            bindings.append((index, names[0], type(value) if isinstance(value, int) else None))
        elif not _same(value, other):
            return None  # a parameter that depends on an input in a way the binding cannot redo
    query = queryset.query
    # As the ORM's values() names a row's columns (ValuesIterable).
    names = query.selected or [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if len(fields) != len(names):
        return None
    converters = compiler.get_converters(fields)
    converters = tuple((index, tuple(functions), expression) for index, (functions, expression) in converters.items())
    return Compiled(sql, params, tuple(bindings), tuple(names), converters)
