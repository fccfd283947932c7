"""The drafting matcher built from the database: drafting's Django side (``directives.drafting`` is plain Python)."""

import datetime
from pathlib import Path

from django.conf import settings

from conference import reference
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
        successor = by_code.get(record.get("successor") or "")
        agency.successor_id = successor.pk if successor else None
    return agencies


def fresh_install_records(seed_dir=None, communes: bool = False) -> list[dict]:
    """The agencies a fresh install has (``make seed``: ``load_reference_agencies``, then ``load_seeds``),
    as records shaped like seeds/agencies.yaml with ``dissolved_on`` and ``successor``; nothing read
    from or written to the database.

    Built from the very lists those commands record (``reference.reference_records`` and the seed
    files as ``SeedLoader`` reads them), by the commands' own rules: a reference agency is added
    unless its code or name is there; a reference change is recorded on an agency not yet dissolved;
    a seed agency is created or updated by its code (name, kinds, parent; a dissolution only if the
    seed gives one); a seed change is skipped for an agency whose change was recorded already.
    ``tests/test_drafting_reference_registry.py`` holds it equal to what the two commands record.
    """
    from .seeding import SeedLoader

    records: dict[str, dict] = {}
    by_name: dict[str, str] = {}
    changed: set[str] = set()

    def dissolve(code, successor, effective_on):
        records[code]["dissolved_on"] = effective_on
        records[code]["successor"] = successor
        changed.add(code)

    agencies, changes = reference.reference_records(communes=communes)
    found: dict[str, str] = {}  # a reference code -> the code of the record it found (by code or name)
    for record in agencies:
        existing = record.code if record.code in records else by_name.get(record.name)
        if existing is None:
            records[record.code] = {
                "code": record.code,
                "name": record.name,
                "short_name": record.short_name,
                "kind": record.kind,
                "level": record.level,
                "parent": found.get(record.parent) if record.parent else None,
                "dissolved_on": None,
                "successor": None,
            }
            by_name[record.name] = existing = record.code
        found[record.code] = existing
    for change in changes:
        code = found[change.predecessor]
        if code not in changed and records[code]["dissolved_on"] is None:
            dissolve(code, found[change.primary_successor], change.effective_on)

    seed_agencies, seed_changes = SeedLoader(Path(seed_dir or Path(settings.BASE_DIR) / "seeds")).agency_records()
    for record in seed_agencies:
        code = record["code"]
        current = records.setdefault(code, {"code": code, "dissolved_on": None, "successor": None})
        if by_name.get(record["name"], code) != code:
            raise ValueError(f"seed agency {code}: the name {record['name']!r} is another agency's")
        if by_name.get(current.get("name")) == code:
            del by_name[current["name"]]
        by_name[record["name"]] = code
        current.update(
            name=record["name"],
            short_name=record.get("short_name") or "",
            kind=record["kind"],
            level=record["level"],
        )
    for record in seed_agencies:
        current = records[record["code"]]
        current["parent"] = record.get("parent") or None
        if record.get("dissolved_on"):
            current["dissolved_on"] = _as_date(record["dissolved_on"])
            current["successor"] = record.get("successor") or None
    for record in seed_changes:
        code = record["predecessor"]
        if code not in changed:
            dissolve(code, record["primary_successor"], _as_date(record["effective_on"]))
    return list(records.values())


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


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
