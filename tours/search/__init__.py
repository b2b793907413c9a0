"""Full-text search over public trips and their parts, in Chinese, on SQLite or PostgreSQL.

`search(parse_query(q))` answers the public search page; staff pass `public_only=False`.
The index lives in `SearchEntry` plus an engine-specific full-text index (backends.py),
kept in step by signals (indexing.py) and, after writes that send none, by
`tours.changes.content_changed`; `manage.py rebuild_search_index` builds it from scratch.
"""

from .documents import BY_SLUG, KINDS
from .indexing import rebuild, reindex_trip
from .results import PER_PAGE, RESULT_CAP, kind_pages, search
from .text import parse_query

__all__ = [
    "BY_SLUG",
    "KINDS",
    "PER_PAGE",
    "RESULT_CAP",
    "kind_pages",
    "parse_query",
    "rebuild",
    "reindex_trip",
    "search",
]
