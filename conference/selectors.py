"""Questions about the registry, each answered in one place: finding an agency by what a clerk types,
and which office keeps a record and which records a clerk sees (the office scope)."""

import contextlib
from dataclasses import dataclass

from django.db.models import Q

from .models import Agency, AgencyChange, AgencyContact, Clerk, Office
from .succession import Succession
from .text import fold


class AgencyNotFound(LookupError):
    """No agency, or more than one, answers to the reference; ``candidates`` lists the ones that did."""

    def __init__(self, reference, candidates=()):
        self.reference = reference
        self.candidates = list(candidates)
        super().__init__(reference)


def agency_find(reference: str) -> Agency:
    """The one agency whose id, code, short name or full name is ``reference`` (accents and case ignored).

    Raises ``AgencyNotFound`` with the candidates when none or several match, so each edge can say
    so in its own words (a command's error, a row of an import).
    """
    reference = (reference or "").strip()
    if not reference:
        raise AgencyNotFound(reference)
    if reference.isascii() and reference.isdigit():
        agency = Agency.objects.filter(pk=int(reference)).first()
        if agency is not None:
            return agency
    matches = list(
        Agency.objects.filter(Q(code=reference) | Q(short_name__iexact=reference) | Q(name__iexact=reference))[:5]
    )
    if not matches:
        folded = fold(reference)
        matches = [
            agency
            for agency in Agency.objects.filter(search_index__contains=folded)[:50]
            if folded in (fold(agency.short_name), fold(agency.name), agency.code)
        ]
    if len(matches) != 1:
        raise AgencyNotFound(reference, matches)
    return matches[0]


def agencies_by_name() -> dict[str, set[int]]:
    """{folded name or short name: agency ids}, for reading many names at once (one query)."""
    index: dict[str, set[int]] = {}
    for pk, name, short_name in Agency.objects.values_list("pk", "name", "short_name"):
        for key in {fold(name), fold(short_name)} - {""}:
            index.setdefault(key, set()).add(pk)
    return index


# -- offices: which office keeps a record, which records a clerk sees ---------------------------


def office_find(reference: str) -> Office:
    """The office named by ``reference``: its code, name or short name, or the name or short name of
    the body it serves ("UBND tỉnh Bắc Ninh", "Chính phủ"); accents and case ignored.
    Raises ``AgencyNotFound`` (with the candidates) when none or several answer."""
    reference = (reference or "").strip()
    folded = fold(reference)
    if not folded:
        raise AgencyNotFound(reference)
    offices = list(Office.objects.select_related("agency"))
    matches = [
        office for office in offices if folded in {office.code, fold(office.name), fold(office.short_name)} - {""}
    ]
    if not matches:
        try:
            agency = agency_find(reference)
        except AgencyNotFound as exc:
            raise AgencyNotFound(reference, exc.candidates) from exc
        found = office_for_agency(agency)
        matches = [found] if found is not None else []
    if len(matches) != 1:
        raise AgencyNotFound(reference, matches)
    return matches[0]


def office_for_agency(agency) -> Office | None:
    """The office that keeps the records ``agency`` convenes or issues: the office serving it or
    naming it among its issuers, else its parent's (a department's is its province's), else None.
    """
    seen = set()
    while agency is not None and agency.pk not in seen:
        seen.add(agency.pk)
        office = Office.objects.filter(Q(agency=agency) | Q(issuers=agency)).order_by("pk").first()
        if office is not None:
            return office
        agency = agency.parent
    return None


def offices_kept_by(office: Office, on=None) -> set[int]:
    """``office`` and the offices whose duties passed to it (the 2025 merges: Bắc Giang's office's
    records are followed by Bắc Ninh's from 01/07/2025), from the successions of the bodies they serve."""
    answering = Succession(on).answering_for(office.agency_id)
    return set(Office.objects.filter(agency_id__in=answering).values_list("pk", flat=True)) | {office.pk}


def offices_answering(offices, on=None) -> dict:
    """{office id: the office answering on ``on`` (today) for the body it serves}: itself, or after a
    merger the office of the successor (Bắc Giang's office -> Bắc Ninh's from 01/07/2025), the one
    whose records what is created that day become. A successor without an office leaves the office
    answering for itself. One query for the successions, one more when any has passed."""
    offices = list(offices)
    succession = Succession(on)
    now = {office.pk: succession.current_id(office.agency_id) for office in offices}
    moved = {now[office.pk] for office in offices if now[office.pk] != office.agency_id}
    by_agency = {office.agency_id: office for office in Office.objects.filter(agency_id__in=moved)} if moved else {}
    return {office.pk: by_agency.get(now[office.pk], office) for office in offices}


def office_answering(office, on=None):
    """The office that answers for ``office``'s body on ``on`` (today): ``offices_answering`` of one."""
    return offices_answering([office], on)[office.pk]


@dataclass(frozen=True)
class OfficeScope:
    """The records a signed-in user sees and edits.

    ``office_ids`` None: every record (a superuser). A set: the records those offices keep (a clerk
    of ``office``, with the offices it took over). Empty: the records no office keeps, for a clerk
    without an office (a deployment that serves one office and never named it) — never an office's.
    """

    office_ids: frozenset | None
    office: Office | None = None

    @property
    def everything(self) -> bool:
        return self.office_ids is None

    def condition(self, path: str = "office") -> Q:
        """The rows whose ``path`` (an office foreign key, e.g. ``directive__office``) is in scope."""
        if self.office_ids is None:
            return Q()
        if not self.office_ids:
            return Q(**{f"{path}__isnull": True})
        return Q(**{f"{path}__in": sorted(self.office_ids)})

    def keeps(self, office_id) -> bool:
        if self.office_ids is None:
            return True
        return office_id in self.office_ids if self.office_ids else office_id is None


def office_scope(user) -> OfficeScope:
    """What ``user`` sees: the one rule every edge applies (admin lists and pages, their actions,
    exports, the dashboard, drafting, import, autocomplete, history, outbox). Kept on the user
    object, so a page asks the database once however many querysets it scopes.
    """
    cached = getattr(user, "_office_scope", None)
    if cached is not None:
        return cached
    if getattr(user, "is_superuser", False):
        scope = OfficeScope(None)
    else:
        clerk = Clerk.objects.select_related("office__agency").filter(user_id=getattr(user, "pk", None)).first()
        if clerk is None:
            scope = OfficeScope(frozenset())
        else:
            scope = OfficeScope(frozenset(offices_kept_by(clerk.office)), office=clerk.office)
    with contextlib.suppress(AttributeError):  # an object that takes no attributes: asked again next time
        user._office_scope = scope
    return scope


def records_of_office(queryset, user, path: str = "office"):
    """``queryset`` narrowed to the records ``user``'s office keeps (``path``: the office field)."""
    return queryset.filter(office_scope(user).condition(path))


# -- the registry: who may change an agency, its contacts, its credentials, a person ----------


def registry_keeper_id(record):
    """The office keeping ``record``: an agency's or person's keeper, a contact's agency's, a recorded
    change's predecessor's (the agency it dissolved). How a keeper is decided: ``conference.keeping``."""
    if isinstance(record, AgencyContact):
        return record.agency.keeper_id
    if isinstance(record, AgencyChange):
        return record.predecessor.keeper_id
    return record.keeper_id


def may_change_registry(user, record) -> bool:
    """Whether ``user`` may change (or delete) ``record`` of the registry: the one rule every edge asks.

    A superuser, every record; a clerk, the records kept by their office or by an office it took over
    (Bắc Giang's, for Bắc Ninh's clerks from 01/07/2025); a clerk of no office, the records no office
    keeps. Everyone sees every agency: this decides only who changes it.
    """
    return office_scope(user).keeps(registry_keeper_id(record))


def registry_changeable(queryset, user, path: str = "keeper"):
    """``queryset`` narrowed to the rows ``may_change_registry`` allows (``path``: their keeper field,
    e.g. ``agency__keeper`` for contacts and API keys), as one indexed condition."""
    return queryset.filter(office_scope(user).condition(path))
