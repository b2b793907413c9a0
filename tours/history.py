"""A trip's history as staff read it: the trip's own saves and its parts', in one list.

simple-history keeps one table per model, so the admin's history page of a trip showed
only the trip's own row: a save of the trip page that added three questions and seven
takeaways listed nothing. Here every kind of record a trip is made of (TRIP_RECORDS) is
read, newest first, each save with who made it, when, which part and what changed (the
fields as the forms label them, old → new); a deleted part is listed too, and while it is
still deleted it may be brought back (tours.services.history.restore_part).

The work is one query per kind of record, however many records there are, plus one per
kind of record that the listed changes point at (tours.edits.label_foreign_keys).
"""

from people.names import ACCOUNT_PERSON

from .edits import Edit
from .models import TRIP_RECORDS

# A field that changes with every save says nothing the time of the save does not.
NOT_SHOWN = {"updated_at"}


def history_of_part(model, trip_id):
    """Every historical record of `model` that belonged to the trip `trip_id`, deleted
    records included.

    A part of a part (an action's progress report) is found through its parent's history,
    which outlives the parent: the report of a deleted action item is still listed.
    """
    path = TRIP_RECORDS[model]
    parent, _sep, rest = path.partition("__")
    if not rest:
        return model.history.filter(**{path: trip_id})
    parent_model = model._meta.get_field(parent).related_model
    parents = parent_model.history.filter(**{rest: trip_id}).values("id")
    return model.history.filter(**{f"{parent}_id__in": parents})


def _not_diffed(model) -> set[str]:
    # Many-to-many fields are left out: diffing them costs a query per record (the
    # record's own history page shows them).
    return NOT_SHOWN | {field.name for field in model._meta.many_to_many}


def _entries_of(model, trip_id) -> list[Edit]:
    records = (
        history_of_part(model, trip_id)
        .select_related(f"history_user__{ACCOUNT_PERSON}")
        .order_by("id", "history_date", "history_id")
    )
    excluded = _not_diffed(model)
    entries, previous = [], None
    for record in records:
        before = previous if previous is not None and previous.id == record.id else None
        if before is not None and before.history_type == "-" and entries:
            entries[-1].still_deleted = False  # it was brought back afterwards
        previous = record
        entry = Edit(record=record, model=model, trip_id=trip_id)
        if record.history_type == "~" and before is not None:
            entry.changes = record.diff_against(before, excluded_fields=excluded).changes
        entry.still_deleted = record.history_type == "-"
        entries.append(entry)
    return entries


def trip_history(trip_id: int) -> list[Edit]:
    """Every save and deletion of the trip `trip_id` and of its parts, newest first.

    The changes name foreign keys by their ids until `label_foreign_keys` (tours.edits)
    is called on the entries shown, so a long history is labelled a page at a time.
    """
    order = {model: i for i, model in enumerate(TRIP_RECORDS)}
    entries = []
    for model in TRIP_RECORDS:
        entries.extend(_entries_of(model, trip_id))
    return sorted(
        entries,
        key=lambda e: (e.record.history_date, order[e.model], e.record.history_id),
        reverse=True,
    )
