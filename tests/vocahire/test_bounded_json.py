"""Malformed JSON anywhere in the API is a 400 in our error shape, never a 500."""

from __future__ import annotations

import pytest

from tests.factories import api_as

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "body",
    [DEEP, '{"email": ' * 50_000 + "1" + "}" * 50_000, "{not json", '{"a": "\\ud800"', "\xff"],
    ids=["deep list", "deep object", "syntax", "truncated", "bad utf-8"],
)
def test_anonymous_token_endpoint_rejects_malformed_json(client, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"]


def test_depth_beyond_the_limit_is_refused_even_when_python_could_parse_it(client, settings):
    settings.API_JSON_MAX_DEPTH = 5
    body = '{"email": [[[[["x"]]]]], "password": "p"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_body_over_the_size_limit_is_refused(client, settings):
    settings.API_JSON_MAX_BYTES = 100
    body = '{"email": "' + "a" * 200 + '", "password": "p"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_signed_in_endpoints_too(candidate):
    response = api_as(candidate).post(
        "/api/v1/interviews", data=DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_ordinary_json_still_works(client, candidate):
    response = client.post(
        "/api/v1/auth/token",
        {"email": candidate.email, "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert response.status_code == 200
