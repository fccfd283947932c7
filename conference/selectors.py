"""Questions about the registry, each answered in one place: finding an agency by what a clerk types."""

from django.db.models import Q

from .models import Agency
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
