"""Draft directives from the text of a conclusion notice (or any document that assigns directives).

- ``deadlines.parse_deadline``: a deadline phrase to a due date, the rule used and flags;
- ``agencies.AgencyMatcher``: agency names (full, short, abbreviated, provincial) to the registry;
- ``parser.parse_directives``: the text to a list of ``Draft`` (item, text, lead, coordinating
  agencies, deadline), for the clerk to review in the admin or to print from the command line;
- ``documents.read_document``: the text of an uploaded PDF (with a text layer) or DOCX;
- ``header.read_header``: a whole notice's number, date, issuer, title, session concluded,
  signer, and the body that ``parse_directives`` is given.

Nothing here writes to the database.
"""

from .agencies import AgencyMatcher, Group, Unmatched
from .deadlines import DeadlineResult, parse_deadline
from .parser import Draft, parse_directives

__all__ = [
    "AgencyMatcher",
    "DeadlineResult",
    "Draft",
    "Group",
    "Unmatched",
    "parse_deadline",
    "parse_directives",
]
