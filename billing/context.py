from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from billing.services import billing_snapshot


def billing(request: HttpRequest) -> dict:
    """The signed-in user's cached billing snapshot, read only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user_id = user.pk
    return {"billing_snapshot": SimpleLazyObject(lambda: billing_snapshot(user_id=user_id))}
