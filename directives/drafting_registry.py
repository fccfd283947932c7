"""The drafting matcher built from the database: drafting's Django side (``directives.drafting`` is plain Python)."""

from conference.models import Agency

from .drafting import AgencyMatcher


def agency_matcher(*, context=None, on_date=None) -> AgencyMatcher:
    """An ``AgencyMatcher`` over the whole registry, in one query; ``context`` (an Agency or its code) is the issuer."""
    agencies = list(
        Agency.objects.only(
            "pk", "code", "name", "short_name", "kind", "level", "parent_id", "dissolved_on", "successor_id"
        )
    )
    if isinstance(context, str):
        context = next((a for a in agencies if a.code == context), None)
    elif context is not None:
        context = next((a for a in agencies if a.pk == context.pk), context)
    return AgencyMatcher(agencies, context=context, on_date=on_date)


def registry_from_records(records) -> list:
    """Unsaved ``Agency`` objects (with ids) from records shaped like seeds/agencies.yaml.

    Enough for ``AgencyMatcher``: checks and tests can match names without a database.
    """
    agencies, by_code = [], {}
    for pk, record in enumerate(records, start=1):
        agency = Agency(
            pk=pk,
            code=record["code"],
            name=record["name"],
            short_name=record.get("short_name") or "",
            kind=record.get("kind") or Agency.Kind.OTHER,
            level=record.get("level") or "central",
            dissolved_on=record.get("dissolved_on"),
        )
        agencies.append(agency)
        by_code[agency.code] = agency
    for agency, record in zip(agencies, records, strict=True):
        parent = by_code.get(record.get("parent") or "")
        agency.parent_id = parent.pk if parent else None
    return agencies


def issuing_agency(header, matcher: AgencyMatcher):
    """The registry's agency for a document header's issuing body ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"), or None.

    A unit written under its parent ("UBND TỈNH BẮC GIANG" over "SỞ NỘI VỤ") is tried with the
    parent's name after it too ("SỞ NỘI VỤ UBND TỈNH BẮC GIANG" reads as the province's Sở).
    """
    names = [header.issuer]
    if header.issuer_parent:
        names.append(f"{header.issuer} {header.issuer_parent}")
    for name in names:
        if not name:
            continue
        target = matcher.match(name)
        if isinstance(target, Agency):
            return target
    return None
