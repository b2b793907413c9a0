"""Import a roster, an itinerary or a list of action items from a spreadsheet."""

from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from people.models import Organization, Participant
from tours.changes import content_changed
from tours.models import ActionItem, Trip
from tours.scope import check_trip
from tours.sheets import SHEETS, RowAction, SheetPreview, Table

# New people and organizations are created along the way, so those rights are needed too.
SHEET_PERMISSIONS = {
    "roster": ("tours.add_tripmember", "tours.change_tripmember"),
    "itinerary": ("tours.add_sitevisit", "tours.change_sitevisit"),
    "actions": ("tours.add_actionitem", "tours.change_actionitem"),
}
PEOPLE_PERMISSIONS = ("people.add_participant", "people.add_organization")


def can_import_sheet(user, sheet: str) -> bool:
    """May `user` import this kind of sheet? None stands for the command line."""
    if sheet not in SHEETS:
        return False
    return user is None or user.has_perms((*SHEET_PERMISSIONS[sheet], *PEOPLE_PERMISSIONS))


def _check(trip: Trip, user, sheet: str):
    if sheet not in SHEETS:
        raise ValidationError(_("Unknown sheet “%(sheet)s”.") % {"sheet": sheet})
    if not can_import_sheet(user, sheet):
        raise PermissionDenied
    if user is not None:
        check_trip(user, trip)
    if trip.is_locked:
        raise ValidationError(_("This trip is archived and can no longer be changed."))


def preview_sheet(
    *, trip: Trip, user: AbstractBaseUser | None, sheet: str, table: Table
) -> SheetPreview:
    """What importing `table` into `trip` would create, update and leave alone, with every
    problem by row and column. Writes nothing."""
    _check(trip, user, sheet)
    return SHEETS[sheet](trip, table).plan()


@transaction.atomic
def import_sheet(
    *, trip: Trip, user: AbstractBaseUser | None, sheet: str, table: Table
) -> SheetPreview:
    """Import `table` into `trip`, all or nothing.

    Plans again against the database as it is now (the preview may be minutes old) and
    raises ValidationError listing every problem if there is one; otherwise saves every
    new and changed row, the new people and organizations, with `user` in the history.
    Importing the same sheet twice changes nothing the second time.
    """
    # One import per trip at a time: two at once could each plan the same new rows.
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    preview = preview_sheet(trip=trip, user=user, sheet=sheet, table=table)
    if preview.errors:
        raise ValidationError([str(error) for error in preview.errors])
    _save(preview, user)
    if preview.changed_rows or preview.new_people or preview.new_organizations:
        # New rows were bulk-created, which sends no signals.
        content_changed(trip_id=trip.pk, public=trip.is_public, reindex=True)
    return preview


def _save(preview: SheetPreview, user):
    """New rows in bulk (a 1,000-row roster in a few queries), changed rows one by one."""
    _create(Organization, preview.new_organizations, user)
    _create(Participant, preview.new_people, user)
    for person in preview.filled_people:
        _update(person, user)
    new_rows = defaultdict(list)
    for row in preview.changed_rows:
        obj = row.obj
        if isinstance(obj, ActionItem) and obj.pk is None:
            obj.created_by = user
        if row.action == RowAction.CREATE:
            new_rows[type(obj)].append(obj)
        else:
            _update(obj, user)
    for model, objs in new_rows.items():
        _create(model, objs, user)


def _create(model, objs, user):
    if objs:
        bulk_create_with_history(objs, model, batch_size=500, default_user=user)


def _update(obj, user):
    obj._history_user = user
    obj.save()
