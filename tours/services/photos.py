"""Adding a trip's photos safely, and sorting a day's photos onto its site visits."""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tours.imaging import ProcessedPhoto, process_photo
from tours.models import Photo, SiteVisit, Trip
from tours.models.photo import photo_upload_to
from tours.scope import check_trip


def check_can_edit_photos(user, trip: Trip, permission: str = "tours.change_photo") -> None:
    """Raise PermissionDenied unless `user` holds `permission` and the trip is not archived."""
    if not user.has_perm(permission):
        raise PermissionDenied(_("You may not change this trip's photos."))
    check_trip(user, trip)
    if trip.is_locked:
        raise PermissionDenied(_("This trip is archived and can no longer be changed."))


def add_photo(*, trip: Trip, file, user, site_visit: SiteVisit | None = None, caption: str = ""):
    """Check, clean and store one uploaded photo of `trip`; return the new Photo.

    The file is judged by its content (JPEG, PNG or WebP, ≤ 20 MB, ≤ 40 megapixels);
    what is stored is a re-encoded original without any EXIF and its renditions, made
    now so pages never resize on request. `taken_at` comes from the EXIF capture time.
    Raises ValidationError (with a message naming the file) or PermissionDenied; on any
    failure nothing stays in storage.
    """
    check_can_edit_photos(user, trip, "tours.add_photo")
    photo = Photo(trip=trip, site_visit=site_visit, caption=caption)
    # Cheap checks first: a wrong visit is reported before seconds of image work.
    photo.full_clean(exclude=["image"])
    processed = process_photo(file)
    photo._history_user = user
    with stored_files(photo, processed):
        photo.full_clean()
        with transaction.atomic():
            photo.save()
    return photo


@contextmanager
def stored_files(photo: Photo, processed: ProcessedPhoto):
    """Save the processed files to storage and point `photo` at them.

    Use it around saving the photo: if anything inside fails, every file saved here is
    deleted again, so storage never keeps half a photo.
    """
    storage = photo.image.storage
    saved = []

    def save(name: str, data: bytes) -> str:
        saved.append(storage.save(name, ContentFile(data)))
        return saved[-1]

    try:
        original = save(photo_upload_to(photo, f"photo.{processed.extension}"), processed.original)
        stem = original.rsplit(".", 1)[0]
        photo.image = original  # a stored name, not the raw upload a form may have put there
        photo.width, photo.height = processed.width, processed.height
        if photo.taken_at is None:
            photo.taken_at = processed.taken_at
        photo.renditions = {
            rendition.size: {
                "jpeg": save(f"{stem}-{rendition.size}.jpg", rendition.jpeg),
                "webp": save(f"{stem}-{rendition.size}.webp", rendition.webp),
                "width": rendition.width,
                "height": rendition.height,
            }
            for rendition in processed.renditions
        }
        yield photo
    except BaseException:
        for name in saved:
            storage.delete(name)
        photo.image = None
        raise


def arrange_photos(*, trip: Trip, user, changes: Mapping[int, Mapping[str, object]]) -> int:
    """Apply staff's sorting of the trip's photos; return how many photos changed.

    `changes` maps a photo's id to new values of `site_visit`, `caption` and
    `is_public`; unchanged photos are not saved, so the history shows real edits only.
    """
    check_can_edit_photos(user, trip)
    photos = trip.photos.in_bulk(list(changes))
    if len(photos) != len(changes):
        raise ValidationError(_("Some of these photos do not belong to this trip."))
    changed = 0
    with transaction.atomic():
        for pk, values in changes.items():
            photo = photos[pk]
            fields = [name for name, value in values.items() if getattr(photo, name) != value]
            if not fields:
                continue
            for name in fields:
                setattr(photo, name, values[name])
            photo.full_clean(exclude=["image"])
            photo._history_user = user
            photo.save(update_fields=fields)
            changed += 1
    return changed


def set_cover_photo(*, trip: Trip, user, photo: Photo | None) -> None:
    """Make `photo` (one of the trip's own, or None) the trip's cover."""
    check_can_edit_photos(user, trip, "tours.change_trip")
    if photo is not None and photo.trip_id != trip.pk:
        raise ValidationError(_("Choose one of this trip's own photos as its cover."))
    if trip.cover_photo_id == getattr(photo, "pk", None):
        return
    trip.cover_photo = photo
    trip._history_user = user
    with transaction.atomic():
        trip.save(update_fields=["cover_photo", "updated_at"])


@dataclass(frozen=True)
class Assignment:
    assigned: int
    unassigned: int


def assign_photos_by_time(*, trip: Trip, user=None) -> Assignment:
    """Put each of the trip's unsorted photos on the site visit where it was taken.

    A photo goes to the visit whose date and time window contain its `taken_at`, else to
    the nearest visit of that day; with no visit that day it stays unsorted. Photos that
    staff have already placed, and photos without a capture time, are left alone.
    Given a `user`, checks their permission and records them in the history.
    """
    if user is not None:
        check_can_edit_photos(user, trip)
    visits = list(trip.site_visits.all())
    photos = trip.photos.filter(site_visit__isnull=True, taken_at__isnull=False)
    assigned = unassigned = 0
    with transaction.atomic():
        for photo in photos:
            visit = visit_at(photo.taken_at, visits)
            if visit is None:
                unassigned += 1
                continue
            photo.site_visit = visit
            photo._history_user = user
            photo.save(update_fields=["site_visit"])
            assigned += 1
    return Assignment(assigned=assigned, unassigned=unassigned)


def visit_at(moment: datetime, visits: Iterable[SiteVisit]) -> SiteVisit | None:
    """The visit a photo taken at `moment` shows, by the itinerary's local clock.

    Inside a window: that visit; inside two overlapping windows: the one that began
    later (the delegation had moved on, or it is a session within a longer visit).
    Outside every window: the visit nearest in time, the earlier one on a tie; a day
    whose visits have no times: its first visit.
    """
    local = timezone.localtime(moment, timezone.get_default_timezone())
    same_day = [visit for visit in visits if visit.date == local.date()]
    timed = [visit for visit in same_day if visit.start_time is not None]
    if not timed:
        return same_day[0] if same_day else None
    now = _seconds(local.time())

    def window(visit):
        start = _seconds(visit.start_time)
        return start, max(start, _seconds(visit.end_time or visit.start_time))

    inside = [visit for visit in timed if window(visit)[0] <= now <= window(visit)[1]]
    if inside:
        return max(inside, key=lambda visit: (window(visit)[0], -window(visit)[1]))

    def distance(visit):
        start, end = window(visit)
        return start - now if now < start else now - end

    return min(timed, key=lambda visit: (distance(visit), window(visit)[0]))


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second
