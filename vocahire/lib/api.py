"""One error shape for the whole API: {"detail": "<sentence>", "code": "<machine_code>"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JwtAuthenticationFailed

from vocahire.lib.errors import AppError
from vocahire.lib.middleware import DATABASE_UNAVAILABLE_ERRORS


class ApiError(AppError):
    """An error the API layer itself raises (a bad header, a missing body): an AppError."""

    def __init__(
        self, detail: str, code: str, status_code: int = 400, headers: dict | None = None
    ) -> None:
        super().__init__(detail, code, status_code, headers=headers)


_DEFAULT_CODES = {
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


# simplejwt's own sentences ("Given token not valid for any token type") tell a person nothing
# they can do; these say what to do next. Keyed by simplejwt's inner code.
_JWT_DETAILS = {
    "token_not_valid": "Your session has expired or the token is invalid. Sign in again.",
    "bad_authorization_header": (
        "The Authorization header is malformed. Send it as 'Bearer <access token>'."
    ),
    "user_not_found": "The account this token belongs to no longer exists. Sign in again.",
    "user_inactive": "This account is deactivated. Contact support to reactivate it.",
}
_NOT_AUTHENTICATED_DETAIL = (
    "Sign in first: send your session cookie or an 'Authorization: Bearer <access token>' header."
)


def _unauthenticated_detail(exc: exceptions.APIException) -> str | None:
    if isinstance(exc, JwtAuthenticationFailed) and isinstance(exc.detail, dict):
        return _JWT_DETAILS.get(str(exc.detail.get("code")), _JWT_DETAILS["token_not_valid"])
    if isinstance(exc, exceptions.NotAuthenticated):
        return _NOT_AUTHENTICATED_DETAIL
    return None


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        parts = []
        for field, value in detail.items():
            text = _flatten(value)
            parts.append(text if field in ("non_field_errors", "detail") else f"{field}: {text}")
        return " ".join(parts)
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render every API error as {"detail", "code"}; validation errors also carry "fields"."""
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        return Response(
            {
                "detail": "The database is temporarily unavailable. Please try again shortly.",
                "code": "database_unavailable",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, AppError):  # every service error, rendered here once
        set_rollback()
        return Response(exc.body(), status=exc.status, headers=exc.headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _flatten(exc.detail) or "The request is not valid.",
            "code": "invalid",
            "fields": exc.detail if isinstance(exc.detail, dict) else None,
        }
        return response
    if isinstance(exc, exceptions.Throttled):
        response.data = {
            "detail": f"Too many requests. Try again in {exc.wait or 1:.0f} seconds.",
            "code": "throttled",
        }
        return response
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # A browser page open since before a sign-in (or a lost cookie) sends a stale token.
        response.data = {
            "detail": "Your page is out of date (security check failed). Reload it and try again.",
            "code": "csrf_failed",
        }
        return response
    code = getattr(exc, "default_code", None) or _DEFAULT_CODES.get(response.status_code, "error")
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        code = "not_authenticated"
        detail = _unauthenticated_detail(exc) or detail
    response.data = {"detail": _flatten(detail), "code": code}
    return response
