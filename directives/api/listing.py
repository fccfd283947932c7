"""The directive list's rows, built from plain values: one query for the page and its coordinators.

``DirectiveSerializer`` renders one directive instance (the detail endpoint); a page of 100 spent
most of its time making model instances, prefetching and serializing them (bench/api.py). The
list reads the same columns with ``values()`` and writes the same JSON: the same fields, in the
same order, with the same formats (``tests/test_api_list_rows.py`` holds the two equal).
"""

import json

from django.db.models import F, Func, TextField
from django.utils import timezone
from rest_framework import serializers

from conference.models import Agency
from directives.models import Coordination, Status
from directives.selectors import latest_report_row, parse_report_row

_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()

_AGENCY = ("id", "code", "name", "short_name")
# What a row reads: the directive's columns, its notice (with the issuer), session and lead agency
# through LEFT JOINs, the annotations of the caller's scope and status, and two subqueries: the
# latest report and the coordinating agencies, each as JSON.
LIST_FIELDS = (
    "id",
    "item_number",
    "text",
    "notice_id",
    "notice__kind",
    "notice__number",
    "notice__issued_on",
    *(f"notice__issuer__{name}" for name in _AGENCY),
    "session_id",
    "session__code",
    "session__title",
    "session__held_on",
    *(f"lead_agency__{name}" for name in _AGENCY),
    "lead_group",
    "coordinating_groups",
    "given_on",
    "deadline_phrase",
    "starts_on",
    "due_date",
    "due_rule",
    "category",
    "status",
    "completed_on",
    "completion_document",
    "updated_at",
    "due_sort",
    "latest_report",
    "coordinators_json",
)


class CoordinatorsJson(Func):
    """A directive's coordinating agencies as a JSON array of the API's agency objects (by name, then
    id, as the detail lists them), from a correlated subquery: the page needs no second query."""

    arity = 1
    output_field = TextField()
    _from = "FROM {link} c JOIN {agency} a ON a.id = c.agency_id WHERE c.directive_id = %(expressions)s"
    _object = "'id', a.id, 'code', a.code, 'name', a.name, 'short_name', a.short_name"

    def _tables(self, connection):
        quote = connection.ops.quote_name
        return {"link": quote(Coordination._meta.db_table), "agency": quote(Agency._meta.db_table)}

    def as_sql(self, compiler, connection, **extra):
        # SQLite (3.40) has no ORDER BY inside an aggregate: the rows are ordered first.
        inner = self._from.format(**self._tables(connection))
        template = (
            f"(SELECT json_group_array(json_object({self._object})) FROM "
            f"(SELECT a.id, a.code, a.name, a.short_name {inner} ORDER BY a.name, a.id) a)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        inner = self._from.format(**self._tables(connection))
        template = f"(SELECT json_agg(json_build_object({self._object}) ORDER BY a.name, a.id)::text {inner})"
        return super().as_sql(compiler, connection, template=template, **extra)


def list_values(queryset, *, with_role):
    """``queryset`` (the caller's directives, filtered) as the dicts ``render_rows`` takes."""
    fields = (*LIST_FIELDS, "your_role") if with_role else LIST_FIELDS
    annotations = {"latest_report": latest_report_row(), "coordinators_json": CoordinatorsJson(F("pk"))}
    return queryset.annotate(**annotations).values(*fields)


def _agency(row, prefix):
    agency_id = row[f"{prefix}id"]
    if agency_id is None:
        return None
    return {name: row[f"{prefix}{name}"] for name in _AGENCY}


def render_rows(rows, today=None) -> list[dict]:
    """The API's JSON of each row, as ``DirectiveSerializer`` writes a directive."""
    today = today or timezone.localdate()
    labels = {status.value: str(status.label) for status in Status}
    date = _DATE.to_representation
    counting = (Status.IN_PROGRESS, Status.OVERDUE)
    rendered = []
    for row in rows:
        status, due_date = row["status"], row["due_date"]
        notice = None
        if row["notice_id"] is not None:
            notice = {
                "id": row["notice_id"],
                "kind": row["notice__kind"],
                "number": row["notice__number"],
                "issued_on": date(row["notice__issued_on"]),
                "issuer": _agency(row, "notice__issuer__"),
            }
        session = None
        if row["session_id"] is not None:
            session = {
                "id": row["session_id"],
                "code": row["session__code"],
                "title": row["session__title"],
                "held_on": date(row["session__held_on"]),
            }
        latest = parse_report_row(row["latest_report"])
        if latest is not None:
            at, percent, note, claim = latest
            latest = {"reported_at": at, "percent_complete": percent, "note": note, "claims_completion": claim}
        rendered.append(
            {
                "id": row["id"],
                "item_number": row["item_number"],
                "text": row["text"],
                "notice": notice,
                "session": session,
                "lead_agency": _agency(row, "lead_agency__"),
                "lead_group": row["lead_group"],
                "coordinating_agencies": json.loads(row["coordinators_json"] or "[]"),
                "coordinating_groups": row["coordinating_groups"],
                "given_on": date(row["given_on"]),
                "deadline_phrase": row["deadline_phrase"],
                "starts_on": date(row["starts_on"]),
                "due_date": date(due_date),
                "due_rule": row["due_rule"],
                "category": row["category"],
                "status": status,
                "status_display": labels[status],
                "days_left": (due_date - today).days if status in counting and due_date is not None else None,
                "your_role": row.get("your_role"),
                "completed_on": date(row["completed_on"]),
                "completion_document": row["completion_document"],
                "latest_progress": latest,
                "updated_at": _DATETIME.to_representation(row["updated_at"]),
            }
        )
    return rendered
