"""Recording that agencies changed (the one place that sets who succeeds whom); creating an office's clerks."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Agency, AgencyChange, Clerk, Office
from .selectors import may_change_registry

CHUNK = 500  # rows per statement: well under SQLite's limit on a statement's parameters


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
    if by is not None and not may_change_registry(by, predecessor):
        # Dissolving an agency changes it: only its keeper's clerks (the admin offers no other; a
        # forged form ends here).
        raise ValidationError(
            {"predecessor": _("This agency is kept by another office: its clerks record its changes.")}
        )
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


def agency_record_changes(changes, *, by=None) -> list[AgencyChange]:
    """Record many changes at once (the reference registry's 811): each a dict of
    ``agency_record_change``'s arguments but ``by``, checked by the same rules and recorded as the
    same rows, in a few statements rather than a dozen for each change.

    All or none: a change the rules refuse (one already recorded for its agency, in the registry or
    earlier in ``changes``; a succession that would go round in a circle once the others are recorded)
    refuses the whole batch, as one transaction of ``agency_record_change`` calls would.
    """
    changes = [{"legal_basis": "", "note": "", **change} for change in changes]
    for change in changes:
        change["successors"] = check_agency_change(
            change["kind"], change["predecessor"], change["successors"], change["primary_successor"]
        )
        if by is not None and not may_change_registry(by, change["predecessor"]):
            raise ValidationError(
                {"predecessor": _("This agency is kept by another office: its clerks record its changes.")}
            )
    ids = [change["predecessor"].pk for change in changes]
    if not ids:
        return []
    already = _("A change has already been recorded for this agency.")
    if len(set(ids)) < len(ids):
        raise ValidationError({"predecessor": already})
    effective_on = AgencyChange._meta.get_field("effective_on")
    with transaction.atomic():
        locked = {}
        for start in range(0, len(ids), CHUNK):
            locked |= Agency.objects.select_for_update().in_bulk(ids[start : start + CHUNK])
        if any(
            AgencyChange.objects.filter(predecessor_id__in=ids[start : start + CHUNK]).exists()
            for start in range(0, len(ids), CHUNK)
        ):
            raise ValidationError({"predecessor": already})
        # The registry's links read once; the cycle check then walks them with every change applied.
        successor_of, parent_of = {}, {}
        for pk, successor_id, parent_id in Agency.objects.values_list("pk", "successor_id", "parent_id"):
            successor_of[pk], parent_of[pk] = successor_id, parent_id
        now = timezone.now()
        for change in changes:
            agency = locked[change["predecessor"].pk]
            agency.dissolved_on = effective_on.clean(change["effective_on"], None)
            agency.successor = change["primary_successor"]
            agency.updated_at = now  # bulk_update leaves auto_now to its caller
            successor_of[agency.pk] = agency.successor_id
        for agency in locked.values():
            # full_clean() less the foreign keys' and uniques' look-ups: the successors were read from
            # the registry (and its foreign keys refuse any other), the code and name are unchanged.
            agency.clean_fields(exclude=["parent", "successor", "keeper"])
            agency.check_chains(successor_of=successor_of.get, parent_of=parent_of.get)
        Agency.objects.bulk_update(locked.values(), ["dissolved_on", "successor", "updated_at"], batch_size=100)
        recorded = AgencyChange.objects.bulk_create(
            [
                AgencyChange(
                    kind=change["kind"],
                    predecessor=locked[change["predecessor"].pk],
                    primary_successor=change["primary_successor"],
                    effective_on=locked[change["predecessor"].pk].dissolved_on,
                    legal_basis=change["legal_basis"],
                    note=change["note"],
                    recorded_by=by,
                )
                for change in changes
            ],
            batch_size=CHUNK,
        )
        through = AgencyChange.successors.through
        through.objects.bulk_create(
            [
                through(agencychange_id=row.pk, agency_id=agency_id)
                for row, change in zip(recorded, changes, strict=True)
                for agency_id in dict.fromkeys(agency.pk for agency in change["successors"])
            ],
            batch_size=CHUNK,
        )
    return recorded


def clerk_create(*, username: str, office: Office, email: str = "", is_office_admin: bool = False, **names):
    """A staff account for a clerk of ``office``, in the clerks' group (and the office administrators'),
    with a random first password returned once: it is stored only as a hash. Refused if the name is taken.
    """
    from django.contrib.auth import get_user_model

    from .roles import ensure_clerk_group, ensure_office_admin_group

    user_model = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Give the clerk's user name.")})
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("A user with this name already exists.")})
        user = user_model(username=username, email=(email or "").strip(), is_staff=True, **names)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.add(ensure_clerk_group())
        if is_office_admin:
            user.groups.add(ensure_office_admin_group())
        Clerk.objects.create(user=user, office=office, is_office_admin=is_office_admin)
    return user, password


def clerk_set_office_admin(clerk: Clerk, is_office_admin: bool) -> Clerk:
    """Make a clerk an office administrator, or no longer one: the flag and the group move together."""
    from .roles import ensure_office_admin_group

    with transaction.atomic():
        clerk.is_office_admin = is_office_admin
        clerk.save(update_fields=["is_office_admin"])
        group = ensure_office_admin_group()
        (clerk.user.groups.add if is_office_admin else clerk.user.groups.remove)(group)
    return clerk
