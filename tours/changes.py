"""Saying that content changed, so that every write has the same side effects.

Pages are cached, the search index is derived from the records, and feeds and sitemaps
date a trip by its modification time. A save or delete says so through the signals
(tours/signals.py), which work out from the record what a public page could have shown of
it; a write that sends no signals (`bulk_create`, `QuerySet.update`) says so itself by
calling `content_changed` with what it wrote.
"""

from django.utils import timezone
from taggit.models import Tag, TaggedItem

from people.models import Organization, Participant

from .caching import retire_pages
from .models import ActionItem, ActionUpdate, Trip, TripMember
from .search.indexing import reindex_trip

# Fields no public page shows: a change to these alone retires no public page.
PRIVATE_FIELDS = {
    Participant: {"phone", "email", "note", "user"},
    Trip: {"return_comment", "submitted_by", "submitted_at"},
    ActionItem: {"created_by"},
    TripMember: {"note"},
}
# Records nothing points at when they are new: adding one changes no public page.
REFERENCED_ONLY = (Participant, Organization, Tag)


def content_changed(*, trip_id: int | None = None, public: bool = True, reindex: bool = False):
    """Records were written: retire the cached pages that may show them (once committed)
    and date the trip they belong to. `public` says whether a public page showed or shows
    what changed: then the trip's own pages and the pages across trips are retired (every
    page, for a change that belongs to no trip); otherwise none. `reindex` builds the
    trip's search entries afresh, for writes that bypassed the per-record indexing signals.
    """
    if public:
        retire_pages(everything=trip_id is None, lists=True, trips=[trip_id] if trip_id else [])
    if trip_id is None:
        return
    Trip.objects.filter(pk=trip_id).update(updated_at=timezone.now())
    if reindex:
        reindex_trip(trip_id)


def trip_of(instance) -> int | None:
    """The trip a record belongs to, if any."""
    if isinstance(instance, Trip):
        return instance.pk
    if isinstance(instance, ActionUpdate):
        trips = ActionItem.objects.filter(pk=instance.action_id).values_list("trip_id", flat=True)
        return trips.first()
    if isinstance(instance, TaggedItem):
        tagged = instance.content_object
        return trip_of(tagged) if tagged is not None else None
    return getattr(instance, "trip_id", None)


def shown_publicly(instance) -> bool:
    """Whether a public page shows the record as the database holds it now."""
    if instance.pk is None:
        return False
    manager = type(instance)._default_manager
    if hasattr(manager, "public"):
        return manager.public().filter(pk=instance.pk).exists()
    if isinstance(instance, TaggedItem):
        tagged = instance.content_object
        return tagged is not None and shown_publicly(tagged)
    trip_id = getattr(instance, "trip_id", None)
    if trip_id is not None:  # a member: shown with a public trip's delegation
        return Trip.objects.public().filter(pk=trip_id).exists()
    return True  # people, organizations, tags: shown wherever they are referenced


def stored_values(instance) -> dict | None:
    """The record's fields as stored, to tell after the save what changed."""
    if instance.pk is None:
        return None
    names = [field.attname for field in instance._meta.concrete_fields]
    return type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()


def changes_only_private_fields(instance, stored: dict | None) -> bool:
    """Whether the save changed nothing a public page could show (a no-op save included)."""
    if stored is None:
        return False
    private = {
        instance._meta.get_field(name).attname for name in PRIVATE_FIELDS.get(type(instance), ())
    }
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False) or field.attname in private:
            continue
        if stored[field.attname] != getattr(instance, field.attname):
            return False
    return True
