"""Billing services: checkout, fulfilment, subscriptions and the cached billing snapshot pages read.

They sit on the credit ledger (`billing/ledger.py`: credits, the balance, the audit), whose names
are re-exported here, so `billing.services.credits_balance` and the rest keep working.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import providers
from billing.ledger import (  # noqa: F401 - the ledger's names, re-exported for callers
    GENERATION_TTL,
    AuditReport,
    BillingError,
    InsufficientCredits,
    LedgerResult,
    _generation_key,
    _invalidate_on_commit,
    _snapshot_key,
    billing_audit,
    billing_snapshot_invalidate,
    credits_balance,
    credits_debit,
    credits_grant,
    credits_needed_message,
    credits_refund,
    credits_staff_change,
    signup_credits_grant,
    subscription_is_active,
)
from billing.models import CreditPack, LedgerEntry, Payment, Plan, Subscription
from vocahire.lib.types import RowId, UserId

# --- Checkout and fulfilment ---------------------------------------------------------------------


def _purchasable(*, pack_slug: str, plan_slug: str) -> tuple[CreditPack | None, Plan | None]:
    if bool(pack_slug) == bool(plan_slug):
        raise BillingError("Choose one credit pack or one plan to buy.", "invalid_choice")
    if pack_slug:
        pack = CreditPack.objects.filter(slug=pack_slug, active=True).first()
        if pack is None:
            raise BillingError(
                "That credit pack is not on sale. Pick one from the pricing page.", "unknown_pack"
            )
        return pack, None
    plan = Plan.objects.filter(slug=plan_slug, active=True).first()
    if plan is None:
        raise BillingError(
            "That plan is not on sale. Pick one from the pricing page.", "unknown_plan"
        )
    return None, plan


def checkout_start(
    *,
    user_id: UserId,
    email: str,
    pack_slug: str = "",
    plan_slug: str = "",
    success_url: str,
    cancel_url: str,
) -> str:
    """Record a pending payment for an active pack or plan; return the provider's checkout URL."""
    if not providers.purchases_enabled():
        raise BillingError(
            "Purchases are not available on this server at the moment.", "purchases_disabled"
        )
    pack, plan = _purchasable(pack_slug=pack_slug, plan_slug=plan_slug)
    if plan is not None and subscription_is_active(user_id=user_id):
        # A second plan would bill twice for the same access.
        raise BillingError(
            "You already have an active subscription; your billing page shows its dates.",
            "already_subscribed",
        )
    item = pack or plan
    assert item is not None
    payment = Payment.objects.create(
        user_id=user_id,
        provider=providers.provider_name(),
        provider_reference=f"pending:{uuid.uuid4().hex}",
        pack=pack,
        plan=plan,
        credits=pack.credits if pack else 0,
        amount_cents=item.price_cents,
        currency=item.currency,
    )
    try:
        session = providers.checkout_create(
            payment=payment, email=email, success_url=success_url, cancel_url=cancel_url
        )
    except providers.PaymentProviderError as exc:
        Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
        raise BillingError(exc.message, "payment_provider_error") from exc
    Payment.objects.filter(pk=payment.pk).update(provider_reference=session.reference)
    return session.url


@transaction.atomic
def payment_fulfil(
    *,
    payment_id: RowId,
    provider_subscription_id: str = "",
    provider_customer_id: str = "",
) -> Payment:
    """Deliver what a confirmed payment bought, exactly once: credits or a subscription."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("pack", "plan")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise BillingError("There is no payment with that reference.", "unknown_payment")
    if payment.status == Payment.Status.PAID:
        return payment
    if payment.pack is not None:
        credits_grant(
            user_id=payment.user_id,
            amount=payment.credits or payment.pack.credits,  # 0: a payment from before the field
            kind=LedgerEntry.Kind.PURCHASE,
            idempotency_key=f"payment:{payment.pk}",
            reference=f"payment:{payment.pk}",
            reason=f"{payment.pack.name} credit pack",
        )
    else:
        _subscription_from_payment(
            payment=payment,
            provider_subscription_id=provider_subscription_id,
            provider_customer_id=provider_customer_id,
        )
    payment.status = Payment.Status.PAID
    payment.fulfilled_at = timezone.now()
    payment.save(update_fields=["status", "fulfilled_at"])
    return payment


@transaction.atomic
def payment_cancel(*, payment_id: RowId, user_id: UserId) -> None:
    """Mark the user's pending payment as abandoned (the buyer left the checkout)."""
    Payment.objects.filter(pk=payment_id, user_id=user_id, status=Payment.Status.PENDING).update(
        status=Payment.Status.CANCELED
    )


def _provisional_period_end(plan: Plan) -> datetime:
    days = 365 if plan.interval == Plan.Interval.YEAR else 30
    return timezone.now() + timedelta(days=days)


def _bridge_period_end(plan: Plan) -> datetime:
    # Shorter than any real period (a month has at least 28 days, a year 365): the provider's
    # own end, which may only move the end forward, always replaces it.
    days = 364 if plan.interval == Plan.Interval.YEAR else 27
    return timezone.now() + timedelta(days=days)


def _subscription_from_payment(
    *, payment: Payment, provider_subscription_id: str, provider_customer_id: str
) -> Subscription:
    plan = payment.plan
    assert plan is not None
    if not provider_subscription_id:
        subscription = Subscription.objects.create(
            user_id=payment.user_id,
            plan=plan,
            status=Subscription.Status.ACTIVE,
            current_period_end=_provisional_period_end(plan),
            provider=payment.provider,
        )
    else:
        subscription = subscription_sync(
            provider_subscription_id=provider_subscription_id,
            user_id=payment.user_id,
            plan_id=plan.pk,
            status=Subscription.Status.ACTIVE,
            provider_customer_id=provider_customer_id,
        )
        assert subscription is not None
        if subscription.current_period_end is None:
            # invoice.paid / customer.subscription.updated bring the real end; this bridges the gap.
            subscription.current_period_end = _bridge_period_end(plan)
            subscription.save(update_fields=["current_period_end", "updated_at"])
    _invalidate_on_commit(payment.user_id)
    return subscription


# --- Subscriptions ---------------------------------------------------------------------------------


@transaction.atomic
def subscription_sync(
    *,
    provider_subscription_id: str,
    status: str | None = None,
    current_period_end: datetime | None = None,
    cancel_at_period_end: bool | None = None,
    user_id: UserId | None = None,
    plan_id: RowId | None = None,
    provider_customer_id: str = "",
) -> Subscription | None:
    """Apply the provider's view of a subscription; create it from our metadata when first seen."""
    subscription = (
        Subscription.objects.select_for_update()
        .filter(provider_subscription_id=provider_subscription_id)
        .first()
    )
    if subscription is None:
        if not (user_id and plan_id):
            return None
        subscription = _subscription_first_seen(
            provider_subscription_id=provider_subscription_id,
            user_id=user_id,
            plan_id=plan_id,
            status=status or Subscription.Status.INCOMPLETE,
        )
    # Events can arrive out of order: cancellation is final and the period only moves forward.
    if status and subscription.status != Subscription.Status.CANCELED:
        subscription.status = status
    if current_period_end and (
        subscription.current_period_end is None
        or current_period_end > subscription.current_period_end
    ):
        subscription.current_period_end = current_period_end
    if cancel_at_period_end is not None:
        subscription.cancel_at_period_end = cancel_at_period_end
    if provider_customer_id:
        subscription.provider_customer_id = provider_customer_id
    subscription.save()
    _invalidate_on_commit(subscription.user_id)
    return subscription


def _subscription_first_seen(
    *, provider_subscription_id: str, user_id: UserId, plan_id: RowId, status: str
) -> Subscription:
    # Stripe sends checkout.session.completed and invoice.paid for a new subscription together:
    # the loser of the insert race waits for the winner's row instead of failing the delivery.
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                provider_subscription_id=provider_subscription_id,
                user_id=user_id,
                plan_id=plan_id,
                provider="stripe",
                status=status,
            )
    except IntegrityError:
        return Subscription.objects.select_for_update().get(
            provider_subscription_id=provider_subscription_id
        )


def subscription_cancel(*, user_id: UserId) -> Subscription:
    """Stop renewal of the user's active subscription; it stays active until the period ends."""
    subscription = (
        Subscription.objects.active()
        .filter(user_id=user_id)
        .order_by("-current_period_end")
        .first()
    )
    if subscription is None:
        raise BillingError("You have no active subscription to cancel.", "no_active_subscription")
    if subscription.cancel_at_period_end:
        return subscription
    if subscription.provider == "stripe" and subscription.provider_subscription_id:
        try:
            providers.subscription_cancel_at_period_end(
                provider_subscription_id=subscription.provider_subscription_id
            )
        except providers.PaymentProviderError as exc:
            raise BillingError(exc.message, "payment_provider_error") from exc
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            cancel_at_period_end=True, updated_at=timezone.now()
        )
        _invalidate_on_commit(user_id)
    subscription.cancel_at_period_end = True
    return subscription


# --- The cached billing snapshot (invalidated by the ledger's writes) ------------------------------


def _snapshot_subscription(user_id: UserId) -> tuple[Subscription | None, Subscription | None]:
    subscriptions = Subscription.objects.filter(user_id=user_id).select_related("plan")
    active = subscriptions.active().order_by("-current_period_end").first()
    return active, active or subscriptions.order_by("-created_at").first()


def _snapshot_build(user_id: UserId) -> dict:
    active, shown = _snapshot_subscription(user_id)
    subscription = None
    if shown is not None:
        end = shown.current_period_end
        subscription = {
            "plan": shown.plan.name,
            "status": shown.status,
            "current_period_end": end.isoformat() if end else None,
        }
    return {
        "credits": credits_balance(user_id=user_id),
        "premium": active is not None,
        "subscription": subscription,
        # Premium ends by the clock, not by a write: a reader past this instant rebuilds.
        "premium_until": active.current_period_end.timestamp() if active else None,
    }


def _snapshot_fresh(cached: dict | None, generation: int) -> bool:
    if cached is None or cached.get("generation") != generation:
        return False
    until = cached["premium_until"]
    return not (until and until <= timezone.now().timestamp())


def billing_snapshot(*, user_id: UserId) -> dict:
    """Credits, premium and subscription for display, from the cache (rebuilt on a miss)."""
    key, generation_key = _snapshot_key(user_id), _generation_key(user_id)
    found = cache.get_many([key, generation_key])
    generation = found.get(generation_key, 0)
    cached = found.get(key)
    if not _snapshot_fresh(cached, generation):
        # Read the generation before the database: a write that commits while we build bumps
        # it, so the snapshot we store is already stale to the next reader instead of for a TTL.
        cached = {**_snapshot_build(user_id), "generation": generation}
        cache.set(key, cached, settings.BILLING_SNAPSHOT_TTL)
    return {name: cached[name] for name in ("credits", "premium", "subscription")}
