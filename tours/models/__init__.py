"""Everything about a trip, one module per area, re-exported here."""

from .action import ActionItem, ActionUpdate
from .content import Indicator, Instruction, Question, Takeaway
from .notice import EmailDigest
from .photo import Photo
from .review import SeenEdits
from .search import SearchEntry
from .trip import SiteVisit, Trip, TripMember

__all__ = [
    "ActionItem",
    "ActionUpdate",
    "EmailDigest",
    "Indicator",
    "Instruction",
    "Photo",
    "Question",
    "SearchEntry",
    "SeenEdits",
    "SiteVisit",
    "Takeaway",
    "Trip",
    "TripMember",
]
