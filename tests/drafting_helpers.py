"""What the drafting rule tests share: the seed registry, and the parser over it."""

from pathlib import Path

import yaml
from django.conf import settings

from directives.drafting import AgencyMatcher, parse_directives
from directives.drafting_registry import registry_from_records

SEEDS = Path(settings.BASE_DIR) / "seeds"


def seed_records() -> list[dict]:
    """The agencies of seeds/agencies.yaml, as records for ``registry_from_records``."""
    return yaml.safe_load((SEEDS / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]


def parser_over(records, issuer=None):
    """``parse(text, issued)``: the drafts of ``text`` over a registry of ``records``, as of ``issued``; with
    ``issuer`` (an agency's code), as a document of that agency reads ("UBND tỉnh", "các sở" are its own)."""
    registry = registry_from_records(records)
    context = next(a for a in registry if a.code == issuer) if issuer else None

    def parse(text, issued):
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, context=context, on_date=issued))

    return parse


def leads(drafts):
    """The drafts' leads by name, None where a draft has none."""
    return [d.lead.name if d.lead is not None else None for d in drafts]


def coordinating(draft):
    """A draft's coordinating agencies by name."""
    return [c.name for c in draft.coordinating]
