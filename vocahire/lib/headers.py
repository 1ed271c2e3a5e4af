"""Security headers: Content-Security-Policy (django-csp) and Permissions-Policy
(django-permissions-policy).

The CSP's connect-src always names the realtime upstream's origin as configured now
(REALTIME_BASE_URL), so the room can reach it on the ek_ path. The site Permissions-Policy
(settings.PERMISSIONS_POLICY) grants no powerful feature to any page; the interview room alone may
use the microphone, and only for our own origin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django_permissions_policy import PermissionsPolicyMiddleware

from vocahire.lib import providers


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding the realtime upstream's current origin to connect-src."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        update["connect-src"] = [
            *update.get("connect-src", []),
            providers.realtime_provider().origin,
        ]
        parts.update = update
        return parts


def permissions_policy_with(**features: list[str]) -> str:
    """The site's Permissions-Policy header with some features granted (e.g. microphone=["self"])."""
    policy = {
        **settings.PERMISSIONS_POLICY,
        **{k.replace("_", "-"): v for k, v in features.items()},
    }
    return PermissionsPolicyMiddleware.compute_header_value(policy, name="permissions_policy_with")


def microphone_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Let this page (not its frames, not other origins) ask for the microphone."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response._permissions_policy_override = permissions_policy_with(microphone=["self"])
        return response

    return wrapped
