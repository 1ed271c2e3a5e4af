"""Billing test plumbing: packs, plans, Stripe-mode settings and correctly signed webhook posts."""

from __future__ import annotations

import pytest

from billing.models import CreditPack, Plan
from tests.payloads import WEBHOOK_SECRET


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
