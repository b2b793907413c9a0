"""Refuse a save from a page opened before someone changed what the page shows.

A page carries the version of what it showed in a hidden `page_version` field; its save
compares that with the version stored now, under a lock on the trip's row, so two saves
at once cannot both pass. A trip's version is its `updated_at`, which a change to any of
its parts also moves (tours.signals); a part's version is the time of the latest change
recorded in the history of the part and of the rows edited on its page, so a change
elsewhere in the trip does not make the part's page stale.
"""

import datetime

from django import forms
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tours.models import TRIP_RECORDS, Trip

VERSION_FIELD = "page_version"


def lock_trip(trip_id: int):
    """Hold the trip's row to the end of the transaction: a save of another of the trip's
    pages waits for this one, then sees its change."""
    list(Trip.objects.select_for_update().filter(pk=trip_id).values_list("pk"))


class PartPage:
    """The page of one record of a trip, with the rows edited on it (`related` histories)."""

    def __init__(self, obj, *, trip_id: int, related=()):
        self.trip_id = trip_id
        self.label = obj._meta.verbose_name
        self.histories = [obj.history.all(), *related]

    def current(self, *, lock: bool = False) -> str:
        if lock:
            lock_trip(self.trip_id)
        dates = [h.aggregate(latest=Max("history_date"))["latest"] for h in self.histories]
        return _stamp(max(filter(None, dates), default=None))

    def last_change(self, opened: str):
        """The latest recorded change since the page was opened, if any."""
        since = _parse(opened)
        records = []
        for history in self.histories:
            if since is not None:
                history = history.filter(history_date__gt=since)
            records.append(
                history.select_related("history_user__participant")
                .order_by("-history_date")
                .first()
            )
        return max(filter(None, records), key=lambda r: r.history_date, default=None)

    def stale_message(self, opened: str) -> str:
        record = self.last_change(opened)
        if record is None:
            return _(
                "Since this page was opened, this %(what)s has been changed. Reload the page "
                "before saving; what you entered is still below."
            ) % {"what": self.label}
        user = record.history_user
        when = formats.date_format(timezone.localtime(record.history_date), _("n/j H:i"))
        if user is None:
            return _(
                "Since this page was opened, this %(what)s was changed on %(when)s. Reload the "
                "page before saving; what you entered is still below."
            ) % {"what": self.label, "when": when}
        participant = getattr(user, "participant", None)
        return _(
            "Since this page was opened, %(name)s changed this %(what)s on %(when)s. Reload "
            "the page before saving; what you entered is still below."
        ) % {
            "name": participant.name if participant else user.get_username(),
            "what": self.label,
            "when": when,
        }


class TripPage(PartPage):
    """A page showing a whole trip: the trip's admin page, its review on the desk."""

    def __init__(self, trip_id: int):
        self.trip_id = trip_id
        self.label = Trip._meta.verbose_name
        self.histories = [
            model.history.filter(**{path: trip_id}) for model, path in TRIP_RECORDS.items()
        ]

    def current(self, *, lock: bool = False) -> str:
        trips = Trip.objects.filter(pk=self.trip_id)
        if lock:
            trips = trips.select_for_update()
        return _stamp(trips.values_list("updated_at", flat=True).first())


def trip_version(trip: Trip) -> str:
    """The version of a trip as loaded, for a page that shows it as it is."""
    return _stamp(trip.updated_at)


def _stamp(moment: datetime.datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _parse(version: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(version)
    except ValueError:
        return None


class VersionField(forms.CharField):
    """The hidden version: a condition of the save, never a change of the record."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class StalePageForm:
    """A form that refuses to save from a page opened before the last change it would undo.

    `page` (a PartPage or TripPage) is passed in, or set on the form's class. The check
    belongs inside the save's transaction: it locks the trip's row. A post without the
    field (no page sent it) is not checked.
    """

    page = None

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page or self.page
        if self.page is not None:
            self.fields[VERSION_FIELD] = VersionField(required=False, initial=self.page.current)

    def add_prefix(self, field_name):
        # One version for the whole page, whichever of its forms is posted.
        return field_name if field_name == VERSION_FIELD else super().add_prefix(field_name)

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data.pop(VERSION_FIELD, None)
        opened = self.data.get(VERSION_FIELD)
        if self.page is None or opened is None:
            return cleaned_data
        if opened != self.page.current(lock=True):
            self.add_error(None, self.page.stale_message(opened))
        return cleaned_data
