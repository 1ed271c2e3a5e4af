"""GET /api/v1/realtime/health: provider, breaker state and the last upstream latency."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import job_interview_draft, jwt_client
from tests.payloads import session_url
from vocahire.lib.breaker import mint_breaker

pytestmark = pytest.mark.usefixtures("realtime_settings")
URL = "/api/v1/realtime/health"


def test_health_before_any_mint(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = APIClient().get(URL)

    assert response.status_code == 200
    assert response.json() == {"provider": "openai", "breaker": "closed", "last_upstream_ms": None}
    assert "Retry-After" not in response


def test_health_reports_the_last_upstream_latency(candidate, mint_route):
    jwt_client(candidate).post(session_url(job_interview_draft(candidate)))

    body = APIClient().get(URL).json()

    assert isinstance(body["last_upstream_ms"], float) and body["last_upstream_ms"] >= 0


def test_health_while_the_breaker_is_open(db):
    mint_breaker().open()

    response = APIClient().get(URL)

    assert response.json()["breaker"] == "open"
    assert 1 <= int(response["Retry-After"]) <= 30
