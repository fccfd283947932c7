"""Recording that agencies changed (the one place that sets who succeeds whom); reissuing calendar addresses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Agency, AgencyChange


def check_agency_change(kind, predecessor, successors, primary_successor) -> list[Agency]:
    """The rules of a change, shared by the admin form and the service; returns the successors."""
    successors = list(successors)
    if primary_successor not in successors:
        successors.append(primary_successor)
    if predecessor in successors:
        raise ValidationError({"successors": _("An agency cannot succeed itself.")})
    if kind in (AgencyChange.Kind.MERGE, AgencyChange.Kind.RENAME) and len(successors) != 1:
        raise ValidationError({"successors": _("A merger or a renaming has exactly one successor.")})
    if kind == AgencyChange.Kind.SPLIT and len(successors) < 2:
        raise ValidationError({"successors": _("A split has at least two successors.")})
    return successors


def agency_record_change(
    *, kind, predecessor: Agency, successors, primary_successor: Agency, effective_on, legal_basis="", note="", by=None
) -> AgencyChange:
    """Record a merger, split or renaming, effective from ``effective_on``.

    The predecessor is marked dissolved on that date with ``primary_successor`` as its successor:
    from then on reminders and the API follow the succession, while every directive keeps the
    agency it was first assigned to.
    """
    successors = check_agency_change(kind, predecessor, successors, primary_successor)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=predecessor.pk)
        if AgencyChange.objects.filter(predecessor=locked).exists():
            raise ValidationError({"predecessor": _("A change has already been recorded for this agency.")})
        locked.dissolved_on = effective_on
        locked.successor = primary_successor
        locked.full_clean()  # refuses a succession that would go round in a circle
        locked.save()
        change = AgencyChange.objects.create(
            kind=kind,
            predecessor=locked,
            primary_successor=primary_successor,
            effective_on=effective_on,
            legal_basis=legal_basis,
            note=note,
            recorded_by=by,
        )
        change.successors.set(successors)
    return change
