"""Server-side cache of public pages, invalidated by any change to what they show.

One version number in the shared cache (Redis, or files the workers of one server share)
names the current generation of pages; every save or delete of a record replaces it, so
every worker on every server stops serving the old pages at once. The pages themselves
live in each process's memory under their version. Public content changes rarely and is
read often, so a global version is enough.
"""

import hashlib
import logging
import time
from functools import lru_cache, partial, wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language, get_language_from_request

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
pages = caches["pages"]
PAGE_TIMEOUT = 60 * 60  # pages of an old version are unreachable anyway; this frees memory
BROWSER_MAX_AGE = 60


def content_version() -> int | None:
    """The current generation of pages; None while the shared cache does not answer.

    Without the version no page can be known to be current, so none is served or kept:
    readers get freshly rendered pages until the cache is back (/healthz reports it).
    """
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as error:  # each backend raises its own (redis.ConnectionError, OSError…)
        logger.warning("shared cache unavailable, pages are rendered uncached: %s", error)
        return None
    return version


def bump_content_version(**kwargs):
    """Retire every cached page once the change being saved is committed.

    After the commit, not before: a reader between the two would cache the old content
    under the new version. A fresh value rather than an increment: no read-modify-write
    race between workers, and never a value an old page was stored under.
    """
    transaction.on_commit(_replace_content_version)


def _replace_content_version():
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception as error:  # the change is committed; failing its request helps no one
        # This worker's pages go now; other workers' expire within PAGE_TIMEOUT.
        logger.error("shared cache unavailable, cached pages not retired: %s", error)
        pages.clear()


def _page_key(request, language: str, query: tuple[str, ...]) -> str | None:
    """The page's key: its host, path and the values of the query parameters it reads.

    get_host() refuses a Host outside ALLOWED_HOSTS (400), as it does for uncached pages;
    the host is in the key so that a page naming its address is served on that address
    only. None when there is no content version to file the page under.
    """
    host = request.get_host()
    version = content_version()
    if version is None:
        return None
    params = sorted((name, value) for name in query for value in request.GET.getlist(name))
    page = hashlib.sha256(f"{host}{request.path}?{urlencode(params)}".encode()).hexdigest()
    return f"public-page:{version}:{language}:{page}"


def cached_public_page(view=None, *, query=(), unless=None):
    """Serve a public page from the cache, with headers browsers and proxies can reuse.

    `query` names the parameters the page reads; the key holds only those. A link with
    parameters added on the way (WeChat's `from=…&isappinstalled=0`, `utm_…`, a made-up
    `?x=1`) gets the cached page instead of a render of its own, and cannot crowd the real
    pages out of the cache. The view must not depend on who asks, except where
    `unless(request)` holds: then it answers itself and nothing is cached.
    Only successful GET/HEAD responses are kept.
    """
    if view is None:
        return partial(cached_public_page, query=query, unless=unless)
    query = tuple(sorted(set(query)))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or (unless and unless(request)):
            return view(request, *args, **kwargs)
        key = _page_key(request, get_language(), query)
        if key is None:
            return view(request, *args, **kwargs)
        response = pages.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse, e.g. the sitemap's
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
            # What LocaleMiddleware would add: a hit in CachedPageMiddleware skips it.
            patch_vary_headers(response, ["Accept-Language"])
            response.headers.setdefault("Content-Language", get_language())
            response.headers["Last-Modified"] = http_date()
            set_response_etag(response)
            pages.set(key, response, PAGE_TIMEOUT)
        return response

    wrapper.cached_page_query = query
    return wrapper


@lru_cache(maxsize=4096)
def _cached_page_query(urlconf: str, path: str) -> tuple[str, ...] | None:
    """The query parameters of the cached page at `path`; None where no page is cached."""
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return None
    return getattr(view, "cached_page_query", None)


class CachedPageMiddleware:
    """Answer a reader without a session from the page cache before sessions, auth and CSRF run.

    Most readers are anonymous; for them a cached page costs two cache reads. The URL's
    view, resolved once per path, says whether its page is cached and by which parameters.
    Requests with a session (staff) go on to the views, whose decorator serves the same cache.
    """

    SKIPPED = ("/admin/", "/review/", "/my-actions/", "/accounts/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.SKIPPED)
        ):
            query = _cached_page_query(settings.ROOT_URLCONF, request.path_info)
            if query is not None:
                key = _page_key(request, get_language_from_request(request), query)
                response = pages.get(key) if key else None
                if response is not None:
                    return response
        return self.get_response(request)
