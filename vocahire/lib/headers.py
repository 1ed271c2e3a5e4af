"""Security headers: Content-Security-Policy (django-csp) and Permissions-Policy
(django-permissions-policy).

The CSP's connect-src always names the realtime upstream's origin as configured now
(REALTIME_BASE_URL), so the room can reach it on the ek_ path. The site Permissions-Policy
(settings.PERMISSIONS_POLICY) grants no powerful feature to any page; the interview room alone may
use the microphone, and only for our own origin.
"""

from __future__ import annotations

import functools
import http.client
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
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

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """django-csp's, with the header built once per configuration for the common response.

        A response with no per-view CSP change (`@csp_update` and the like) and a request that
        drew no nonce get the same two headers as long as the settings are the same, so they are
        built once per process and configuration (the policy build was ~8% of an API request).
        Anything else goes through django-csp's own path unchanged.
        """
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, attr) for attr in _PER_RESPONSE_CSP
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_CODES and settings.DEBUG:
            return response
        csp, csp_ro = self._headers(request, response)
        for header, value, exempt, setting in (
            (HEADER, csp, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, csp_ro, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                value
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(tuple(prefixes))
            ):
                response[header] = value
        request.csp_nonce = self._post_response_nonce
        return response

    def _headers(self, request: HttpRequest, response: HttpResponseBase) -> tuple[str, str]:
        """The enforced and report-only policies for this configuration, built on first use."""
        key = (
            providers.realtime_provider().origin,
            repr(getattr(settings, "CONTENT_SECURITY_POLICY", None)),
            repr(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
        )
        headers = _BUILT.get(key)
        if headers is None:
            parts = self.get_policy_parts(request, response)
            parts_ro = self.get_policy_parts(request, response, report_only=True)
            headers = (
                build_policy(**asdict(parts)),
                build_policy(**asdict(parts_ro), report_only=True),
            )
            if len(_BUILT) > 32:  # settings overridden many times (tests): stay bounded
                _BUILT.clear()
            _BUILT[key] = headers
        return headers

    @functools.cached_property
    def _post_response_nonce(self) -> Any:
        """What `request.csp_nonce` becomes once the header is written: an error when used."""
        from csp.middleware import CheckableLazyObject

        return CheckableLazyObject(self._csp_nonce_post_response)


# Response attributes through which a view changes its own policy (django-csp's decorators).
_PER_RESPONSE_CSP = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_CODES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# (upstream origin, policy settings) -> (enforced header, report-only header)
_BUILT: dict[tuple[str, str, str], tuple[str, str]] = {}


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
