"""The directive list's rows, built from plain values: one query for the page and its coordinators.

``DirectiveSerializer`` renders one directive instance (the detail endpoint); a page of 100 spent
most of its time making model instances, prefetching and serializing them (bench/api.py). The
list reads the same columns with ``values()`` and writes the same JSON: the same fields, in the
same order, with the same formats (``tests/test_api_list_rows.py`` holds the two equal).
"""

import functools

import orjson
from django.db.models import F, Func, TextField
from django.utils import timezone, translation

from conference.models import Agency
from directives.models import Coordination, Milestone, Status
from directives.selectors import directives_visible_to, latest_report_row, parse_report_row


def _moment(value, zone):
    """``serializers.DateTimeField``'s text of an aware moment, in ``zone`` (the current time zone,
    looked up once a page rather than twice a row)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value):
    """``serializers.DateField``'s ISO 8601 text of a date, without its per-call checks (a page
    writes seven dates a row)."""
    return value.isoformat() if value is not None and not isinstance(value, str) else value


_AGENCY = ("id", "code", "name", "short_name")
# What a row reads: the directive's columns, its notice (with the issuer), session and lead agency
# through LEFT JOINs, the annotations of the caller's scope and status, and three subqueries: the
# latest report, the coordinating agencies and the milestones, each as JSON.
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
    "milestones_json",
)


class JsonRows(Func):
    """Rows related to a directive as a JSON array of objects, in the detail's order, from a
    correlated subquery: the page needs no second query. A subclass names the columns (the JSON's
    keys, in order) of the rows aliased ``r``, their FROM ... WHERE (``{name}`` stands for the
    table of ``tables[name]``, a model) and their order."""

    arity = 1
    output_field = TextField()
    columns: tuple[str, ...] = ()
    tables: dict = {}
    source = ""
    order = ""

    def _source(self, connection):
        quote = connection.ops.quote_name
        return self.source.format(**{name: quote(model._meta.db_table) for name, model in self.tables.items()})

    def _object(self):
        return ", ".join(f"'{column}', r.{column}" for column in self.columns)

    def as_sql(self, compiler, connection, **extra):
        # SQLite (3.40) has no ORDER BY inside an aggregate: the rows are ordered first.
        selected = ", ".join(f"r.{column}" for column in self.columns)
        template = (
            f"(SELECT json_group_array(json_object({self._object()})) FROM "
            f"(SELECT {selected} {self._source(connection)} ORDER BY {self.order}) r)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        aggregate = f"json_agg(json_build_object({self._object()}) ORDER BY {self.order})::text"
        template = f"(SELECT {aggregate} {self._source(connection)})"
        return super().as_sql(compiler, connection, template=template, **extra)


class CoordinatorsJson(JsonRows):
    """A directive's coordinating agencies as the API's agency objects (by name, then id)."""

    columns = ("id", "code", "name", "short_name")
    tables = {"link": Coordination, "agency": Agency}
    source = "FROM {link} c JOIN {agency} r ON r.id = c.agency_id WHERE c.directive_id = %(expressions)s"
    order = "r.name, r.id"


class MilestonesJson(JsonRows):
    """A directive's milestones, in their order (``MilestoneSerializer``'s fields)."""

    columns = ("position", "text", "deadline_phrase", "due_date", "done_on")
    tables = {"milestone": Milestone}
    source = "FROM {milestone} r WHERE r.directive_id = %(expressions)s"
    order = "r.position"


def caller_directives(agency_ids, today, among=None):
    """What the list starts from: the caller's directives (``directives_visible_to``; every one for a
    clerk, None; of ``among`` if given) with their status on ``today``."""
    return directives_visible_to(agency_ids, among=among).with_status(today)


def list_values(queryset, *, with_role):
    """``queryset`` (the caller's directives, filtered) as the dicts ``render_rows`` takes."""
    fields = (*LIST_FIELDS, "your_role") if with_role else LIST_FIELDS
    annotations = {
        "latest_report": latest_report_row(),
        "coordinators_json": CoordinatorsJson(F("pk")),
        "milestones_json": MilestonesJson(F("pk")),
    }
    return queryset.annotate(**annotations).values(*fields)


def _agency(row, prefix):
    agency_id = row[f"{prefix}id"]
    if agency_id is None:
        return None
    return {name: row[f"{prefix}{name}"] for name in _AGENCY}


@functools.lru_cache(maxsize=16)
def _status_labels(language):
    """Each status's label in ``language`` (the active one): a page translated them all afresh,
    a tenth of a short page's rendering (bench/README.md, "perf16")."""
    return {status.value: str(status.label) for status in Status}


def render_rows(rows, today=None) -> list[dict]:
    """The API's JSON of each row, as ``DirectiveSerializer`` writes a directive."""
    today = today or timezone.localdate()
    labels = _status_labels(translation.get_language())
    date = _date
    zone = timezone.get_current_timezone()
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
                "coordinating_agencies": orjson.loads(row["coordinators_json"] or "[]"),
                "coordinating_groups": row["coordinating_groups"],
                "given_on": date(row["given_on"]),
                "deadline_phrase": row["deadline_phrase"],
                "starts_on": date(row["starts_on"]),
                "due_date": date(due_date),
                "due_rule": row["due_rule"],
                "milestones": orjson.loads(row["milestones_json"] or "[]"),
                "category": row["category"],
                "status": status,
                "status_display": labels[status],
                "days_left": (due_date - today).days if status in counting and due_date is not None else None,
                "your_role": row.get("your_role"),
                "completed_on": date(row["completed_on"]),
                "completion_document": row["completion_document"],
                "latest_progress": latest,
                "updated_at": _moment(row["updated_at"], zone),
            }
        )
    return rendered
