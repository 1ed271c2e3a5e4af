from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from billing import providers
from billing.services import billing_snapshot


def billing(request: HttpRequest) -> dict:
    """Payment mode labels, and the signed-in user's cached billing snapshot (read lazily)."""
    context: dict = {
        "PAYMENTS_TEST_MODE": providers.provider_name() == "test",
        "PURCHASES_ENABLED": providers.purchases_enabled(),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    user_id = user.pk
    context["billing_snapshot"] = SimpleLazyObject(lambda: billing_snapshot(user_id=user_id))
    return context
