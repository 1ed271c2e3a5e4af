"""Every API error, including the framework's own, has the shape {"detail", "code"}."""

from __future__ import annotations

from unittest import mock

import pytest

from tests.factories import api_as

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_404_in_our_shape(candidate):
    response = api_as(candidate).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}
    assert response.json()["detail"]


def test_wrong_method_is_405_in_our_shape(candidate):
    response = api_as(candidate).delete("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
    }


def test_malformed_json_is_400_in_our_shape(api_client, db):
    response = api_client.post(
        "/api/v1/auth/token", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "JSON parse error" in body["detail"]


def test_missing_credentials_401_in_our_shape(api_client, db):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": (
            "Sign in first: send your session cookie or an"
            " 'Authorization: Bearer <access token>' header."
        ),
        "code": "not_authenticated",
    }


def test_unexpected_api_crash_is_500_in_our_shape_without_a_trace(client, db):
    client.raise_request_exception = False
    with mock.patch("accounts.api.TokenObtainApi.post", side_effect=RuntimeError("secret detail")):
        response = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again.",
        "code": "server_error",
    }


def test_unknown_page_is_an_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_missing_csrf_token_says_to_reload_the_page(candidate):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(candidate)
    response = browser.post("/api/v1/interviews", {"kind": "job", "job_title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your page is out of date (security check failed). Reload it and try again.",
        "code": "csrf_failed",
    }
