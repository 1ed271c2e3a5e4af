from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page needs: the realtime provider label."""
    return {
        "REALTIME_PROVIDER": settings.REALTIME_PROVIDER,
    }
