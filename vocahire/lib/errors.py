"""The one application error: a sentence a person can act on, a machine code and an HTTP status.

Every service error derives from `AppError`. The API's exception handler renders it once
(`vocahire.lib.api.exception_handler`: `{"detail": message, "code": code, **extra}` with `status`
and `headers`); for pages `AppErrorMiddleware` turns a 404 or 403 that no view caught into the
site's 404 or 403 page. A page that can say more (a form error, a flash message) catches it itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse


class AppError(Exception):
    """A rule refused the operation. Subclasses set `code` and `status` as class defaults."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        code: str | None = None,
        status: int | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.headers = headers or {}
        self.extra = extra or {}  # more fields for the API's error body

    def body(self) -> dict[str, Any]:
        """The API's error body."""
        return {"detail": self.message, "code": self.code, **self.extra}


_PAGE_ERRORS: dict[int, type[Exception]] = {404: Http404, 403: PermissionDenied}


class AppErrorMiddleware:
    """Pages: an AppError no view caught becomes the site's 404 or 403 page (others stay 500s)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        page_error = _PAGE_ERRORS.get(getattr(exception, "status", 0))
        if not isinstance(exception, AppError) or page_error is None:
            return None
        return response_for_exception(request, page_error(exception.message))
