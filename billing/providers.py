"""Payment providers behind one interface: Stripe Checkout when STRIPE_SECRET_KEY is set,
otherwise a local test mode whose "Pay" button runs the same fulfilment service, but only when
DEBUG is on or PAYMENTS_TEST_MODE=true says so explicitly. With neither, purchases are switched
off (the pricing page says so): a production server never hands out credits for free.

This is the only module that imports `stripe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.urls import reverse

from vocahire.lib.errors import AppError
from vocahire.lib.jsonparse import JSONRejected, json_loads_bounded

if TYPE_CHECKING:
    from billing.models import Payment

STRIPE_TIMEOUT_SECONDS = 10


class PaymentProviderError(AppError):
    """The payment provider refused or did not answer; `retryable` says whether trying again helps."""

    code, status = "payment_provider_error", 502

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class WebhookSignatureInvalid(Exception):
    """The webhook body does not carry a valid signature for our secret."""


class WebhookPayloadInvalid(Exception):
    """Correctly signed, but not an event we can read (not JSON, too deep, missing fields)."""


@dataclass(frozen=True)
class CheckoutSession:
    url: str
    reference: str  # the provider's id for this checkout (Stripe: cs_...)


def provider_name() -> str:
    """The provider new checkouts use: "stripe", "test" (allowed test mode) or "none" (off)."""
    if settings.STRIPE_SECRET_KEY:
        return "stripe"
    if settings.DEBUG or settings.PAYMENTS_TEST_MODE:
        return "test"
    return "none"


def purchases_enabled() -> bool:
    """Whether anything can be bought on this server right now."""
    return provider_name() != "none"


def checkout_create(
    *, payment: Payment, email: str, success_url: str, cancel_url: str
) -> CheckoutSession:
    """Start the provider's checkout for a pending payment; return where to send the buyer."""
    if payment.provider == "stripe":
        return _stripe_checkout_create(
            payment=payment, email=email, success_url=success_url, cancel_url=cancel_url
        )
    return CheckoutSession(
        url=reverse("billing:test_checkout", args=[payment.pk]), reference=f"test_{payment.pk}"
    )


def subscription_cancel_at_period_end(*, provider_subscription_id: str) -> None:
    """Ask Stripe to stop renewing a subscription at the end of its current period."""
    _stripe_call(
        lambda client: client.v1.subscriptions.update(
            provider_subscription_id, params={"cancel_at_period_end": True}
        )
    )


def webhook_event_construct(*, payload: bytes, signature: str) -> dict[str, Any]:
    """Verify a Stripe webhook body against STRIPE_WEBHOOK_SECRET and return the event as a dict."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookSignatureInvalid("No webhook secret is configured.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8", errors="replace"),
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            stripe.Webhook.DEFAULT_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise WebhookSignatureInvalid(str(exc)) from exc
    # Verified: keep the body exactly as Stripe sent it (plain JSON, no StripeObject wrappers),
    # parsed within bounds and checked for the fields every handler reads.
    try:
        event = json_loads_bounded(payload)
    except JSONRejected as exc:
        raise WebhookPayloadInvalid(str(exc)) from exc
    if not _event_shape_ok(event):
        raise WebhookPayloadInvalid("The event lacks an id, a type or a data object.")
    return event


def _event_shape_ok(event: Any) -> bool:
    return (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and 0 < len(event["id"]) <= 200
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    )


@cache
def _stripe_client(api_key: str) -> stripe.StripeClient:
    # One pooled httpx client per key, with a timeout on every call.
    http_client = stripe.HTTPXClient(timeout=STRIPE_TIMEOUT_SECONDS, allow_sync_methods=True)
    return stripe.StripeClient(api_key, http_client=http_client, max_network_retries=1)


def _stripe_call(call: Any) -> Any:
    try:
        return call(_stripe_client(settings.STRIPE_SECRET_KEY))
    except stripe.APIConnectionError as exc:
        raise PaymentProviderError(
            "The payment provider did not answer. Please try again in a minute.", retryable=True
        ) from exc
    except stripe.StripeError as exc:
        raise PaymentProviderError(
            f"The payment provider refused the request: {exc.user_message or exc}",
            retryable=bool(exc.http_status and exc.http_status >= 500),
        ) from exc


def _line_item(payment: Payment) -> dict[str, Any]:
    item = payment.pack or payment.plan
    assert item is not None
    if item.provider_price_id:
        return {"price": item.provider_price_id, "quantity": 1}
    price_data: dict[str, Any] = {
        "currency": payment.currency,
        "unit_amount": payment.amount_cents,
        "product_data": {"name": item.name},
    }
    if payment.plan is not None:
        price_data["recurring"] = {"interval": payment.plan.interval}
    return {"price_data": price_data, "quantity": 1}


def _stripe_checkout_create(
    *, payment: Payment, email: str, success_url: str, cancel_url: str
) -> CheckoutSession:
    metadata = {"payment_id": str(payment.pk), "user_id": str(payment.user_id)}
    params: dict[str, Any] = {
        "mode": "subscription" if payment.plan_id else "payment",
        "line_items": [_line_item(payment)],
        "client_reference_id": str(payment.pk),
        "metadata": metadata,
        "customer_email": email,
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if payment.plan_id:
        # Copied onto the subscription so its own events can find the user and plan.
        params["subscription_data"] = {"metadata": {**metadata, "plan_id": str(payment.plan_id)}}
    session = _stripe_call(
        lambda client: client.v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"checkout:{payment.pk}"}
        )
    )
    return CheckoutSession(url=session.url, reference=session.id)
