from django.db import models
from django.utils.translation import gettext_lazy as _

from .trip import Trip


class SearchEntry(models.Model):
    """One searchable record in the full-text index (derived data: `rebuild_search_index`).

    The primary key packs the record's kind, whether the public may see it and its own
    key (see `tours.search.documents.entry_id`), so that one contiguous key range holds
    exactly the public rows of one kind: the index answers "public takeaways matching
    招商, newest first" as a range scan, without joining the tables it indexes.
    `terms` holds the bigram tokens; SQLite's FTS5 table and PostgreSQL's GIN index over
    it are created by migration 0003 for each engine.
    """

    id = models.BigIntegerField(primary_key=True)
    kind = models.PositiveSmallIntegerField(_("kind"))
    object_id = models.PositiveBigIntegerField(_("record"))
    # No database constraint: entries are removed with their trip by the trip's signal,
    # so a cascade never has to wait for the index. A campaign's entry has no trip.
    trip = models.ForeignKey(
        Trip,
        verbose_name=_("trip"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    terms = models.TextField(_("index terms"))

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
