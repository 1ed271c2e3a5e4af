"""Billing pages and the cached snapshot behind the nav balance."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import respx
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import services
from billing.models import CreditPack, Subscription
from tests.factories import make_subscription
from tests.payloads import post_event, stripe_json, stripe_payment

STRIPE_SUBSCRIPTION = "sub_1SQa9bHx7rT2kP9uSub00001"


def _billing_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "billing_" in q["sql"]]


def test_pricing_lists_active_packs_and_plans_in_test_mode(client, pack, plan):
    CreditPack.objects.create(
        name="Retired pack", slug="old", credits=1, price_cents=1, active=False
    )

    response = client.get("/billing/pricing/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Starter" in body and "9.00 USD" in body and "Case monthly" in body
    assert "Retired pack" not in body
    assert 'data-role="test-mode"' in body


def test_dashboard_serves_the_snapshot_from_cache_with_no_billing_queries(client, candidate):
    client.force_login(candidate)
    client.get("/dashboard/")  # miss: builds the snapshot
    assert cache.get(f"billing:snapshot:{candidate.pk}")["credits"] == 3

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")

    assert response.status_code == 200
    assert 'data-role="credits"' in response.content.decode()
    assert "3 credits" in response.content.decode()
    assert _billing_queries(queries) == []


def test_dashboard_shows_the_new_balance_right_after_a_test_mode_purchase(
    client, candidate, pack, django_capture_on_commit_callbacks
):
    client.force_login(candidate)
    assert "3 credits" in client.get("/dashboard/").content.decode()  # cached now

    start = client.post("/billing/checkout/", {"pack": "starter"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start["Location"], {"action": "pay"})

    assert "8 credits" in client.get("/dashboard/").content.decode()


def test_snapshot_is_rebuilt_after_a_debit_commits(candidate, django_capture_on_commit_callbacks):
    assert services.billing_snapshot(user_id=candidate.pk)["credits"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="k", reference="r")

    assert services.billing_snapshot(user_id=candidate.pk)["credits"] == 2


def test_snapshot_hit_makes_no_queries(candidate, django_assert_num_queries):
    services.billing_snapshot(user_id=candidate.pk)

    with django_assert_num_queries(0):
        snapshot = services.billing_snapshot(user_id=candidate.pk)

    assert snapshot == {"credits": 3, "premium": False, "subscription": None}


def test_snapshot_of_a_subscriber(subscriber):
    snapshot = services.billing_snapshot(user_id=subscriber.pk)

    assert snapshot["premium"] is True
    assert snapshot["subscription"]["status"] == "active"
    assert snapshot["subscription"]["plan"] == "Monthly"


def test_snapshot_is_not_cached_past_the_period_end(candidate, time_machine):
    make_subscription(candidate, days=1)
    assert services.billing_snapshot(user_id=candidate.pk)["premium"] is True

    time_machine.move_to(timezone.now() + timedelta(days=1, seconds=5))

    assert services.billing_snapshot(user_id=candidate.pk)["premium"] is False


def test_history_shows_the_ledger_with_running_balance(
    client, candidate, django_assert_num_queries
):
    services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="i1", reference="i1")
    services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="i2", reference="i2")
    client.force_login(candidate)
    client.get("/billing/")  # warm the snapshot cache

    # session, user, ledger count, ledger page, active subscription, latest subscription
    with django_assert_num_queries(6):
        response = client.get("/billing/")

    rows = response.content.decode().split('data-role="ledger"')[1]
    assert response.status_code == 200
    assert rows.index("<td>1</td>") < rows.index("<td>2</td>") < rows.index("<td>3</td>")
    assert "Interview" in rows and "Staff grant" in rows


def test_history_page_is_only_your_own(client, candidate, other_candidate):
    services.credits_debit(user_id=other_candidate.pk, amount=2, idempotency_key="o", reference="o")
    client.force_login(candidate)

    body = client.get("/billing/").content.decode()

    assert "-2" not in body


def test_cancel_subscription_at_period_end(client, subscriber, django_capture_on_commit_callbacks):
    client.force_login(subscriber)
    assert services.billing_snapshot(user_id=subscriber.pk)["premium"] is True
    page = client.get("/billing/")
    assert 'data-action="cancel-subscription"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/billing/subscription/cancel/", follow=True)

    subscription = Subscription.objects.get(user=subscriber)
    assert response.status_code == 200
    assert subscription.cancel_at_period_end and subscription.is_active
    assert "stays active until the period ends" in response.content.decode()
    assert 'data-action="cancel-subscription"' not in response.content.decode()
    assert services.subscription_is_active(user_id=subscriber.pk)


def test_cancel_without_subscription_is_a_clear_message(client, candidate):
    client.force_login(candidate)

    response = client.post("/billing/subscription/cancel/", follow=True)

    assert "no active subscription" in response.content.decode()


def test_nav_hides_balance_when_signed_out(client, plan):
    body = client.get("/billing/pricing/").content.decode()

    assert 'data-role="credits"' not in body


@pytest.mark.parametrize("path", ["/billing/", "/billing/checkout/success/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_write_during_a_rebuild_does_not_leave_a_stale_snapshot(candidate, monkeypatch):
    real_balance = services.credits_balance

    def balance_read_then_a_debit_commits(*, user_id):
        value = real_balance(user_id=user_id)
        services.credits_debit(user_id=user_id, amount=1, idempotency_key="mid", reference="r")
        services.billing_snapshot_invalidate(user_id=user_id)  # what on_commit runs
        return value

    monkeypatch.setattr(services, "credits_balance", balance_read_then_a_debit_commits)
    assert services.billing_snapshot(user_id=candidate.pk)["credits"] == 3  # built before the write
    monkeypatch.setattr(services, "credits_balance", real_balance)

    assert services.billing_snapshot(user_id=candidate.pk)["credits"] == 2


@respx.mock(assert_all_called=True)
def test_cancel_a_stripe_subscription_asks_stripe_first(
    respx_mock, client, subscriber, stripe_mode
):
    Subscription.objects.filter(user=subscriber).update(
        provider="stripe", provider_subscription_id=STRIPE_SUBSCRIPTION
    )
    body = stripe_json("subscription_update_response", USER_ID=str(subscriber.pk))
    route = respx_mock.post(f"https://api.stripe.com/v1/subscriptions/{STRIPE_SUBSCRIPTION}").mock(
        return_value=httpx.Response(200, json=body)
    )
    client.force_login(subscriber)

    client.post("/billing/subscription/cancel/")

    assert route.calls.last.request.content == b"cancel_at_period_end=true"
    assert Subscription.objects.get(user=subscriber).cancel_at_period_end


@respx.mock(assert_all_called=True)
def test_stripe_down_leaves_the_subscription_renewing(respx_mock, client, subscriber, stripe_mode):
    Subscription.objects.filter(user=subscriber).update(
        provider="stripe", provider_subscription_id=STRIPE_SUBSCRIPTION
    )
    respx_mock.post(f"https://api.stripe.com/v1/subscriptions/{STRIPE_SUBSCRIPTION}").mock(
        side_effect=httpx.ConnectError("down")
    )
    client.force_login(subscriber)

    response = client.post("/billing/subscription/cancel/", follow=True)

    assert "did not answer" in response.content.decode()
    assert not Subscription.objects.get(user=subscriber).cancel_at_period_end


def test_pricing_query_count(client, candidate, pack, plan, django_assert_num_queries):
    CreditPack.objects.create(name="Standard", slug="standard", credits=15, price_cents=2400)
    client.force_login(candidate)
    client.get("/billing/pricing/")  # warm the cached billing snapshot the nav reads

    # session, user, active packs, active plans
    with django_assert_num_queries(4):
        response = client.get("/billing/pricing/")

    assert response.status_code == 200 and "Standard" in response.content.decode()


def test_dashboard_shows_the_new_balance_right_after_a_stripe_webhook(
    client, candidate, pack, stripe_mode, django_capture_on_commit_callbacks
):
    client.force_login(candidate)
    assert "3 credits" in client.get("/dashboard/").content.decode()  # cached now
    payment = stripe_payment(candidate, pack=pack, reference="cs_test_a1PackCheckoutSession0001")
    event = stripe_json(
        "checkout_session_completed_payment",
        PAYMENT_ID=str(payment.pk),
        USER_ID=str(candidate.pk),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).status_code == 200

    assert "8 credits" in client.get("/dashboard/").content.decode()


def test_every_page_the_test_provider_touches_says_test_mode(client, candidate, pack):
    client.force_login(candidate)
    start = client.post("/billing/checkout/", {"pack": "starter"})
    paid = client.post(start["Location"], {"action": "pay"})
    paths = [
        "/billing/pricing/",
        start["Location"],
        paid["Location"],
        "/billing/checkout/cancel/",
        "/billing/",
    ]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'data-role="test-mode"' in response.content.decode(), path


def test_pricing_offers_no_second_subscription_to_a_subscriber(client, subscriber, plan, pack):
    client.force_login(subscriber)

    body = client.get("/billing/pricing/").content.decode()

    assert 'data-role="subscribed"' in body and 'data-action="subscribe"' not in body
    assert 'data-action="buy"' in body  # credit packs stay on offer


def test_pricing_offers_plans_to_everyone_else(client, candidate, plan):
    assert 'data-action="subscribe"' in client.get("/billing/pricing/").content.decode()
    client.force_login(candidate)

    body = client.get("/billing/pricing/").content.decode()

    assert 'data-action="subscribe"' in body and 'data-role="subscribed"' not in body
