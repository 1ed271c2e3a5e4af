"""The one answer to "which address sent this request?", used by every limit and lockout.

`X-Forwarded-For` is a list anyone can start: each proxy appends the address it received the
request from. Only the entries appended by our own proxies can be believed, so with
TRUSTED_PROXY_COUNT = N the client is the N-th entry from the right; with 0 (no proxy, the
default) the header is ignored and the socket's REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies wrote it."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # a request that did not come through all our proxies
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientIpThrottleMixin:
    """DRF throttles key anonymous callers by `client_ip`, not by the raw X-Forwarded-For."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)
