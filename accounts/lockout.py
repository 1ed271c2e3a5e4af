"""Login lockout (django-axes) wiring: whose attempts count, and what a locked-out caller sees.

Every place a password is checked (the sign-in page, /admin/login/, POST /api/v1/auth/token) goes
through Django's `authenticate`, where axes counts failures per account and per client address
(`vocahire.lib.client_ip`) in the database, so the lockout holds across processes and with Redis
down.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_DETAIL = (
    "Too many failed sign-in attempts. Wait a few minutes, or reset your password, then try again."
)


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account an attempt was for, whichever form sent it (email, login or username)."""
    credentials = credentials or {}
    data = getattr(request, "POST", {}) or {}
    for source in (credentials, data):
        for field in ("email", "login", "username"):
            value = source.get(field)
            if value:
                return str(value).strip().lower()
    return ""


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """429: our JSON error shape under /api/, a page everywhere else."""
    if request.path.startswith("/api/"):
        body = {"detail": LOCKED_OUT_DETAIL, "code": "too_many_login_attempts"}
        retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
        return JsonResponse(body, status=429, headers={"Retry-After": str(retry_after)})
    return render(request, "account/lockout.html", {"detail": LOCKED_OUT_DETAIL}, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """axes' lockout check for every password check made with a request.

    All three sign-in surfaces pass the request (tests prove each is locked out). Password checks
    made without one (Django's test client `login()`, shell sessions) have no client address to
    count against and are left to the next backend instead of raising.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
