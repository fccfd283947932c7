"""The registry of agencies and people, and the sessions they hold and the notices those produce."""

from .agencies import Agency, AgencyContact, Level, Person
from .base import TimeStamped
from .changes import AgencyChange
from .notices import ConclusionNotice
from .sessions import Figure, Participation, Session, Site, SourceDocument

__all__ = [
    "Agency",
    "AgencyContact",
    "AgencyChange",
    "ConclusionNotice",
    "Figure",
    "Level",
    "Participation",
    "Person",
    "Session",
    "Site",
    "SourceDocument",
    "TimeStamped",
]
