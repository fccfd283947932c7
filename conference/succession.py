"""Who answers for whom on a given day, from the agencies' recorded successions, in one query."""

from django.utils import timezone

from .models import Agency


class Succession:
    """The successions in force on ``on``: maps each agency to the one answering for it."""

    def __init__(self, on=None):
        self.on = on or timezone.localdate()
        rows = Agency.objects.filter(successor__isnull=False, dissolved_on__lte=self.on).values_list(
            "pk", "successor_id"
        )
        self._next = dict(rows)

    def current_id(self, agency_id):
        seen = {agency_id}
        while agency_id in self._next and self._next[agency_id] not in seen:
            agency_id = self._next[agency_id]
            seen.add(agency_id)
        return agency_id

    def answering_for(self, agency_id):
        """``agency_id`` and every agency whose duties have passed to it, however many steps back."""
        found, frontier = {agency_id}, [agency_id]
        while frontier:
            frontier = [pred for pred, succ in self._next.items() if succ in frontier and pred not in found]
            found.update(frontier)
        return found
