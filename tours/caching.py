"""Server-side cache of public pages, invalidated by any change to what they show.

One version number in the shared cache (Redis, or files the workers of one server share)
names the current generation of pages; every save or delete of a record replaces it, so
every worker on every server stops serving the old pages at once. The pages themselves
live in each process's memory under their version. Public content changes rarely and is
read often, so a global version is enough.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_request

VERSION_KEY = "public-pages:version"
pages = caches["pages"]
PAGE_TIMEOUT = 60 * 60  # pages of an old version are unreachable anyway; this frees memory
BROWSER_MAX_AGE = 60


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version(**kwargs):
    """Retire every cached page once the change being saved is committed.

    After the commit, not before: a reader between the two would cache the old content
    under the new version. A fresh value rather than an increment: no read-modify-write
    race between workers, and never a value an old page was stored under.
    """
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), timeout=None))


def _page_key(request, language: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{content_version()}:{language}:{path}"


def cached_public_page(view):
    """Serve a public page from the cache, with headers browsers and proxies can reuse.

    Only successful GET/HEAD responses are kept. The view must not depend on who asks.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _page_key(request, get_language())
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

    return wrapper


class CachedPageMiddleware:
    """Answer a reader without a session from the page cache before sessions, auth and CSRF run.

    Most readers are anonymous; for them a cached page costs two cache reads. Requests with
    a session (staff) go on to the views, whose decorator serves the same cache.
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
            response = pages.get(_page_key(request, get_language_from_request(request)))
            if response is not None:
                return response
        return self.get_response(request)
