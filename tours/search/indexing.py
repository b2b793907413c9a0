"""Keeping the index in step with the records: on save, on delete, per trip, from scratch."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save, pre_save

from people.models import Organization, Participant
from tours.models import (
    ActionItem,
    Campaign,
    Question,
    SearchEntry,
    SiteVisit,
    Takeaway,
    Trip,
)

from .backends import get_backend
from .documents import BY_MODEL, KINDS, Kind, entry_id
from .text import index_terms

REBUILD_CHUNK = 2000


def _keys(kind: Kind, pks) -> list[int]:
    return [entry_id(kind.code, pk, public=public) for pk in pks for public in (True, False)]


def _with_visibility(kind: Kind, rows):
    """Rows to index, each knowing whether `.public()` (and nothing else) lets it out.

    A correlated subquery on the primary key: the plan stays a key lookup per row
    whatever the tables' statistics say, where `pk__in` could scan every takeaway.
    """
    public = kind.model.objects.public().filter(pk=OuterRef("pk"))
    return rows.select_related(*kind.related).annotate(in_public=Exists(public))


def _entries(kind: Kind, rows) -> list[SearchEntry]:
    return [
        SearchEntry(
            id=entry_id(kind.code, row.pk, public=row.in_public),
            kind=kind.code,
            object_id=row.pk,
            trip_id=kind.trip_id(row),
            terms=index_terms(kind.text(row)),
        )
        for row in rows
    ]


def index_rows(kind: Kind, rows) -> int:
    """(Re)index the records of `rows`, a queryset of one kind; return how many."""
    rows = list(_with_visibility(kind, rows))
    if not rows:
        return 0
    with transaction.atomic():
        SearchEntry.objects.filter(id__in=_keys(kind, [r.pk for r in rows])).delete()
        SearchEntry.objects.bulk_create(_entries(kind, rows))
    return len(rows)


def remove(kind: Kind, pk: int):
    SearchEntry.objects.filter(id__in=_keys(kind, [pk])).delete()


def reindex_trip(trip) -> int:
    """Index everything of one trip afresh, e.g. after an import that bypassed signals."""
    trip_id = getattr(trip, "pk", trip)
    entries = []
    for kind in KINDS:
        if kind.model is Campaign:  # not a part of the trip; _on_trip_saved sees to it
            continue
        rows = kind.model.objects.filter(**{"pk" if kind.model is Trip else "trip_id": trip_id})
        entries += _entries(kind, _with_visibility(kind, rows))
    with transaction.atomic():
        SearchEntry.objects.filter(trip_id=trip_id).delete()
        SearchEntry.objects.bulk_create(entries)
    return len(entries)


def rebuild() -> dict[str, int]:
    """Drop the whole index and build it again from every record; return counts per kind."""
    counts = {}
    with transaction.atomic(), get_backend().bulk_load():
        SearchEntry.objects.all().delete()
        for kind in KINDS:
            counts[kind.slug] = 0
            pks = list(kind.model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), REBUILD_CHUNK):
                chunk = pks[start : start + REBUILD_CHUNK]
                rows = list(_with_visibility(kind, kind.model.objects.filter(pk__in=chunk)))
                SearchEntry.objects.bulk_create(_entries(kind, rows))
                counts[kind.slug] += len(rows)
    return counts


def _index_campaigns(*pks):
    pks = [pk for pk in pks if pk is not None]
    if pks:
        index_rows(BY_MODEL[Campaign], Campaign.objects.filter(pk__in=pks))


# Records whose visibility or text depends on another record's.
def _remember_campaign(sender, instance, raw=False, **kwargs):
    # A campaign is public while one of its trips is: the one a trip leaves may stop being.
    if not raw and instance.pk:
        stored = Trip.objects.filter(pk=instance.pk).values_list("campaign_id", flat=True)
        instance._campaign_before = stored.first()


def _on_trip_saved(instance, **kwargs):
    reindex_trip(instance.pk)
    _index_campaigns(instance.campaign_id, instance.__dict__.pop("_campaign_before", None))


def _on_visit_saved(instance, **kwargs):
    # A visit's takeaways and answers are public only while the visit is.
    index_rows(BY_MODEL[SiteVisit], SiteVisit.objects.filter(pk=instance.pk))
    index_rows(BY_MODEL[Takeaway], Takeaway.objects.filter(site_visit=instance.pk))
    index_rows(BY_MODEL[Question], Question.objects.filter(site_visit=instance.pk))


def _on_visit_deleted(instance, **kwargs):
    remove(BY_MODEL[SiteVisit], instance.pk)
    # Its takeaways and answers lost their visit (SET_NULL), which may make them public.
    orphans = {"trip_id": instance.trip_id, "site_visit__isnull": True}
    index_rows(BY_MODEL[Takeaway], Takeaway.objects.filter(**orphans))
    index_rows(BY_MODEL[Question], Question.objects.filter(**orphans))


def _on_part_saved(sender, instance, **kwargs):
    index_rows(BY_MODEL[sender], sender.objects.filter(pk=instance.pk))


def _on_part_deleted(sender, instance, **kwargs):
    remove(BY_MODEL[sender], instance.pk)


def _on_trip_deleted(instance, **kwargs):
    SearchEntry.objects.filter(trip_id=instance.pk).delete()
    _index_campaigns(instance.campaign_id)


def _on_organization_saved(instance, **kwargs):
    index_rows(BY_MODEL[SiteVisit], SiteVisit.objects.filter(host_organization=instance.pk))
    index_rows(BY_MODEL[ActionItem], ActionItem.objects.filter(owner_organization=instance.pk))
    index_rows(BY_MODEL[Campaign], Campaign.objects.filter(organizer=instance.pk))


def _on_participant_saved(instance, **kwargs):
    index_rows(BY_MODEL[SiteVisit], SiteVisit.objects.filter(presenter=instance.pk))
    index_rows(BY_MODEL[Takeaway], Takeaway.objects.filter(speaker=instance.pk))


def _unless_raw(handler):
    # Fixtures and serialized test databases load raw rows, index entries included.
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            handler(sender=sender, instance=instance, **kwargs)

    return receiver


_SAVED = {
    Trip: _on_trip_saved,
    SiteVisit: _on_visit_saved,
    Takeaway: _on_part_saved,
    Question: _on_part_saved,
    ActionItem: _on_part_saved,
    Campaign: _on_part_saved,
    Organization: _on_organization_saved,
    Participant: _on_participant_saved,
}
_DELETED = {
    Trip: _on_trip_deleted,
    SiteVisit: _on_visit_deleted,
    Takeaway: _on_part_deleted,
    Question: _on_part_deleted,
    ActionItem: _on_part_deleted,
    Campaign: _on_part_deleted,
}


def connect():
    pre_save.connect(_remember_campaign, sender=Trip, dispatch_uid="search-campaign-Trip")
    for model, handler in _SAVED.items():
        post_save.connect(
            _unless_raw(handler),
            sender=model,
            weak=False,  # the wrapper has no other reference
            dispatch_uid=f"search-save-{model.__name__}",
        )
    for model, handler in _DELETED.items():
        post_delete.connect(handler, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
