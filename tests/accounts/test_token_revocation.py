"""API tokens can be taken back: rotation, logout, and a password change or reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def _pair(api_client, password: str = PASSWORD) -> dict:
    response = api_client.post(
        "/api/v1/auth/token",
        {"email": "candidate@example.com", "password": password},
        format="json",
    )
    assert response.status_code == 200
    return response.json()


def _me(api_client, access: str) -> int:
    return api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}").status_code


def _refresh(api_client, refresh: str):
    return api_client.post("/api/v1/auth/token/refresh", {"refresh": refresh}, format="json")


def _dead(api_client, pair: dict) -> bool:
    return (
        _me(api_client, pair["access"]) == 401
        and _refresh(api_client, pair["refresh"]).status_code == 401
    )


def test_refresh_rotates_and_the_old_refresh_token_works_once(api_client, candidate):
    pair = _pair(api_client)

    first = _refresh(api_client, pair["refresh"])
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"}
    assert first.json()["refresh"] != pair["refresh"]

    replay = _refresh(api_client, pair["refresh"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "not_authenticated"
    assert _refresh(api_client, first.json()["refresh"]).status_code == 200


def test_logout_with_the_access_token_ends_access_and_refresh(api_client, candidate):
    pair, other_device = _pair(api_client), _pair(api_client)

    response = api_client.post(
        "/api/v1/auth/logout",
        {"refresh": pair["refresh"]},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {pair['access']}",
    )

    assert response.status_code == 204
    assert _dead(api_client, pair)
    assert _dead(api_client, other_device)
    assert _me(api_client, _pair(api_client)["access"]) == 200  # signing in again works


def test_logout_with_only_a_refresh_token(api_client, candidate):
    pair = _pair(api_client)

    response = api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 204
    assert _dead(api_client, pair)


def test_logout_without_credentials_is_401(api_client, db):
    response = api_client.post("/api/v1/auth/logout", {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    revoked = api_client.post("/api/v1/auth/logout", {"refresh": "abc"}, format="json")
    assert revoked.status_code == 401


def test_a_password_change_ends_every_token(api_client, candidate):
    pair = _pair(api_client)
    page = Client()
    page.force_login(candidate)

    response = page.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _dead(api_client, pair)
    assert _me(api_client, _pair(api_client, NEW_PASSWORD)["access"]) == 200


def test_a_password_reset_ends_every_token(api_client, candidate):
    pair = _pair(api_client)
    page = Client()
    page.post("/accounts/password/reset/", {"email": candidate.email})
    path = re.search(r"(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form = page.get(path, follow=True)

    page.post(form.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert _dead(api_client, pair)


def test_a_password_set_by_staff_ends_every_token(api_client, candidate):
    pair = _pair(api_client)
    candidate.set_password(NEW_PASSWORD)
    candidate.save()
    assert _dead(api_client, pair)


def test_authenticating_with_a_token_costs_one_query(
    api_client, candidate, django_assert_num_queries
):
    access = _pair(api_client)["access"]
    from rest_framework.test import APIRequestFactory

    from accounts.tokens import VersionedJWTAuthentication

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {access}")
    with django_assert_num_queries(1):  # the user row; the claims are compared in memory
        user, _ = VersionedJWTAuthentication().authenticate(request)
    assert user == candidate
