"""The English interface keeps the dd/mm/yyyy dates that the records use, with English number separators."""

from config.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
