"""Checkout: the test-mode provider's Pay button and Stripe Checkout Sessions (mocked at HTTP)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from billing.models import CreditPack, LedgerEntry, Payment, Plan, Subscription
from billing.services import credits_balance
from tests.payloads import STRIPE_DATA

STRIPE_SESSIONS = "https://api.stripe.com/v1/checkout/sessions"


@pytest.fixture
def candidate_client(client, candidate):
    client.force_login(candidate)
    return client


def _start(client, **item: str):
    return client.post("/billing/checkout/", item)


def test_test_mode_pack_purchase_goes_through_fulfilment(candidate_client, candidate, pack):
    start = _start(candidate_client, pack="starter")
    payment = Payment.objects.get()
    assert start.status_code == 302 and start["Location"] == f"/billing/checkout/test/{payment.pk}/"
    assert (payment.provider, payment.status, payment.amount_cents) == ("test", "pending", 900)

    page = candidate_client.get(start["Location"])
    assert page.status_code == 200
    assert b"Test mode" in page.content and b'data-action="pay"' in page.content

    paid = candidate_client.post(start["Location"], {"action": "pay"})
    assert paid.status_code == 302
    assert credits_balance(user_id=candidate.pk) == 8
    entry = LedgerEntry.objects.get(kind="purchase")
    assert entry.idempotency_key == f"payment:{payment.pk}" and entry.delta == 5

    again = candidate_client.post(start["Location"], {"action": "pay"})  # double click
    assert again.status_code == 302
    assert credits_balance(user_id=candidate.pk) == 8

    success = candidate_client.get(paid["Location"])
    assert success.status_code == 200
    assert b"5 credits were added" in success.content and b"Test mode" in success.content


def test_test_mode_plan_purchase_creates_an_active_subscription(candidate_client, candidate, plan):
    start = _start(candidate_client, plan="case-monthly")
    candidate_client.post(start["Location"], {"action": "pay"})

    subscription = Subscription.objects.get(user=candidate)
    assert subscription.is_active and subscription.plan == plan
    assert subscription.provider == "test"
    assert Payment.objects.get().status == "paid"
    assert not LedgerEntry.objects.filter(kind="purchase").exists()


def test_test_mode_cancel_takes_no_money(candidate_client, candidate, pack):
    start = _start(candidate_client, pack="starter")

    cancelled = candidate_client.post(start["Location"], {"action": "cancel"})
    assert cancelled.status_code == 302 and cancelled["Location"] == "/billing/checkout/cancel/"
    paying_after_cancel = candidate_client.post(start["Location"], {"action": "pay"})

    assert paying_after_cancel["Location"] == "/billing/pricing/"
    assert Payment.objects.get().status == "canceled"
    assert credits_balance(user_id=candidate.pk) == 3
    page = candidate_client.get("/billing/checkout/cancel/")
    assert b"No payment was taken" in page.content and b"Test mode" in page.content


def test_someone_elses_checkout_is_404(client, candidate, other_candidate, pack):
    client.force_login(candidate)
    start = _start(client, pack="starter")
    client.force_login(other_candidate)

    assert client.post(start["Location"], {"action": "pay"}).status_code == 404
    assert Payment.objects.get().status == "pending"
    assert credits_balance(user_id=candidate.pk) == 3


@pytest.mark.parametrize(
    "item",
    [{"pack": "nope"}, {"pack": "retired"}, {"plan": "nope"}, {}, {"pack": "starter", "plan": "x"}],
    ids=["unknown-pack", "inactive-pack", "unknown-plan", "nothing", "both"],
)
def test_unknown_or_inactive_items_are_refused_clearly(candidate_client, candidate, pack, item):
    CreditPack.objects.create(name="Old", slug="retired", credits=2, price_cents=100, active=False)

    response = candidate_client.post("/billing/checkout/", item, follow=True)

    assert response.redirect_chain[-1][0] == "/billing/pricing/"
    message = [str(m) for m in response.context["messages"]][0]
    assert "pricing page" in message or "Choose one" in message
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(kind="purchase").exists()


def test_checkout_needs_a_login(client, pack):
    response = client.post("/billing/checkout/", {"pack": "starter"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Payment.objects.exists()


@respx.mock(assert_all_called=True)
def test_stripe_mode_creates_a_payment_mode_checkout_session(
    respx_mock, candidate_client, candidate, pack, stripe_mode
):
    recorded = json.loads((STRIPE_DATA / "checkout_session_create_response.json").read_text())
    route = respx_mock.post(STRIPE_SESSIONS).mock(return_value=httpx.Response(200, json=recorded))

    response = _start(candidate_client, pack="starter")

    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == recorded["url"]
    assert payment.provider == "stripe" and payment.provider_reference == recorded["id"]
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer sk_test_vocahire_0123456789"
    assert sent.headers["Idempotency-Key"] == f"checkout:{payment.pk}"
    form = parse_qs(sent.content.decode())
    assert form["mode"] == ["payment"]
    assert form["client_reference_id"] == [str(payment.pk)]
    assert form["metadata[payment_id]"] == [str(payment.pk)]
    assert form["metadata[user_id]"] == [str(candidate.pk)]
    assert form["line_items[0][price_data][unit_amount]"] == ["900"]
    assert form["success_url"] == [
        "http://testserver/billing/checkout/success/?session_id={CHECKOUT_SESSION_ID}"
    ]
    assert credits_balance(user_id=candidate.pk) == 3  # nothing until the webhook says paid


@respx.mock(assert_all_called=True)
def test_stripe_mode_plan_uses_subscription_mode_and_the_price_id(
    respx_mock, candidate_client, candidate, stripe_mode
):
    Plan.objects.create(
        name="Monthly", slug="monthly", price_cents=1900, provider_price_id="price_1Monthly"
    )
    recorded = json.loads((STRIPE_DATA / "checkout_session_create_response.json").read_text())
    recorded.update(id="cs_test_plan_1", mode="subscription")
    route = respx_mock.post(STRIPE_SESSIONS).mock(return_value=httpx.Response(200, json=recorded))

    _start(candidate_client, plan="monthly")

    form = parse_qs(route.calls.last.request.content.decode())
    assert form["mode"] == ["subscription"]
    assert form["line_items[0][price]"] == ["price_1Monthly"]
    assert form["subscription_data[metadata][user_id]"] == [str(candidate.pk)]
    assert form["subscription_data[metadata][plan_id]"] == [str(Plan.objects.get().pk)]


@respx.mock(assert_all_called=True)
def test_stripe_refusal_is_shown_and_the_payment_marked_failed(
    respx_mock, candidate_client, pack, stripe_mode
):
    error = json.loads((STRIPE_DATA / "error_invalid_request.json").read_text())
    respx_mock.post(STRIPE_SESSIONS).mock(return_value=httpx.Response(400, json=error))

    response = candidate_client.post("/billing/checkout/", {"pack": "starter"}, follow=True)

    assert response.redirect_chain[-1][0] == "/billing/pricing/"
    assert "No such price" in [str(m) for m in response.context["messages"]][0]
    assert Payment.objects.get().status == "failed"


def test_stripe_mode_pages_are_not_labelled_test_mode(client, pack, stripe_mode):
    page = client.get("/billing/pricing/")

    assert page.status_code == 200
    assert b"Test mode" not in page.content and b"Starter" in page.content


def test_test_mode_checkout_is_gone_once_stripe_is_on(candidate_client, candidate, pack, settings):
    start = _start(candidate_client, pack="starter")  # made while in test mode
    settings.STRIPE_SECRET_KEY = "sk_test_vocahire_0123456789"

    assert candidate_client.get(start["Location"]).status_code == 404
    assert candidate_client.post(start["Location"], {"action": "pay"}).status_code == 404
    assert credits_balance(user_id=candidate.pk) == 3
    assert Payment.objects.get().status == "pending"


def test_a_subscriber_cannot_buy_a_second_plan(client, subscriber, plan):
    client.force_login(subscriber)

    response = client.post("/billing/checkout/", {"plan": "case-monthly"}, follow=True)

    assert response.redirect_chain[-1][0] == "/billing/pricing/"
    assert (
        "already have an active subscription" in [str(m) for m in response.context["messages"]][0]
    )
    assert not Payment.objects.exists()
    assert Subscription.objects.filter(user=subscriber).count() == 1


def test_a_subscriber_can_still_buy_credits(client, subscriber, pack):
    client.force_login(subscriber)

    start = client.post("/billing/checkout/", {"pack": "starter"})
    client.post(start["Location"], {"action": "pay"})

    assert credits_balance(user_id=subscriber.pk) == 1 + 5


def test_a_pack_edited_after_checkout_started_buys_what_the_buyer_saw(
    candidate_client, candidate, pack
):
    start = _start(candidate_client, pack="starter")
    assert Payment.objects.get().credits == 5
    CreditPack.objects.filter(pk=pack.pk).update(credits=50)  # staff edit the pack meanwhile

    page = candidate_client.get(start["Location"])
    paid = candidate_client.post(start["Location"], {"action": "pay"})

    assert "Starter (5 credits)" in page.content.decode()
    assert credits_balance(user_id=candidate.pk) == 3 + 5
    assert "5 credits were added" in candidate_client.get(paid["Location"]).content.decode()
