"""Photos of a trip: stored without EXIF, with renditions made at upload."""

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .trip import VISIT_PUBLIC_OR_NONE, SiteVisit, Trip, TripContentQuerySet, TripPart


@dataclass(frozen=True)
class Rendition:
    url: str
    webp_url: str | None
    width: int | None
    height: int | None


def photo_upload_to(instance, filename: str) -> str:
    # Unguessable names: a photo's address must not be derivable from another's.
    suffix = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"photos/{uuid.uuid4().hex}{suffix}"


class PhotoQuerySet(TripContentQuerySet):
    def visible(self):
        return super().visible().filter(VISIT_PUBLIC_OR_NONE)


class Photo(TripPart):
    """A photo of the trip; stored without EXIF, with renditions made at upload."""

    TRIP_SCOPED = ("site_visit",)

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="photos"
    )
    site_visit = models.ForeignKey(
        SiteVisit,
        verbose_name=_("site visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
    )
    image = models.ImageField(_("image"), upload_to=photo_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    photographer = models.CharField(_("photographer"), max_length=50, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", F("taken_at").asc(nulls_last=True), "id"]
        indexes = [
            # The report shows each visit's photos; the admin grid groups a trip's photos.
            models.Index(fields=["trip", "site_visit"], name="photo_trip_visit_idx"),
        ]

    def __str__(self):
        if self.caption:
            return self.caption
        if self.taken_at:
            when = formats.date_format(timezone.localtime(self.taken_at), "DATETIME_FORMAT")
            return _("Photo taken %(when)s") % {"when": when}
        return PurePosixPath(self.image.name).name

    def rendition(self, size: str) -> "Rendition":
        """The stored rendition of `size` (thumb, medium, large), else the original."""
        stored = self.renditions.get(size)
        if not stored:
            return Rendition(self.image.url, None, self.width, self.height)
        storage = self.image.storage
        webp = stored.get("webp")
        return Rendition(
            storage.url(stored["jpeg"]),
            storage.url(webp) if webp else None,
            stored["width"],
            stored["height"],
        )

    @property
    def thumb(self):
        return self.rendition("thumb")

    @property
    def medium(self):
        return self.rendition("medium")

    @property
    def large(self):
        return self.rendition("large")
