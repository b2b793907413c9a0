"""Bench settings whose responses say how many database queries they made (X-Queries).

A page from the cache makes none; a render makes some. bench/cache_edits.py counts them
on the client side, so the page cache itself carries no counters.
"""

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE


def count_queries(get_response):
    from django.db import connection

    def middleware(request):
        queries = 0

        def counted(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response.headers["X-Queries"] = str(queries)
        return response

    return middleware


# Outermost: it sees the queries of every middleware and view, cache hits included.
MIDDLEWARE = ["bench.counted_settings.count_queries", *MIDDLEWARE]
