from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page needs: provider mode labels."""
    return {
        "REALTIME_PROVIDER": settings.REALTIME_PROVIDER,
        "PAYMENTS_TEST_MODE": not settings.STRIPE_SECRET_KEY,
    }
