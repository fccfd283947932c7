"""Who answers for whom on a given day, from the agencies' recorded successions: one rule, one walk.

``Agency.current`` (one agency, along its foreign keys) and ``Succession`` (every agency, from one
query) both follow ``succession_in_force`` with ``follow_successions``.
"""

from dataclasses import dataclass

from django.db.models import Q
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

    def __init__(self, on=None):
        from .models import Agency  # the models use this module's rule (Agency.current)

        self.on = on or timezone.localdate()
        rows = Agency.objects.filter(successions_in_force(self.on)).values_list("pk", "successor_id", "dissolved_on")
        self._links = {pk: _Link(pk, successor_id, dissolved_on) for pk, successor_id, dissolved_on in rows}
        self._next = {pk: link.successor_id for pk, link in self._links.items()}

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
