from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import entitlements, providers, returns, services, webhooks
from billing.models import CreditPack, LedgerEntry, Payment, Plan, Subscription

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 50


def pricing(request: HttpRequest) -> HttpResponse:
    context = {
        "packs": CreditPack.objects.filter(active=True),
        "plans": Plan.objects.filter(active=True),
        "job_cost": entitlements.credit_cost("job"),
        "next": returns.next_path(request.GET.get("next")),
    }
    return render(request, "billing/pricing.html", context)


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    success = request.build_absolute_uri(reverse("billing:checkout_success"))
    # The page the buyer came from (a validated local path) rides along to come back to.
    next_url = returns.next_path(request.POST.get("next"))
    cancel = returns.with_next(reverse("billing:checkout_cancel"), next_url)
    try:
        url = services.checkout_start(
            user_id=request.user.pk,
            email=request.user.email,
            pack_slug=request.POST.get("pack", ""),
            plan_slug=request.POST.get("plan", ""),
            # Stripe fills in {CHECKOUT_SESSION_ID}; the test provider's reference takes its place.
            success_url=returns.with_next(
                f"{success}?session_id={{CHECKOUT_SESSION_ID}}", next_url
            ),
            cancel_url=request.build_absolute_uri(cancel),
        )
    except services.BillingError as exc:
        messages.error(request, exc.message)
        return redirect(returns.pricing_url(next_url))
    # The test provider's checkout is our own page: it carries the return path itself.
    return redirect(returns.with_next(url, next_url) if url.startswith("/") else url)


@login_required
def test_checkout(request: HttpRequest, payment_id: int) -> HttpResponse:
    if providers.provider_name() != "test":
        # With real payments on, a leftover test checkout must not hand out credits for free.
        raise Http404("Test-mode checkout is off.")
    payment = get_object_or_404(
        Payment.objects.select_related("pack", "plan"),
        pk=payment_id,
        user=request.user,
        provider="test",
    )
    next_url = returns.next_path(request.GET.get("next"))
    if request.method != "POST":
        context = {"payment": payment, "next": next_url}
        return render(request, "billing/test_checkout.html", context)
    if request.POST.get("action") == "cancel":
        services.payment_cancel(payment_id=payment.pk, user_id=request.user.pk)
        return redirect(returns.with_next(reverse("billing:checkout_cancel"), next_url))
    if payment.status not in (Payment.Status.PENDING, Payment.Status.PAID):
        messages.error(
            request, "This checkout was cancelled. Start a new one from the pricing page."
        )
        return redirect(returns.pricing_url(next_url))
    services.payment_fulfil(payment_id=payment.pk)
    success = reverse("billing:checkout_success")
    return redirect(
        returns.with_next(f"{success}?session_id={payment.provider_reference}", next_url)
    )


@login_required
def checkout_success(request: HttpRequest) -> HttpResponse:
    payment = (
        Payment.objects.select_related("pack", "plan")
        .filter(user=request.user, provider_reference=request.GET.get("session_id", ""))
        .first()
    )
    next_url = returns.next_path(request.GET.get("next"))
    if payment is not None and payment.status == Payment.Status.PAID and next_url:
        # Paid: straight back to the interview, form or case the buyer came from.
        messages.success(request, _paid_message(payment))
        return redirect(next_url)
    context = {"payment": payment, "next": next_url}
    return render(request, "billing/checkout_success.html", context)


def _paid_message(payment: Payment) -> str:
    if payment.pack_id:
        credits = payment.credits or payment.pack.credits
        return f"Thank you: {credits} credit{'s' if credits != 1 else ''} added to your balance."
    return f"Thank you: your {payment.plan.name} subscription is active."


def checkout_cancel(request: HttpRequest) -> HttpResponse:
    context = {"next": returns.next_path(request.GET.get("next"))}
    return render(request, "billing/checkout_cancel.html", context)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    entries = LedgerEntry.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    subscriptions = Subscription.objects.filter(user=request.user).select_related("plan")
    subscription = (
        subscriptions.active().order_by("-current_period_end").first()
        or subscriptions.order_by("-created_at").first()
    )
    context = {"page": page, "subscription": subscription}
    return render(request, "billing/history.html", context)


@login_required
@require_POST
def subscription_cancel(request: HttpRequest) -> HttpResponse:
    try:
        services.subscription_cancel(user_id=request.user.pk)
    except services.BillingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Your subscription will not renew; it stays active until the period ends."
        )
    return redirect("billing:history")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = providers.webhook_event_construct(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except providers.WebhookSignatureInvalid:
        return HttpResponse("invalid signature", status=400, content_type="text/plain")
    except providers.WebhookPayloadInvalid as exc:
        # Signed by Stripe but unreadable: a retry would not help, so 400, and keep it for staff.
        logger.warning("stripe webhook: signed but malformed (%s)", exc)
        webhooks.webhook_malformed_record(provider="stripe", payload=request.body, reason=str(exc))
        return HttpResponse("malformed event", status=400, content_type="text/plain")
    stored = webhooks.webhook_event_record(provider="stripe", event=event)
    try:
        webhooks.webhook_event_process(event_id=stored.event_id)
    except Exception as exc:  # any failure: note it and let Stripe retry the delivery
        logger.exception("stripe webhook %s (%s) failed", stored.event_id, stored.type)
        webhooks.webhook_event_error(event_id=stored.event_id, error=repr(exc))
        return HttpResponse("not processed", status=500, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
