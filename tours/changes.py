"""Saying that content changed, so that every write has the same side effects.

Pages are cached, the search index is derived from the records, and feeds and sitemaps
date a trip by its modification time. A save or delete says so through the signals
(tours/signals.py); a write that sends no signals (`bulk_create`, `QuerySet.update`)
says so itself by calling `content_changed` with what it wrote.
"""

from django.utils import timezone

from .caching import bump_content_version
from .models import Trip
from .search.indexing import reindex_trip


def content_changed(*, trip_id: int | None = None, reindex: bool = False):
    """Records that public pages may show were written: retire every cached page (once
    committed) and date the trip they belong to, if any. `reindex` builds the trip's
    search entries afresh, for writes that bypassed the per-record indexing signals.
    """
    bump_content_version()
    if trip_id is None:
        return
    Trip.objects.filter(pk=trip_id).update(updated_at=timezone.now())
    if reindex:
        reindex_trip(trip_id)
