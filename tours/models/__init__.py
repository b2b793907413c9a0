"""Everything about a trip, one module per area, re-exported here."""

from .action import ActionItem, ActionUpdate
from .content import Indicator, Instruction, Question, Takeaway
from .followup import ActionReturn, DeadlineExtension, SupervisionNotice
from .notice import EmailDigest
from .photo import Photo
from .review import SeenEdits
from .search import SearchEntry
from .shapes import Attachment, Campaign, Placement, SignedProject
from .trip import SiteVisit, Trip, TripMember

# Every kind of record a trip is made of, with the path from a row (or its history) to the
# trip's id: what a change to "the trip" covers, on the desk and in the stale-page check.
TRIP_RECORDS = {
    Trip: "id",
    TripMember: "trip_id",
    SiteVisit: "trip_id",
    Question: "trip_id",
    Indicator: "trip_id",
    Takeaway: "trip_id",
    Instruction: "trip_id",
    ActionItem: "trip_id",
    ActionUpdate: "action__trip_id",
    DeadlineExtension: "action__trip_id",
    SupervisionNotice: "action__trip_id",
    ActionReturn: "action__trip_id",
    Photo: "trip_id",
    Placement: "trip_id",
    SignedProject: "trip_id",
    Attachment: "trip_id",
}

__all__ = [
    "TRIP_RECORDS",
    "ActionItem",
    "ActionReturn",
    "ActionUpdate",
    "Attachment",
    "Campaign",
    "DeadlineExtension",
    "EmailDigest",
    "Indicator",
    "Instruction",
    "Photo",
    "Placement",
    "Question",
    "SearchEntry",
    "SeenEdits",
    "SignedProject",
    "SiteVisit",
    "Takeaway",
    "Trip",
    "TripMember",
]
