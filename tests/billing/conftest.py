"""Billing test plumbing: packs, plans, Stripe-mode settings and correctly signed webhook posts."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from django.test import Client

from billing.models import CreditPack, Payment, Plan

STRIPE_DATA = Path(__file__).resolve().parent.parent / "data" / "stripe"
WEBHOOK_SECRET = "whsec_test_vocahire_0123456789"
WEBHOOK_URL = "/billing/webhooks/stripe"


def stripe_json(name: str, **placeholders: str) -> dict:
    """A recorded Stripe payload with our ids filled in (PAYMENT_ID, USER_ID, PLAN_ID)."""
    text = (STRIPE_DATA / f"{name}.json").read_text()
    for placeholder, value in placeholders.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def stripe_signature(
    body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """The Stripe-Signature header: t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<body>")."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def post_event(client: Client, event: dict, *, signature: str | None = None):
    body = json.dumps(event).encode()
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature if signature is not None else stripe_signature(body),
    )


@pytest.fixture
def stripe_mode(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_vocahire_0123456789"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def pack(db) -> CreditPack:
    return CreditPack.objects.create(name="Starter", slug="starter", credits=5, price_cents=900)


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.create(name="Case monthly", slug="case-monthly", price_cents=1900)


def stripe_payment(user, *, pack=None, plan=None, reference: str) -> Payment:
    item = pack or plan
    return Payment.objects.create(
        user=user,
        provider="stripe",
        provider_reference=reference,
        pack=pack,
        plan=plan,
        amount_cents=item.price_cents,
        currency=item.currency,
    )
