"""Turn an unreachable database into a friendly 503 page or JSON error, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Connection refused, timed out or dropped. Not IntegrityError or ProgrammingError: those are bugs
# or conflicts, and calling them "unavailable" would hide them.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        logger.error("database unavailable: %s", exception.__class__.__name__)
        return database_unavailable_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the friendly page (no database needed) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": "The database is temporarily unavailable. Please try again shortly.",
                "code": "database_unavailable",
            },
            status=503,
            headers={"Retry-After": "5"},
        )
    html = render_to_string("unavailable.html", {})
    return HttpResponse(html, status=503, headers={"Retry-After": "5"})
