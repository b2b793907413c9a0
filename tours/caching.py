"""Server-side cache of public pages, retired by the changes that touch what they show.

Versions in the shared cache (Redis, or files the workers of one server share) name the
current generation of pages, so every worker on every server stops serving an old page at
once when a change commits:
- one version for everything (people's names, tags: shown on every page);
- one for the pages across trips (home, lists, search, feeds, insights, tags, hosts) and
  for each action item's page, whose URL names no trip;
- one per trip, for its report, Word file and calendar.
A page's key holds the versions it depends on. `retire_pages` says which ones a change
replaces; tours/changes.py decides that from what changed. Edits to drafts and to what no
public page shows retire nothing public. The pages themselves live in each process's
memory under their versions.
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
LISTS_KEY = "public-pages:lists"
pages = caches["pages"]
PAGE_TIMEOUT = 60 * 60  # pages of an old version are unreachable anyway; this frees memory
BROWSER_MAX_AGE = 60


def trip_version_key(trip_id: int) -> str:
    return f"public-pages:trip:{trip_id}"


def page_versions(trip_id: int | None = None) -> str | None:
    """The versions a page is filed under: everything's, and its trip's or the lists'.

    None while the shared cache does not answer: no page can then be known to be current,
    so none is served or kept, and readers get freshly rendered pages until the cache is
    back (/healthz reports it).
    """
    keys = [VERSION_KEY, trip_version_key(trip_id) if trip_id is not None else LISTS_KEY]
    try:
        versions = cache.get_many(keys)
        if len(versions) < len(keys):
            for key in keys:
                if key not in versions:
                    cache.add(key, time.time_ns(), timeout=None)
            versions = cache.get_many(keys)
    except Exception as error:  # each backend raises its own (redis.ConnectionError, OSError…)
        logger.warning("shared cache unavailable, pages are rendered uncached: %s", error)
        return None
    if len(versions) < len(keys):
        return None
    return ":".join(str(versions[key]) for key in keys)


def retire_pages(*, everything: bool = False, lists: bool = False, trips=()):
    """Retire cached pages once the change being saved is committed.

    After the commit, not before: a reader between the two would cache the old content
    under the new version. Fresh values rather than increments: no read-modify-write race
    between workers, and never a value an old page was stored under.
    """
    keys = [VERSION_KEY] if everything else []
    keys += [LISTS_KEY] if lists else []
    keys += [trip_version_key(trip_id) for trip_id in trips]
    if keys:
        transaction.on_commit(partial(_replace_versions, keys))


def bump_content_version(**kwargs):
    """Retire every cached page once the change being saved is committed."""
    retire_pages(everything=True)


def _replace_versions(keys):
    try:
        cache.set_many(dict.fromkeys(keys, time.time_ns()), timeout=None)
    except Exception as error:  # the change is committed; failing its request helps no one
        # This worker's pages go now; other workers' expire within PAGE_TIMEOUT.
        logger.error("shared cache unavailable, cached pages not retired: %s", error)
        pages.clear()


def _page_key(request, language: str, query: tuple[str, ...], trip_id=None) -> str | None:
    """The page's key: its versions, host, path and the values of the query parameters it reads.

    get_host() refuses a Host outside ALLOWED_HOSTS (400), as it does for uncached pages;
    the host is in the key so that a page naming its address is served on that address
    only. None when there are no versions to file the page under.
    """
    host = request.get_host()
    versions = page_versions(trip_id)
    if versions is None:
        return None
    params = sorted((name, value) for name in query for value in request.GET.getlist(name))
    page = hashlib.sha256(f"{host}{request.path}?{urlencode(params)}".encode()).hexdigest()
    return f"public-page:{versions}:{language}:{page}"


def cached_public_page(view=None, *, query=(), unless=None, trip=None):
    """Serve a public page from the cache, with headers browsers and proxies can reuse.

    `query` names the parameters the page reads; the key holds only those. A link with
    parameters added on the way (WeChat's `from=…&isappinstalled=0`, `utm_…`, a made-up
    `?x=1`) gets the cached page instead of a render of its own, and cannot crowd the real
    pages out of the cache. The view must not depend on who asks, except where
    `unless(request)` holds: then it answers itself and nothing is cached. `trip` names the
    URL argument of a trip's own page: the page then follows that trip's version instead
    of the lists'. Only successful GET/HEAD responses are kept.
    """
    if view is None:
        return partial(cached_public_page, query=query, unless=unless, trip=trip)
    query = tuple(sorted(set(query)))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or (unless and unless(request)):
            return view(request, *args, **kwargs)
        key = _page_key(request, get_language(), query, kwargs.get(trip) if trip else None)
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
    wrapper.cached_page_trip = trip
    return wrapper


@lru_cache(maxsize=4096)
def _cached_page(urlconf: str, path: str) -> tuple[tuple[str, ...], int | None] | None:
    """The query parameters and trip of the cached page at `path`; None where none is cached."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    query = getattr(match.func, "cached_page_query", None)
    if query is None:
        return None
    trip = getattr(match.func, "cached_page_trip", None)
    return query, match.kwargs.get(trip) if trip else None


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
            cached = _cached_page(settings.ROOT_URLCONF, request.path_info)
            if cached is not None:
                language = get_language_from_request(request)
                key = _page_key(request, language, *cached)
                response = pages.get(key) if key else None
                if response is not None:
                    return response
        return self.get_response(request)
