from __future__ import annotations

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults

from billing import entitlements
from vocahire.lib.middleware import DATABASE_UNAVAILABLE_ERRORS, database_unavailable_response

logger = logging.getLogger(__name__)


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    # Say interviews, not credits: a visitor does not know yet what a credit buys.
    free_interviews = settings.SIGNUP_FREE_CREDITS // max(entitlements.credit_cost("job"), 1)
    return render(request, "landing.html", {"free_interviews": free_interviews})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down" for a health check
        logger.exception("healthz: database check failed")
        return False


def _cache_ok() -> bool:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        ok = cache.get(key) == value
        cache.delete(key)
        return ok
    except Exception:
        logger.exception("healthz: cache check failed")
        return False


def _redis_reachable() -> bool:
    # Only the Redis cache backend can fall back; local memory is always itself.
    check = getattr(cache, "redis_available", None)
    return check() if check is not None else True


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and cache answer; 503 naming what failed.

    With Redis down the cache falls back to per-process memory: still 200 (the site works, and a
    load balancer must not take every web process out at once) but "degraded", naming it.
    """
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    failed = [name for name, ok in checks.items() if not ok]
    body: dict = {
        "status": "ok" if not failed else "unavailable",
        "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
    }
    if failed:
        body["failed"] = failed
    elif not _redis_reachable():
        body["status"] = "degraded"
        body["checks"]["cache"] = "fallback"
        body["degraded"] = [
            "Redis is unreachable: rate limits, the circuit breaker and cached snapshots are "
            "kept per process until it is back."
        ]
    return JsonResponse(body, status=503 if failed else 200)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for paths nothing matched: JSON under /api/, the HTML page elsewhere."""
    if _is_api(request):
        body = {"detail": "There is no API endpoint at this address.", "code": "not_found"}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without a stack trace: JSON under /api/, the plain HTML page elsewhere."""
    # Django calls this while handling the exception. A database outage that escaped the views
    # (e.g. while rendering the 404 page, whose header asks who is signed in) is still a 503.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return database_unavailable_response(request)
    if _is_api(request):
        body = {
            "detail": "Something went wrong on our side. Please try again.",
            "code": "server_error",
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
