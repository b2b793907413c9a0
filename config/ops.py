"""Operational endpoints and error pages that belong to no domain."""

import functools
import ipaddress
import json
import logging
import sys

import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 naming what does not."""
    checks = {"database": _check_database, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # a health check reports every failure, whatever it is
            logger.warning("health check %s failed: %s", name, error)
            results[name] = "unavailable"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("img/favicon.svg"), permanent=True)


def server_error(request):
    """A lost database is a passing outage (503, try again), not a bug (500)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def client_ip_address(request) -> str | None:
    """The address the client reached our outermost proxy from (django-axes' lockouts).

    Our TRUSTED_PROXIES proxies wrote the last that many entries of X-Forwarded-For; the
    first of those is what the outermost one saw. Anything further left was sent by the
    client and is ignored, as is the whole header when no proxy is configured.
    """
    count = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if count and len(forwarded) >= count:
        try:
            return str(ipaddress.ip_address(forwarded[-count].strip()))
        except ValueError:
            pass  # not set by a proxy of ours after all
    return request.META.get("REMOTE_ADDR")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so log collectors can index errors by field."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            entry["method"] = getattr(request, "method", "")
            entry["path"] = getattr(request, "path", "")
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ContentSecurityPolicyMiddleware(csp.middleware.CSPMiddleware):
    """django-csp, with the policy built once per process instead of twice per response.

    No view here uses a nonce or changes the policy, so the header is the same for every
    response; building it per response cost more than serving a cached page.
    """

    def process_response(self, request, response):
        customised = getattr(request, "_csp_nonce", None) or any(
            hasattr(response, f"_csp_{part}{suffix}")
            for part in ("config", "update", "replace", "exempt")
            for suffix in ("", "_ro")
        )
        excluded = any(
            (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
        )
        if customised or excluded or (response.status_code in (404, 500) and settings.DEBUG):
            return super().process_response(request, response)
        for header, policy in self._policies().items():
            response.headers.setdefault(header, policy)
        return response

    @staticmethod
    @functools.cache
    def _policies():
        policies = {
            csp.constants.HEADER: csp.utils.build_policy(),
            csp.constants.HEADER_REPORT_ONLY: csp.utils.build_policy(report_only=True),
        }
        return {header: policy for header, policy in policies.items() if policy}


class PermissionsPolicyMiddleware:
    """No page of ours uses the camera, the microphone or the reader's location.

    Saying so means a script that got in (or a page framed by ours) cannot ask for them.
    First in MIDDLEWARE, so static files from WhiteNoise and cached pages carry it too.
    """

    POLICY = "camera=(), microphone=(), geolocation=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
