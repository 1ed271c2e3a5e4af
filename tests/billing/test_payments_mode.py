"""Production settings with no payment provider: nothing can be bought, nothing is free."""

from __future__ import annotations

import pytest

from billing.models import Payment
from billing.services import credits_balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_without_provider(settings):
    settings.DEBUG = False
    settings.PAYMENTS_TEST_MODE = False
    settings.STRIPE_SECRET_KEY = ""
    return settings


def test_pricing_says_purchases_are_off_and_offers_no_buy_button(
    client, candidate, pack, plan, production_without_provider
):
    client.force_login(candidate)
    page = client.get("/billing/pricing/")

    assert page.status_code == 200
    assert b'data-role="purchases-off"' in page.content
    assert b'data-action="buy"' not in page.content
    assert b'data-action="subscribe"' not in page.content
    assert b'data-role="test-mode"' not in page.content
    assert b"STRIPE" not in page.content  # candidate-facing copy names no setting


def test_checkout_is_refused_and_records_no_payment(
    client, candidate, pack, production_without_provider
):
    client.force_login(candidate)

    response = client.post("/billing/checkout/", {"pack": "starter"}, follow=True)

    assert response.redirect_chain[-1][0] == "/billing/pricing/"
    assert "not available" in [str(m) for m in response.context["messages"]][0]
    assert not Payment.objects.exists()
    assert credits_balance(user_id=candidate.pk) == 3


def test_a_test_checkout_made_earlier_cannot_be_paid(client, candidate, pack, settings):
    client.force_login(candidate)
    start = client.post("/billing/checkout/", {"pack": "starter"})  # test mode still on
    settings.PAYMENTS_TEST_MODE = False

    assert client.post(start["Location"], {"action": "pay"}).status_code == 404
    assert credits_balance(user_id=candidate.pk) == 3


@pytest.mark.parametrize(
    ("debug", "test_mode", "expected"), [(True, False, True), (False, True, True)]
)
def test_test_mode_needs_debug_or_the_explicit_setting(
    client, candidate, pack, settings, debug, test_mode, expected
):
    settings.DEBUG, settings.PAYMENTS_TEST_MODE, settings.STRIPE_SECRET_KEY = debug, test_mode, ""
    client.force_login(candidate)

    page = client.get("/billing/pricing/")

    assert (b'data-role="test-mode"' in page.content) is expected
    assert (b'data-action="buy"' in page.content) is expected
