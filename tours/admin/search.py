"""The admin's search box, answered by the full-text index over every record."""

from django.db.models.expressions import RawSQL

from tours.search import parse_query
from tours.search.backends import get_backend
from tours.search.documents import BY_MODEL


class IndexedSearchMixin:
    """Search a trip part's list (and its autocomplete) with the public search's index.

    Staff see all records, drafts and private ones included; the same words match as on
    the public search page (two-character words, several words meaning all of them).
    """

    def get_search_results(self, request, queryset, search_term):
        query = parse_query(search_term)
        if not query:
            return queryset, False
        sql, params = get_backend().object_ids_sql(
            query, BY_MODEL[self.model].code, public_only=False
        )
        return queryset.filter(pk__in=RawSQL(sql, params)), False
