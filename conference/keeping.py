"""Which office keeps a record of the registry (an agency, a person): the office whose clerks may change it.

Every clerk sees the whole registry (a province's directive may name a ministry; the drafter matches
names against all of it); only the keeper's clerks change a record, its contacts and its credentials
(the question is asked by ``conference.selectors.may_change_registry``). The keeper is stored
(``Agency.keeper``, ``Person.keeper``) so that a clerk's own new agency stays theirs; when none was
chosen it is derived here, by one rule:

1. an office's own body (``Office.agency``) and its other issuing bodies are kept by that office;
2. else an agency is kept by its parent's keeper (a Sở, a district, a commune by its province's office);
3. else by its successor's (Bắc Giang's bodies, when Bắc Giang had no office of its own, by Bắc Ninh's);
4. else a central agency (a ministry, a Government body) by the Government Office;
5. else by no office (only a superuser, or a clerk of no office, changes it).

A record a clerk creates (an agency or person in the admin, a signer or chair named while drafting a
notice) is kept by the clerk's office from the start (``keeper_for_new_record``); a person nobody
claimed is kept by the office of the first session or notice they are recorded at (``claim_person``).

The merges of 01/07/2025 need nothing more: Bắc Ninh's clerks change what Bắc Giang's office kept
because their scope holds the offices they took over (``conference.selectors.offices_kept_by``).

The functions take the model classes, so the data migration that first filled the keepers runs the
very same code on its historical models.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

AGENCY_ROW = ("pk", "parent_id", "successor_id", "level", "keeper_id")
UPDATE_CHUNK = 500  # ids per UPDATE: well under SQLite's limit on a statement's parameters


@dataclass(frozen=True)
class AgencyRow:
    pk: int | None
    parent_id: int | None
    successor_id: int | None
    level: str
    keeper_id: int | None


def bodies_of_offices(office_model) -> dict[int, int]:
    """{agency id: office id} for every office's own body and its other issuers (the own body first)."""
    found = dict(office_model.objects.values_list("agency_id", "pk"))
    for office_id, agency_id in office_model.issuers.through.objects.order_by("pk").values_list(
        "office_id", "agency_id"
    ):
        found.setdefault(agency_id, office_id)
    return found


def government_office(office_model) -> int | None:
    """The office serving the Government (Chính phủ): it keeps the central agencies no other office keeps."""
    return office_model.objects.filter(agency__kind="government").order_by("pk").values_list("pk", flat=True).first()


def derive_keeper(row: AgencyRow, *, row_of, office_of, government, memo=None) -> int | None:
    """The keeper of ``row`` by the module's rule; ``row_of(pk)`` reads another agency's row,
    ``office_of(pk)`` the office whose body it is (or None), ``government`` the Government Office's id."""
    memo = {} if memo is None else memo
    seen = set()

    def keeper(current):
        if current is None or (current.pk is not None and current.pk in seen):
            return None  # a chain that goes round (refused by Agency.check_chains) ends the walk
        if current.pk in memo:
            return memo[current.pk]
        seen.add(current.pk)
        found = current.keeper_id or (office_of(current.pk) if current.pk is not None else None)
        if found is None and current.parent_id:
            found = keeper(row_of(current.parent_id))
        if found is None and current.successor_id:
            found = keeper(row_of(current.successor_id))
        if found is None and current.level == "central":
            found = government
        if current.pk is not None:
            memo[current.pk] = found
        return found

    return keeper(row)


def keeper_for_new_agency(agency) -> int | None:
    """The keeper of an agency recorded without one (the reference data, a loader, a superuser's form)."""
    model = type(agency)
    parent_cached = agency.parent_id and model.parent.is_cached(agency)
    if parent_cached and agency.parent.keeper_id:
        return agency.parent.keeper_id  # rule 2 without a query: the loaders pass the parent they made

    from .models import Office

    def row_of(pk):
        values = model.objects.filter(pk=pk).values_list(*AGENCY_ROW).first()
        return AgencyRow(*values) if values else None

    bodies = cache(lambda: bodies_of_offices(Office))
    return derive_keeper(
        AgencyRow(None, agency.parent_id, agency.successor_id, agency.level, None),
        row_of=row_of,
        office_of=lambda pk: bodies().get(pk),
        government=government_office(Office),
    )


def fill_keepers(agency_model, office_model) -> int:
    """Give every agency without a keeper the one the rule derives, and every office its own body.

    Run when an office is recorded or its bodies change (``Office.save``, its issuers) and by the
    migration that added the keepers; a keeper already set (a clerk's new agency, a superuser's
    choice) is kept. Three queries and one UPDATE per office; returns how many agencies changed.
    """
    rows = {values[0]: AgencyRow(*values) for values in agency_model.objects.values_list(*AGENCY_ROW)}
    bodies = bodies_of_offices(office_model)
    government = government_office(office_model)
    memo: dict = {}
    changes = defaultdict(list)
    for row in rows.values():
        if row.keeper_id is None:
            keeper = derive_keeper(row, row_of=rows.get, office_of=bodies.get, government=government, memo=memo)
            if keeper is not None:
                changes[keeper].append(row.pk)
    for office_id, agency_id in office_model.objects.values_list("pk", "agency_id"):
        row = rows.get(agency_id)
        if row is not None and row.keeper_id not in (None, office_id):
            changes[office_id].append(agency_id)  # rule 1 outranks a keeper derived before the office existed
    for keeper, ids in changes.items():
        for start in range(0, len(ids), UPDATE_CHUNK):
            agency_model.objects.filter(pk__in=ids[start : start + UPDATE_CHUNK]).update(keeper_id=keeper)
    return sum(len(ids) for ids in changes.values())


def fill_person_keepers(person_model, participation_model) -> int:
    """Give every person without a keeper the office of the first session they were recorded at
    (the earliest held, then the first recorded): the office that brought them into the registry."""
    first = {}
    rows = (
        participation_model.objects.filter(person__keeper__isnull=True, session__office__isnull=False)
        .order_by("session__held_on", "session_id", "pk")
        .values_list("person_id", "session__office_id")
    )
    for person_id, office_id in rows:
        first.setdefault(person_id, office_id)
    by_office = defaultdict(list)
    for person_id, office_id in first.items():
        by_office[office_id].append(person_id)
    for office_id, ids in by_office.items():
        for start in range(0, len(ids), UPDATE_CHUNK):
            person_model.objects.filter(pk__in=ids[start : start + UPDATE_CHUNK]).update(keeper_id=office_id)
    return len(first)


def keeper_for_new_record(user, record_office=None):
    """The office that keeps an agency or person ``user`` records: a clerk's own office; for a
    superuser (or a clerk of no office) ``record_office``, the office of the session or notice the
    record is created for (None: derived later by the rule, or no office's)."""
    from .selectors import office_scope

    return office_scope(user).office or record_office


def claim_person(person, office) -> None:
    """Give ``person`` the keeper ``office`` (an Office or its id) if they have none yet: the office of
    the first session, notice or drafting clerk that records them. A keeper already set is kept (a
    conditional UPDATE, so two saves at once never overwrite each other's claim)."""
    office_id = getattr(office, "pk", office)
    if person is None or person.pk is None or person.keeper_id is not None or office_id is None:
        return
    type(person).objects.filter(pk=person.pk, keeper__isnull=True).update(keeper_id=office_id)
    person.keeper_id = office_id
