"""GET /api/v1/me: who I am, my credits and my subscription (from the cached snapshot)."""

from __future__ import annotations

from tests.factories import PASSWORD, api_as


def test_me_for_a_candidate(candidate, django_assert_max_num_queries):
    client = api_as(candidate)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(candidate.pk),
        "email": "candidate@example.com",
        "credits": 3,
        "premium": False,
        "subscription": None,
    }


def test_me_for_a_subscriber(subscriber):
    body = api_as(subscriber).get("/api/v1/me").json()

    assert body["premium"] is True and body["credits"] == 1
    subscription = subscriber.subscriptions.get()
    assert body["subscription"] == {
        "plan": "Monthly",
        "status": "active",
        "current_period_end": subscription.current_period_end.isoformat().replace("+00:00", "Z"),
    }


def test_me_on_a_cache_hit_reads_no_billing_tables(candidate, django_assert_num_queries):
    client = api_as(candidate)
    client.get("/api/v1/me")

    with django_assert_num_queries(0):  # force_authenticate: no session or user query either
        assert client.get("/api/v1/me").json()["credits"] == 3


def test_me_with_a_jwt(client, candidate):
    tokens = client.post(
        "/api/v1/auth/token",
        {"email": "candidate@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert tokens.status_code == 200

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")

    assert response.status_code == 200 and response.json()["email"] == "candidate@example.com"


def test_me_without_credentials_is_401(api_client, db):
    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
