"""Stripe webhook events: stored once by event id, then fulfilled once under a row lock.

Each handler reads Stripe's documented object shape and calls a billing service; the services are
idempotent too, so a replay that slipped past the event lock still changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing.models import Payment, Subscription, WebhookEvent
from billing.services import BillingError, payment_fulfil, subscription_sync

Handler = Callable[[dict[str, Any]], None]

# Stripe has more statuses than we model; each maps to what it means for access.
_STATUS = {
    "active": Subscription.Status.ACTIVE,
    "trialing": Subscription.Status.TRIALING,
    "past_due": Subscription.Status.PAST_DUE,
    "unpaid": Subscription.Status.PAST_DUE,
    "paused": Subscription.Status.PAST_DUE,
    "incomplete": Subscription.Status.INCOMPLETE,
    "incomplete_expired": Subscription.Status.CANCELED,
    "canceled": Subscription.Status.CANCELED,
}


def webhook_event_record(*, provider: str, event: dict[str, Any]) -> WebhookEvent:
    """Store a verified provider event by its id (a repeat delivery returns the stored row)."""
    stored, _ = WebhookEvent.objects.get_or_create(
        event_id=event["id"],
        defaults={"provider": provider, "type": event.get("type", ""), "payload": event},
    )
    return stored


def webhook_malformed_record(*, provider: str, payload: bytes, reason: str) -> WebhookEvent:
    """Keep a signed event we could not read (once per body), with why, for staff to look at."""
    digest = hashlib.sha256(payload).hexdigest()
    stored, _ = WebhookEvent.objects.get_or_create(
        event_id=f"malformed:{digest}",
        defaults={
            "provider": provider,
            "type": "malformed",
            "payload": {
                "size": len(payload),
                "start": payload[:2000].decode("utf-8", "replace").replace("\x00", ""),
            },
            "error": reason[:2000],
        },
    )
    return stored


@transaction.atomic
def webhook_event_process(*, event_id: str) -> bool:
    """Fulfil a stored event exactly once; False when it had already been processed."""
    event = WebhookEvent.objects.select_for_update().get(event_id=event_id)
    if event.processed_at is not None:
        return False
    handler = _HANDLERS.get(event.type)
    if handler is not None:
        handler(event.payload["data"]["object"])
    event.processed_at = timezone.now()
    event.error = ""
    event.save(update_fields=["processed_at", "error"])
    return True


def webhook_event_error(*, event_id: str, error: str) -> None:
    """Note why an event could not be fulfilled; the provider's retry will try again."""
    WebhookEvent.objects.filter(event_id=event_id).update(error=error[:2000])


def _epoch(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _checkout_session_completed(session: dict[str, Any]) -> None:
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return  # delayed payment methods confirm later with their own event
    payment_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "payment_id"
    )
    payment = Payment.objects.filter(pk=payment_id).first() if payment_id else None
    if payment is None:
        raise BillingError(
            f"Checkout {session.get('id')} names no known payment.", "unknown_payment"
        )
    metadata_user = (session.get("metadata") or {}).get("user_id")
    if metadata_user and metadata_user != str(payment.user_id):
        raise BillingError(
            f"Checkout {session.get('id')} belongs to another user.", "user_mismatch"
        )
    payment_fulfil(
        payment_id=payment.pk,
        provider_subscription_id=session.get("subscription") or "",
        provider_customer_id=session.get("customer") or "",
    )


def _checkout_session_expired(session: dict[str, Any]) -> None:
    payment_id = session.get("client_reference_id")
    if payment_id and str(payment_id).isdigit():
        Payment.objects.filter(pk=payment_id, status=Payment.Status.PENDING).update(
            status=Payment.Status.CANCELED
        )


def _invoice_subscription(invoice: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # API versions from 2025-03-31 move the subscription under parent.subscription_details.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    legacy = invoice.get("subscription_details") or {}
    subscription_id = details.get("subscription") or invoice.get("subscription") or ""
    return subscription_id, details.get("metadata") or legacy.get("metadata") or {}


def _invoice_paid(invoice: dict[str, Any]) -> None:
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return  # a one-off invoice: packs are fulfilled from checkout.session.completed
    period_ends = [line["period"]["end"] for line in invoice.get("lines", {}).get("data", [])]
    subscription_sync(
        provider_subscription_id=subscription_id,
        status=Subscription.Status.ACTIVE,
        current_period_end=_epoch(max(period_ends, default=None)),
        user_id=metadata.get("user_id"),
        plan_id=metadata.get("plan_id"),
        provider_customer_id=invoice.get("customer") or "",
    )


def _subscription_period_end(subscription: dict[str, Any]) -> datetime | None:
    # Newer API versions carry the period on each subscription item.
    items = (subscription.get("items") or {}).get("data") or []
    ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
    return _epoch(subscription.get("current_period_end") or max(ends, default=None))


def _subscription_updated(subscription: dict[str, Any]) -> None:
    metadata = subscription.get("metadata") or {}
    subscription_sync(
        provider_subscription_id=subscription["id"],
        status=_STATUS.get(subscription.get("status", ""), Subscription.Status.PAST_DUE),
        current_period_end=_subscription_period_end(subscription),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        user_id=metadata.get("user_id"),
        plan_id=metadata.get("plan_id"),
        provider_customer_id=subscription.get("customer") or "",
    )


def _subscription_deleted(subscription: dict[str, Any]) -> None:
    subscription_sync(
        provider_subscription_id=subscription["id"], status=Subscription.Status.CANCELED
    )


_HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_session_completed,
    # Delayed payment methods (bank debits) complete unpaid and confirm with this event.
    "checkout.session.async_payment_succeeded": _checkout_session_completed,
    "checkout.session.expired": _checkout_session_expired,
    "invoice.paid": _invoice_paid,
    "customer.subscription.updated": _subscription_updated,
    "customer.subscription.deleted": _subscription_deleted,
}
