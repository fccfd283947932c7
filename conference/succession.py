"""Who answers for whom on a given day, from the agencies' recorded successions: one rule, one walk.

``Agency.current`` (one agency, along its foreign keys) and ``Succession`` (every agency, from one
query) both follow ``succession_in_force`` with ``follow_successions``.
"""

import datetime
import json
from dataclasses import dataclass

from django.db.models import Expression, F, Q, Subquery, TextField
from django.utils import timezone


def succession_in_force(agency, on) -> bool:
    """Whether ``agency``'s duties have passed to its successor on ``on``: from its dissolution date, not before."""
    return agency.successor_id is not None and agency.dissolved_on is not None and agency.dissolved_on <= on


def successions_in_force(on) -> Q:
    """``succession_in_force`` as a query condition."""
    return Q(successor__isnull=False, dissolved_on__lte=on)


def follow_successions(agency, on, successor_of):
    """The agency answering for ``agency`` on ``on``: itself, or its successor's successor... (a loop ends the walk)."""
    seen = {agency.pk}
    while succession_in_force(agency, on) and agency.successor_id not in seen:
        agency = successor_of(agency)
        seen.add(agency.pk)
    return agency


@dataclass(frozen=True)
class _Link:
    pk: int
    successor_id: int | None = None
    dissolved_on: object = None


class Succession:
    """The successions in force on ``on``, loaded in one query: maps each agency to the one answering for it."""

    def __init__(self, on=None, *, rows=None):
        """``rows``: ``(pk, successor_id, dissolved_on)`` of the successions in force on ``on``, read
        already by another query (``SuccessionRows``); by default this object reads them."""
        self.on = on or timezone.localdate()
        if rows is None:
            rows = _in_force(self.on).values_list("pk", "successor_id", "dissolved_on")
        self._links = {pk: _Link(pk, successor_id, dissolved_on) for pk, successor_id, dissolved_on in rows}
        self._next = {pk: link.successor_id for pk, link in self._links.items()}

    @classmethod
    def from_json(cls, on, text):
        """The successions on ``on`` from ``SuccessionRows``' text (read on that day)."""
        rows = json.loads(text or "[]")
        return cls(on, rows=[(pk, successor_id, datetime.date.fromisoformat(day)) for pk, successor_id, day in rows])

    def _link(self, agency_id):
        return self._links.get(agency_id) or _Link(agency_id)

    def current_id(self, agency_id):
        return follow_successions(self._link(agency_id), self.on, lambda link: self._link(link.successor_id)).pk

    def answering_for(self, agency_id):
        """``agency_id`` and every agency whose duties have passed to it, however many steps back."""
        found, frontier = {agency_id}, [agency_id]
        while frontier:
            frontier = [pred for pred, succ in self._next.items() if succ in frontier and pred not in found]
            found.update(frontier)
        return found


def _in_force(on):
    from .models import Agency  # the models use this module's rule (Agency.current)

    return Agency.objects.filter(successions_in_force(on))


class SuccessionRows(Expression):
    """The rows ``Succession(on)`` reads, as a JSON text column of another query (an API key's
    look-up): one query for both instead of two. ``Succession.from_json`` reads the text."""

    output_field = TextField()

    def __init__(self, on):
        super().__init__()
        # Columns named here, so that the outer SELECT can name them: r.link_pk, r.link_successor, r.link_day.
        rows = (
            _in_force(on)
            .order_by()
            .values(link_pk=F("pk"), link_successor=F("successor_id"), link_day=F("dissolved_on"))
        )
        self.rows = Subquery(rows)

    def get_source_expressions(self):
        return [self.rows]

    def set_source_expressions(self, exprs):
        (self.rows,) = exprs

    def as_sql(self, compiler, connection):  # SQLite: the dates are ISO text already
        sql, params = compiler.compile(self.rows)
        return f"(SELECT json_group_array(json_array(r.link_pk, r.link_successor, r.link_day)) FROM {sql} r)", params

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.rows)
        rows = "json_agg(json_build_array(r.link_pk, r.link_successor, r.link_day))"
        return f"(SELECT COALESCE({rows}, '[]')::text FROM {sql} r)", params
