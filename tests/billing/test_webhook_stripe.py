"""POST /billing/webhooks/stripe: signed, stored by event id, fulfilled exactly once."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client

from billing.models import CreditPack, LedgerEntry, Payment, Plan, Subscription, WebhookEvent
from billing.services import credits_balance
from tests.factories import make_user
from tests.payloads import WEBHOOK_URL, post_event, stripe_json, stripe_payment, stripe_signature

PACK_SESSION = "cs_test_a1PackCheckoutSession0001"
PLAN_SESSION = "cs_test_b1PlanCheckoutSession0001"
SUBSCRIPTION = "sub_1SQa9bHx7rT2kP9uSub00001"


def _pack_event(payment: Payment) -> dict:
    return stripe_json(
        "checkout_session_completed_payment",
        PAYMENT_ID=str(payment.pk),
        USER_ID=str(payment.user_id),
    )


@pytest.fixture
def pack_payment(candidate, pack, stripe_mode) -> Payment:
    return stripe_payment(candidate, pack=pack, reference=PACK_SESSION)


def test_checkout_completed_grants_the_pack_once(client, candidate, pack_payment):
    event = _pack_event(pack_payment)

    first = post_event(client, event)
    second = post_event(client, event)

    assert first.status_code == 200 and second.status_code == 200
    assert credits_balance(user_id=candidate.pk) == 3 + 5
    purchase = LedgerEntry.objects.get(kind="purchase")
    assert purchase.idempotency_key == f"payment:{pack_payment.pk}"
    assert purchase.delta == 5 and purchase.balance_after == 8
    pack_payment.refresh_from_db()
    assert pack_payment.status == "paid" and pack_payment.fulfilled_at is not None
    stored = WebhookEvent.objects.get()
    assert stored.event_id == event["id"] and stored.processed_at is not None


def test_tampered_body_is_400_and_changes_nothing(client, candidate, pack_payment):
    event = _pack_event(pack_payment)
    signature = stripe_signature(json.dumps(event).encode())
    event["data"]["object"]["metadata"]["user_id"] = "someone-else"

    response = post_event(client, event, signature=signature)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not LedgerEntry.objects.filter(kind="purchase").exists()
    assert Payment.objects.get().status == "pending"


@pytest.mark.parametrize(
    "signature",
    ["", "t=1,v1=deadbeef", "garbage"],
    ids=["missing", "wrong", "malformed"],
)
def test_bad_signature_header_is_400(client, pack_payment, signature):
    response = post_event(client, _pack_event(pack_payment), signature=signature)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_signature_with_another_secret_is_400(client, pack_payment):
    event = _pack_event(pack_payment)
    body = json.dumps(event).encode()

    response = post_event(client, event, signature=stripe_signature(body, secret="whsec_other"))

    assert response.status_code == 400
    assert credits_balance(user_id=pack_payment.user_id) == 3


def test_old_signature_is_refused_as_a_replay(client, pack_payment):
    event = _pack_event(pack_payment)
    body = json.dumps(event).encode()

    response = post_event(client, event, signature=stripe_signature(body, timestamp=1_000_000))

    assert response.status_code == 400


def test_without_webhook_secret_everything_is_refused(client, pack_payment, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_event(client, _pack_event(pack_payment))

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_get_is_not_allowed(client, stripe_mode):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_unpaid_session_grants_nothing(client, pack_payment):
    event = _pack_event(pack_payment)
    event["data"]["object"]["payment_status"] = "unpaid"

    response = post_event(client, event)

    assert response.status_code == 200
    assert not LedgerEntry.objects.filter(kind="purchase").exists()
    assert Payment.objects.get().status == "pending"


def test_failed_event_is_500_then_the_retry_fulfils_once(client, candidate, pack, stripe_mode):
    event = stripe_json(
        "checkout_session_completed_payment", PAYMENT_ID="999999", USER_ID=str(candidate.pk)
    )

    failed = post_event(client, event)

    assert failed.status_code == 500
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is None and "names no known payment" in stored.error
    assert not LedgerEntry.objects.filter(kind="purchase").exists()
    # Once the cause is fixed, Stripe's retry of the same body fulfils it, once.
    Payment.objects.create(
        pk=999999,
        user=candidate,
        provider="stripe",
        provider_reference=PACK_SESSION,
        pack=pack,
        amount_cents=900,
        currency="usd",
    )
    assert post_event(client, event).status_code == 200
    assert post_event(client, event).status_code == 200
    assert credits_balance(user_id=candidate.pk) == 8
    stored.refresh_from_db()
    assert stored.processed_at is not None and stored.error == ""


def test_session_of_another_user_is_refused(client, candidate, other_candidate, pack_payment):
    event = stripe_json(
        "checkout_session_completed_payment",
        PAYMENT_ID=str(pack_payment.pk),
        USER_ID=str(other_candidate.pk),
    )

    response = post_event(client, event)

    assert response.status_code == 500
    assert credits_balance(user_id=candidate.pk) == 3
    assert credits_balance(user_id=other_candidate.pk) == 3


def test_unhandled_event_types_are_stored_and_ignored(client, stripe_mode, db):
    event = {
        "id": "evt_other_1",
        "object": "event",
        "type": "customer.created",
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }

    response = post_event(client, event)

    assert response.status_code == 200
    assert WebhookEvent.objects.get().processed_at is not None


def _subscription_events(payment: Payment) -> dict[str, dict]:
    ids = {
        "PAYMENT_ID": str(payment.pk),
        "USER_ID": str(payment.user_id),
        "PLAN_ID": str(payment.plan_id),
    }
    names = [
        "checkout_session_completed_subscription",
        "invoice_paid",
        "customer_subscription_updated",
        "customer_subscription_deleted",
    ]
    return {name: stripe_json(name, **ids) for name in names}


def test_subscription_lifecycle_from_checkout_to_deletion(client, candidate, plan, stripe_mode):
    payment = stripe_payment(candidate, plan=plan, reference=PLAN_SESSION)
    events = _subscription_events(payment)
    period_end = datetime.fromtimestamp(1766361600, tz=UTC)

    with time_machine.travel(datetime(2025, 11, 22, tzinfo=UTC), tick=False):
        assert (
            post_event(client, events["checkout_session_completed_subscription"]).status_code == 200
        )
        subscription = Subscription.objects.get()
        assert subscription.provider_subscription_id == SUBSCRIPTION
        assert subscription.status == "active" and subscription.is_active
        assert subscription.provider_customer_id == "cus_TMk2pQ8vN3xYz1"

        assert post_event(client, events["invoice_paid"]).status_code == 200
        subscription.refresh_from_db()
        assert subscription.current_period_end == period_end

        assert post_event(client, events["customer_subscription_updated"]).status_code == 200
        subscription.refresh_from_db()
        assert subscription.cancel_at_period_end and subscription.is_active

        assert post_event(client, events["customer_subscription_deleted"]).status_code == 200
        subscription.refresh_from_db()
        assert subscription.status == "canceled" and not subscription.is_active
        # A late, older "updated" event must not bring a cancelled subscription back.
        late = dict(events["customer_subscription_updated"], id="evt_late_update")
        assert post_event(client, late).status_code == 200
        subscription.refresh_from_db()
        assert subscription.status == "canceled"
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert Subscription.objects.count() == 1
    assert not LedgerEntry.objects.filter(kind="purchase").exists()


def test_invoice_before_checkout_event_creates_the_subscription_once(
    client, candidate, plan, stripe_mode
):
    payment = stripe_payment(candidate, plan=plan, reference=PLAN_SESSION)
    events = _subscription_events(payment)

    assert post_event(client, events["invoice_paid"]).status_code == 200
    assert post_event(client, events["checkout_session_completed_subscription"]).status_code == 200

    subscription = Subscription.objects.get()
    assert subscription.user == candidate and subscription.plan == plan
    assert subscription.current_period_end == datetime.fromtimestamp(1766361600, tz=UTC)


def _deliver_in_thread(
    body: bytes, signature: str, barrier: threading.Barrier, codes: list
) -> None:
    try:
        barrier.wait()
        response = Client().post(
            WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )
        codes.append(response.status_code)
    except Exception as exc:
        codes.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_deliveries_fulfil_once(postgres_only, stripe_mode, settings):
    user = make_user("webhookrace@example.com", credits=3)
    pack = CreditPack.objects.create(name="Starter", slug="starter", credits=5, price_cents=900)
    payment = stripe_payment(user, pack=pack, reference=PACK_SESSION)
    body = json.dumps(_pack_event(payment)).encode()
    signature = stripe_signature(body)
    barrier, codes = threading.Barrier(5), []

    threads = [
        threading.Thread(target=_deliver_in_thread, args=(body, signature, barrier, codes))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [200] * 5
    assert credits_balance(user_id=user.pk) == 8
    assert LedgerEntry.objects.filter(user=user, kind="purchase").count() == 1
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.get().status == "paid"


def test_delayed_payment_is_fulfilled_when_it_succeeds(client, candidate, pack_payment):
    completed = _pack_event(pack_payment)
    completed["data"]["object"]["payment_status"] = "unpaid"
    succeeded = _pack_event(pack_payment)
    succeeded["id"] = "evt_async_succeeded_1"
    succeeded["type"] = "checkout.session.async_payment_succeeded"

    post_event(client, completed)
    assert credits_balance(user_id=candidate.pk) == 3
    assert post_event(client, succeeded).status_code == 200

    assert credits_balance(user_id=candidate.pk) == 8


def test_expired_session_cancels_the_pending_payment(client, pack_payment):
    expired = _pack_event(pack_payment)
    expired["id"] = "evt_expired_1"
    expired["type"] = "checkout.session.expired"
    expired["data"]["object"].update(status="expired", payment_status="unpaid")

    assert post_event(client, expired).status_code == 200

    pack_payment.refresh_from_db()
    assert pack_payment.status == "canceled"
    assert not LedgerEntry.objects.filter(kind="purchase").exists()


@pytest.mark.django_db(transaction=True)
def test_checkout_and_invoice_events_racing_create_one_subscription(
    postgres_only, stripe_mode, settings
):
    # Stripe sends checkout.session.completed and invoice.paid for a new subscription within
    # milliseconds; both may try to create the row. Neither may fail (and wait for a retry).
    user = make_user("subrace@example.com")
    plan = Plan.objects.create(name="Case monthly", slug="case-monthly", price_cents=1900)
    payment = stripe_payment(user, plan=plan, reference=PLAN_SESSION)
    events = _subscription_events(payment)
    bodies = [
        json.dumps(events[name]).encode()
        for name in ("checkout_session_completed_subscription", "invoice_paid") * 3
    ]
    barrier, codes = threading.Barrier(len(bodies)), []

    with time_machine.travel(datetime(2025, 11, 22, tzinfo=UTC), tick=False):  # the events' day
        threads = [
            threading.Thread(
                target=_deliver_in_thread, args=(body, stripe_signature(body), barrier, codes)
            )
            for body in bodies
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        subscription = Subscription.objects.get()
        assert subscription.is_active

    assert codes == [200] * len(bodies)
    assert subscription.user == user and subscription.status == "active"
    # Whichever event came first, the invoice's real period end is the one kept.
    assert subscription.current_period_end == datetime.fromtimestamp(1766361600, tz=UTC)
    assert Payment.objects.get().status == "paid"
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


def test_checkout_event_first_then_the_invoice_sets_the_real_period_end(
    client, candidate, plan, stripe_mode
):
    # Checkout completes half a day after the period began: a 30-day guess would outlast the
    # real end, and the period only moves forward, so the guess must be shorter than any month.
    payment = stripe_payment(candidate, plan=plan, reference=PLAN_SESSION)
    events = _subscription_events(payment)

    with time_machine.travel(datetime(2025, 11, 22, 12, tzinfo=UTC), tick=False):
        post_event(client, events["checkout_session_completed_subscription"])
        assert Subscription.objects.get().is_active  # bridged until the invoice arrives
        post_event(client, events["invoice_paid"])

    subscription = Subscription.objects.get()
    assert subscription.current_period_end == datetime.fromtimestamp(1766361600, tz=UTC)
