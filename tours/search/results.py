"""Running a query: counts per kind, pages of hits with the trip and a highlighted snippet."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString

from .backends import get_backend
from .documents import KINDS, Kind
from .text import Query, has_match, highlight, snippet

# Counting stops here: past a thousand matches, a reader refines the query instead.
RESULT_CAP = 1000
PER_PAGE = 20
PER_KIND_IN_OVERVIEW = 5


class Hit:
    """One matching record; its highlighted texts are made when the page shows them."""

    def __init__(self, kind: Kind, obj, query: Query):
        self.kind, self.obj, self.query = kind, obj, query

    @property
    def trip(self):
        return self.kind.trip_of(self.obj)

    @cached_property
    def title(self) -> SafeString:
        return highlight(self.kind.title(self.obj), self.query)

    @cached_property
    def _extra(self) -> list[str]:
        return [text for text in self.kind.extra(self.obj) if text]

    @cached_property
    def snippet(self) -> SafeString:
        body = self.kind.body(self.obj)
        body = body or next((t for t in self._extra if has_match(t, self.query)), "")
        return snippet(body, self.query)

    @cached_property
    def details(self) -> list[SafeString]:
        return [highlight(text, self.query) for text in self._extra]

    @property
    def url(self) -> str:
        return self.kind.url(self.obj)

    @property
    def admin_url(self) -> str:
        return self.kind.admin_url(self.obj)


def _hits(kind: Kind, pks: list[int], query: Query, *, public_only: bool) -> list[Hit]:
    """The records behind `pks`, in that order, fetched through `.public()` for the public."""
    if not pks:
        return []
    rows = kind.model.objects.public() if public_only else kind.model.objects.all()
    found = rows.filter(pk__in=pks).select_related(*kind.fetch_related).in_bulk()
    return [Hit(kind, found[pk], query) for pk in pks if pk in found]


@dataclass
class Group:
    """One kind's share of the results: how many (up to the cap) and the hits shown."""

    kind: Kind
    found: int
    hits: list

    @property
    def count(self) -> int:
        return min(self.found, RESULT_CAP)

    @property
    def more_than_cap(self) -> bool:
        return self.found > RESULT_CAP


class KindPages:
    """The matches of one kind as a lazy sequence, for Django's Paginator."""

    def __init__(self, query: Query, group: Group, *, public_only: bool, within=None):
        self.query, self.group, self.public_only = query, group, public_only
        self.within = within

    def count(self) -> int:
        return self.group.count

    def __len__(self):
        return self.count()

    def __getitem__(self, window: slice):
        if window.stop is not None and window.stop <= (window.start or 0):
            return []
        kind = self.group.kind
        pks = get_backend().ids(
            self.query,
            kind.code,
            public_only=self.public_only,
            offset=window.start or 0,
            limit=(window.stop or 0) - (window.start or 0),
            within=self.within,
        )
        return _hits(kind, pks, self.query, public_only=self.public_only)


@dataclass
class SearchResults:
    query: Query
    groups: list[Group]
    # The trips searched (a Trip queryset), or None for all of them.
    within: object = None

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    def group(self, slug: str) -> Group | None:
        return next((g for g in self.groups if g.kind.slug == slug), None)


def search(
    query: Query, *, public_only: bool = True, kind: str | None = None, within=None
) -> SearchResults:
    """Count the matches of every kind; with no `kind`, also fetch each kind's newest few.

    Two queries to the index and one per kind shown, whatever the amount of data. With a
    `kind`, the caller pages through `KindPages` for that group.
    """
    backend = get_backend()
    codes = [k.code for k in KINDS]
    found = backend.counts(query, codes, public_only=public_only, cap=RESULT_CAP, within=within)
    groups = [Group(kind=k, found=found.get(k.code, 0), hits=[]) for k in KINDS]
    if kind is None:
        present = [g.kind.code for g in groups if g.found]
        if present:
            tops = backend.top_ids(
                query, present, public_only=public_only, limit=PER_KIND_IN_OVERVIEW, within=within
            )
            for group in groups:
                group.hits = _hits(
                    group.kind, tops.get(group.kind.code, []), query, public_only=public_only
                )
    return SearchResults(query=query, groups=groups, within=within)


def kind_pages(results: SearchResults, slug: str, *, public_only: bool = True) -> KindPages:
    return KindPages(
        results.query, results.group(slug), public_only=public_only, within=results.within
    )
