"""Keep caches, the search index and a trip's modification time in step with every change."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from .changes import content_changed
from .search import indexing as search_indexing


def record_changed(sender, instance, raw=False, **kwargs):
    """A change to a trip's part is a change to the trip (feeds and sitemaps date by it)."""
    # Loading a fixture or a backup keeps the recorded dates.
    trip_id = None if raw else getattr(instance, "trip_id", None)
    content_changed(trip_id=trip_id)


def relation_changed(sender, **kwargs):
    content_changed()


# Records no public page shows (the search index is derived data): saving them must not
# empty the page cache.
UNSEEN_MODELS = {"EmailDigest", "SearchEntry"}


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
            signal.connect(record_changed, sender=model, dispatch_uid=f"changed-{model}")
    m2m_changed.connect(relation_changed, dispatch_uid="changed-m2m")
    search_indexing.connect()
