"""Correctly signed Stripe bodies that are not readable events: 400, recorded, nothing fulfilled."""

from __future__ import annotations

import pytest

from billing.models import WebhookEvent
from tests.payloads import WEBHOOK_URL, stripe_signature

pytestmark = pytest.mark.django_db

MALFORMED = {
    "not json": b"{this is not json",
    "deep json": b"[" * 100_000 + b"]" * 100_000,
    "a list": b"[1, 2, 3]",
    "no id": b'{"type": "checkout.session.completed", "data": {"object": {}}}',
    "no data object": b'{"id": "evt_1", "type": "checkout.session.completed", "data": {}}',
}


def _post_signed(client, body: bytes):
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(body),
    )


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_signed_but_malformed_is_400_and_recorded(client, stripe_mode, body):
    response = _post_signed(client, body)

    assert response.status_code == 400
    stored = WebhookEvent.objects.get()
    assert stored.type == "malformed"
    assert stored.event_id.startswith("malformed:")
    assert stored.error and stored.processed_at is None


def test_the_same_malformed_body_is_recorded_once(client, stripe_mode):
    body = MALFORMED["no id"]
    assert _post_signed(client, body).status_code == 400
    assert _post_signed(client, body).status_code == 400
    assert WebhookEvent.objects.count() == 1


def test_unsigned_garbage_is_400_and_not_recorded(client, stripe_mode):
    response = client.post(
        WEBHOOK_URL,
        data=MALFORMED["deep json"],
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=bad",
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
