"""The registry of agencies and people, and the sessions they hold and the notices those produce."""

from .agencies import Agency, AgencyContact, Level, Person
from .base import TimeStamped
from .changes import AgencyChange
from .notices import ConclusionNotice
from .offices import Clerk, Office
from .sessions import Figure, Participation, Session, Site, SourceDocument

__all__ = [
    "Agency",
    "AgencyContact",
    "AgencyChange",
    "Clerk",
    "ConclusionNotice",
    "Figure",
    "Level",
    "Office",
    "Participation",
    "Person",
    "Session",
    "Site",
    "SourceDocument",
    "TimeStamped",
]
