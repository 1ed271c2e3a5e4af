from __future__ import annotations

from django.http import HttpRequest

from vocahire.lib import providers


def site(request: HttpRequest) -> dict:
    """Values every page needs: the realtime provider label."""
    return {
        "REALTIME_PROVIDER": providers.realtime_provider().name,
    }
