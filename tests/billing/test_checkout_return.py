"""Checkout comes back to the page it started from: a validated same-site `next`, never elsewhere."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from billing import returns
from billing.models import Payment
from billing.services import credits_balance
from tests.payloads import STRIPE_DATA

STRIPE_SESSIONS = "https://api.stripe.com/v1/checkout/sessions"
ROOM = "/interviews/7c9e6679-7425-40de-944b-e07fc1f90ae7/room/"


@pytest.fixture
def candidate_client(client, candidate):
    client.force_login(candidate)
    return client


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/ok\nSet-Cookie: x",
        "interviews/new/",
        "",
        None,
        "/" + "a" * 600,
    ],
)
def test_next_path_refuses_anything_but_a_local_path(value):
    assert returns.next_path(value) == ""


def test_next_path_keeps_a_local_path_and_its_query():
    assert returns.next_path("/interviews/new/?case=bakery") == "/interviews/new/?case=bakery"
    assert returns.pricing_url("/cases/bakery/") == "/billing/pricing/?next=%2Fcases%2Fbakery%2F"
    assert returns.pricing_url("https://evil.example/") == "/billing/pricing/"


def test_pricing_carries_a_valid_next_into_each_checkout_form(client, pack, plan):
    html = client.get("/billing/pricing/", {"next": ROOM}).content.decode()

    assert html.count(f'<input type="hidden" name="next" value="{ROOM}">') == 2
    assert 'data-role="return-path"' in html


def test_pricing_drops_an_external_next(client, pack):
    html = client.get("/billing/pricing/", {"next": "https://evil.example/"}).content.decode()

    assert 'name="next"' not in html and "evil.example" not in html


def test_test_mode_checkout_returns_to_the_interview_after_paying(
    candidate_client, candidate, pack
):
    start = candidate_client.post("/billing/checkout/", {"pack": "starter", "next": ROOM})
    payment = Payment.objects.get()
    assert start["Location"] == f"/billing/checkout/test/{payment.pk}/?next=%2Finterviews%2F" + (
        ROOM.removeprefix("/interviews/").replace("/", "%2F")
    )

    paid = candidate_client.post(start["Location"], {"action": "pay"})
    success = candidate_client.get(paid["Location"])

    assert credits_balance(user_id=candidate.pk) == 8
    assert success.status_code == 302 and success["Location"] == ROOM
    followed = candidate_client.get("/dashboard/")
    assert "5 credits added to your balance" in followed.content.decode()


def test_test_mode_checkout_refuses_an_external_next(candidate_client, pack):
    start = candidate_client.post(
        "/billing/checkout/", {"pack": "starter", "next": "https://evil.example/"}
    )
    assert "evil" not in start["Location"]

    paid = candidate_client.post(start["Location"] + "?next=//evil.example/", {"action": "pay"})
    assert "evil" not in paid["Location"]
    success = candidate_client.get(paid["Location"] + "&next=https://evil.example/")

    assert success.status_code == 200  # the thank-you page, no redirect anywhere
    assert b"evil.example" not in success.content


def test_cancelling_offers_the_way_back(candidate_client, pack):
    start = candidate_client.post("/billing/checkout/", {"pack": "starter", "next": ROOM})

    cancelled = candidate_client.post(start["Location"], {"action": "cancel"})
    page = candidate_client.get(cancelled["Location"]).content.decode()

    assert f'href="{ROOM}" data-role="return"' in page


@respx.mock(assert_all_called=True)
def test_stripe_success_and_cancel_urls_carry_the_return_path(
    respx_mock, candidate_client, pack, stripe_mode
):
    recorded = json.loads((STRIPE_DATA / "checkout_session_create_response.json").read_text())
    route = respx_mock.post(STRIPE_SESSIONS).mock(return_value=httpx.Response(200, json=recorded))

    candidate_client.post("/billing/checkout/", {"pack": "starter", "next": "/interviews/new/"})

    form = parse_qs(route.calls.last.request.content.decode())
    assert form["success_url"] == [
        "http://testserver/billing/checkout/success/?session_id={CHECKOUT_SESSION_ID}"
        "&next=%2Finterviews%2Fnew%2F"
    ]
    assert form["cancel_url"] == [
        "http://testserver/billing/checkout/cancel/?next=%2Finterviews%2Fnew%2F"
    ]


def test_stripe_success_waits_for_the_webhook_then_links_back(candidate_client, candidate, pack):
    Payment.objects.create(
        user=candidate,
        pack=pack,
        provider="stripe",
        provider_reference="cs_test_pending",
        amount_cents=900,
        currency="eur",
        credits=5,
    )

    page = candidate_client.get(
        "/billing/checkout/success/", {"session_id": "cs_test_pending", "next": ROOM}
    )

    assert page.status_code == 200  # not paid yet: no redirect, the link waits
    assert f'href="{ROOM}" data-role="return"' in page.content.decode()
