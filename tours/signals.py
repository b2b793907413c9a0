"""Keep caches, the search index and a trip's modification time in step with every change."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .caching import retire_pages
from .changes import (
    REFERENCED_ONLY,
    changes_only_private_fields,
    content_changed,
    shown_publicly,
    stored_values,
    trip_of,
)
from .models import Trip
from .search import indexing as search_indexing


def remember_before(sender, instance, raw=False, **kwargs):
    """Note, before a save or delete, whether a public page shows the record and how."""
    if not raw:
        instance._before_change = (shown_publicly(instance), stored_values(instance))


def record_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:  # a fixture or a backup: its recorded dates stay, every page goes
        content_changed()
        return
    shown_before, stored = instance.__dict__.pop("_before_change", (True, None))
    if created and isinstance(instance, REFERENCED_ONLY):
        public = False
    else:
        public = (shown_before or shown_publicly(instance)) and not changes_only_private_fields(
            instance, stored
        )
    _changed(instance, public)


def record_deleted(sender, instance, **kwargs):
    shown_before, _ = instance.__dict__.pop("_before_change", (True, None))
    _changed(instance, shown_before)


def relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        private = sender is apps.get_model("tours", "ActionItem").watchers.through
        _changed(instance, not private and shown_publicly(instance))


def _changed(instance, public: bool):
    content_changed(trip_id=trip_of(instance), public=public)
    if not public and isinstance(instance, Trip) and not instance.is_public:
        # Such a trip has no cached pages of its own, so retiring them costs nothing, and
        # none stays behind if its status was changed where no signal saw it.
        retire_pages(trips=[instance.pk])


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
        uid = f"changed-{model._meta.label}"
        for signal in (pre_save, pre_delete):
            signal.connect(remember_before, sender=model, dispatch_uid=f"before-{uid}")
        post_save.connect(record_saved, sender=model, dispatch_uid=f"saved-{uid}")
        post_delete.connect(record_deleted, sender=model, dispatch_uid=f"deleted-{uid}")
    m2m_changed.connect(relation_changed, dispatch_uid="changed-m2m")
    search_indexing.connect()
