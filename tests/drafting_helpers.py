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


def parser_over(records):
    """``parse(text, issued)``: the drafts of ``text`` over a registry of ``records``, as of ``issued``."""
    registry = registry_from_records(records)

    def parse(text, issued):
        return parse_directives(text, issued, matcher=AgencyMatcher(registry, on_date=issued))

    return parse
