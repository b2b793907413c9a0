"""Keep caches, the search index and a trip's modification time in step with every change."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .caching import bump_content_version
from .search import indexing as search_indexing


def touch_trip(sender, instance, **kwargs):
    """A change to a trip's part is a change to the trip (feeds and sitemaps date by it)."""
    if kwargs.get("raw"):
        return  # loading a fixture or backup keeps the recorded dates
    trip_id = getattr(instance, "trip_id", None)
    if trip_id is not None:
        from .models import Trip

        Trip.objects.filter(pk=trip_id).update(updated_at=timezone.now())


# Records no public page shows (the search index is derived data, what leaders have read
# is the desk's bookkeeping): saving them must not empty the page cache.
UNSEEN_MODELS = {"EmailDigest", "SearchEntry", "SeenEdits"}


def connect():
    watched = [
        *apps.get_app_config("tours").get_models(),
        *apps.get_app_config("people").get_models(),
        apps.get_model("taggit", "TaggedItem"),
        apps.get_model("taggit", "Tag"),
    ]
    for model in watched:
        if model.__name__.startswith("Historical") or model.__name__ in UNSEEN_MODELS:
            continue
        for signal in (post_save, post_delete):
            signal.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model}")
            signal.connect(touch_trip, sender=model, dispatch_uid=f"touch-{model}")
    m2m_changed.connect(bump_content_version, dispatch_uid="bump-m2m")
    search_indexing.connect()
