"""Edits made to published trips since the leaders last read them, for the review desk.

A published trip is what the leaders put their name to; an editor may still change it and
its parts. The history (django-simple-history) of the trip and of each part says what
changed, who changed it and when. The desk lists every change after the trip's
publication, or after a leader last marked its edits read (`SeenEdits`), whichever is
later. Workflow fields are left out of the changes, so a publication, a leader's decision
or an owner's progress report is not listed as an edit: the desk shows those elsewhere.

The work is a fixed number of queries whatever the number of edits: one asks which kinds
of record changed at all, then one per kind that did, one for the trips, and one per kind
of record that a changed foreign key points at.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from common.history import ReadableChanges
from people.models import Participant
from people.names import ACCOUNT_PERSON

from .models import (
    TRIP_RECORDS,
    ActionItem,
    ActionReturn,
    ActionUpdate,
    Attachment,
    DeadlineExtension,
    Indicator,
    Instruction,
    Photo,
    Placement,
    Question,
    SignedProject,
    SiteVisit,
    SupervisionNotice,
    Takeaway,
    Trip,
    TripMember,
)

# Fields only the services change (the workflow shows on the desk already), and
# many-to-many fields, whose history costs queries per row.
NOT_EDITS = {model: {*getattr(model, "WORKFLOW_FIELDS", ())} for model in TRIP_RECORDS}
# Many-to-many fields are left out: diffing them costs a query per record, and the
# item's own history shows them.
NOT_EDITS[ActionItem] |= {"source_takeaways", "support_organizations"}
NOT_EDITS[Question] |= {"answerers"}

# A new progress report is an owner's, through the follow-up loop; only later changes
# to it are edits.
CREATIONS_NOT_LISTED = {ActionUpdate}

# The follow-up loop's own records (extensions, notices, returns): each item's timeline
# shows them; they are workflow, not edits of the trip, and the desk lists none of them.
LOOP_RECORDS = {DeadlineExtension, SupervisionNotice, ActionReturn}

# What names a record in the list.
LABEL_FIELDS = {
    Trip: "title",
    TripMember: "participant",
    SiteVisit: "name",
    Question: "text",
    Indicator: "name",
    Takeaway: "text",
    Instruction: "text",
    ActionItem: "title",
    ActionUpdate: "note",
    DeadlineExtension: "reason",
    SupervisionNotice: "text",
    ActionReturn: "comment",
    Photo: "caption",
    Placement: "member",
    SignedProject: "name",
    Attachment: "title",
}

# What the str() of a record a foreign key points at reads beyond its own row (an
# account is shown as its person: people.names).
STR_READS = {
    Instruction: ["author"],
    Participant: ["organization"],
    TripMember: ["participant"],
    get_user_model(): [ACCOUNT_PERSON],
}


@dataclass
class Edit:
    """One save (or deletion) of a record, and the fields it changed."""

    record: models.Model  # the historical record
    model: type[models.Model]
    trip_id: int
    changes: list = field(default_factory=list)  # simple-history ModelChange objects
    label: object = ""
    still_deleted: bool = False  # a deletion not undone since (tours.history)

    @property
    def when(self) -> datetime:
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user

    @property
    def is_addition(self) -> bool:
        return self.record.history_type == "+"

    @property
    def is_deletion(self) -> bool:
        return self.record.history_type == "-"

    @property
    def what(self) -> str:
        return self.model._meta.verbose_name

    @property
    def readable_changes(self) -> list[dict]:
        """Field labels, choices' labels, 是/否 and "-", as the admin's history shows them."""
        helper = ReadableChanges(self.model, self.record, empty="-")
        return [helper.format_delta_change(change) for change in self.changes]


# Edits listed per trip at once, oldest first; marking them read brings on the next ones.
LISTED_PER_TRIP = 50


@dataclass
class TripEdits:
    trip: Trip
    edits: list[Edit]  # oldest first, at most LISTED_PER_TRIP
    more: int = 0  # later edits, listed once these are marked read

    @property
    def up_to(self) -> datetime:
        """The newest edit listed: a leader who reads the list has read up to here."""
        return self.edits[-1].when


def listed_since(trip_ref, trips):
    """When the listed edits of the trip at `trip_ref` begin; NULL for a non-public trip,
    and for one not among `trips` (those of the leader's department)."""
    trips = (
        trips.public()
        .filter(pk=trip_ref, published_at__isnull=False)
        .annotate(
            since=Greatest("published_at", Coalesce("seen_edits__seen_up_to", "published_at"))
        )
    )
    return Subquery(trips.values("since")[:1])


def _unread(model, trips):
    """The model's historical records that the desk lists, as a queryset."""
    since = listed_since(OuterRef(TRIP_RECORDS[model]), trips)
    records = model.history.annotate(since=since).filter(history_date__gt=F("since"))
    if model in CREATIONS_NOT_LISTED:
        records = records.exclude(history_type="+")
    return records


def unread_edits(trips=None) -> list[TripEdits]:
    """Unread edits of published trips (of `trips`, a queryset, if given): the trip edited
    last first, its edits oldest first."""
    trips = Trip.objects.all() if trips is None else trips
    models_ = [model for model in TRIP_RECORDS if model not in LOOP_RECORDS]
    kinds = [
        _unread(model, trips).annotate(part=Value(i)).order_by().values_list("part")
        for i, model in enumerate(models_)
    ]
    changed = {i for (i,) in kinds[0].union(*kinds[1:])}
    edits = []
    for i in sorted(changed):
        edits.extend(_edits_of(models_[i], trips))
    if not edits:
        return []
    by_trip = defaultdict(list)
    for edit in sorted(edits, key=lambda e: e.when):
        by_trip[edit.trip_id].append(edit)
    shown = {pk: rows[:LISTED_PER_TRIP] for pk, rows in by_trip.items()}
    label_foreign_keys([edit for rows in shown.values() for edit in rows])
    trips = Trip.objects.only("title", "status").in_bulk(list(by_trip))
    groups = [
        TripEdits(trip=trips[pk], edits=shown[pk], more=len(rows) - len(shown[pk]))
        for pk, rows in by_trip.items()
        if pk in trips
    ]
    return sorted(groups, key=lambda group: by_trip[group.trip.pk][-1].when, reverse=True)


def _edits_of(model, trips) -> list[Edit]:
    """Every unread record of `model`, paired with the record before it for the diff."""
    unread = _unread(model, trips)
    records = (
        model.history.filter(id__in=unread.values("id"))
        .annotate(
            since=listed_since(OuterRef(TRIP_RECORDS[model]), trips),
            trip_ref=F(TRIP_RECORDS[model]),
        )
        .select_related("history_user__participant")
        .order_by("id", "history_date", "history_id")
    )
    excluded = NOT_EDITS.get(model, set())
    edits, previous = [], None
    for record in records:
        before = previous if previous is not None and previous.id == record.id else None
        previous = record
        if record.since is None or record.history_date <= record.since:
            continue  # the record before the first unread one, kept for its diff
        if record.history_type == "+" and model in CREATIONS_NOT_LISTED:
            continue
        edit = Edit(record=record, model=model, trip_id=record.trip_ref)
        if record.history_type == "~":
            if before is None:
                continue
            edit.changes = record.diff_against(before, excluded_fields=excluded).changes
            if not edit.changes:
                continue  # only workflow fields changed
        edits.append(edit)
    return edits


def label_foreign_keys(edits: list[Edit]):
    """Replace the ids in changed foreign keys and in labels by the objects, in bulk."""
    wanted = defaultdict(set)

    def foreign_key(model, name):
        model_field = model._meta.get_field(name)
        return model_field if isinstance(model_field, models.ForeignKey) else None

    for edit in edits:
        label_field = LABEL_FIELDS[edit.model]
        if fk := foreign_key(edit.model, label_field):
            wanted[fk.related_model].add(getattr(edit.record, fk.attname))
        for change in edit.changes:
            if fk := foreign_key(edit.model, change.field):
                wanted[fk.related_model].update({change.old, change.new} - {None})
    found = {}
    for related, pks in wanted.items():
        rows = related._default_manager.all()
        if reads := STR_READS.get(related):
            rows = rows.select_related(*reads)
        found[related] = rows.in_bulk(pks)
    for edit in edits:
        label_field = LABEL_FIELDS[edit.model]
        if fk := foreign_key(edit.model, label_field):
            edit.label = found[fk.related_model].get(getattr(edit.record, fk.attname), "")
        else:
            edit.label = getattr(edit.record, label_field) or f"#{edit.record.id}"
        edit.changes = [
            replace(
                change,
                old=found[fk.related_model].get(change.old, change.old),
                new=found[fk.related_model].get(change.new, change.new),
            )
            if (fk := foreign_key(edit.model, change.field))
            else change
            for change in edit.changes
        ]
