"""Where a buyer goes back to after checkout: a validated same-site path, never an open redirect.

The new-interview form, a case page or the room link to pricing with `?next=<their path>`; the
path rides through checkout (the test-mode page and Stripe's success and cancel URLs) and the
success page sends the buyer back to it. Anything that is not a local absolute path is dropped.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_MAX_LENGTH = 500


def next_path(value: object) -> str:
    """`value` if it is a same-site path ("/interviews/..."), else "" (external, scheme, //host)."""
    if not isinstance(value, str) or not value or len(value) > NEXT_MAX_LENGTH:
        return ""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if any(ord(char) < 32 for char in value):
        return ""
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) else ""


def with_next(url: str, next_url: str) -> str:
    """`url` with `next` added to its query string when `next_url` is a valid path."""
    path = next_path(next_url)
    if not path:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': path})}"


def pricing_url(next_url: str = "") -> str:
    """The pricing page, coming back to `next_url` after a purchase."""
    return with_next(reverse("billing:pricing"), next_url)
