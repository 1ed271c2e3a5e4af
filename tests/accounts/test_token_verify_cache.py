"""An access token's signature is verified once per process; its expiry still holds every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework_simplejwt import tokens as jwt_tokens

from accounts import tokens
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _access(api_client) -> str:
    response = api_client.post(
        "/api/v1/auth/token",
        {"email": "candidate@example.com", "password": PASSWORD},
        format="json",
    )
    return response.json()["access"]


def _me(api_client, token: str):
    return api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_seen_token_is_not_verified_again(api_client, candidate, monkeypatch):
    access = _access(api_client)
    assert _me(api_client, access).status_code == 200
    verified: list[object] = []
    real_init = jwt_tokens.Token.__init__

    def counting_init(self, token=None, verify=True):  # noqa: ANN001, ANN202
        verified.append(token)
        real_init(self, token, verify)

    monkeypatch.setattr(jwt_tokens.Token, "__init__", counting_init)
    assert _me(api_client, access).status_code == 200
    assert verified == []
    assert _me(api_client, "x" + access).status_code == 401  # the counter does count
    assert verified


def test_a_seen_token_still_expires(api_client, candidate, settings):
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    access = _access(api_client)
    assert _me(api_client, access).status_code == 200
    with time_machine.travel(timezone.now() + lifetime + timedelta(minutes=1), tick=False):
        response = _me(api_client, access)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert access.encode() not in tokens._verified


def test_a_tampered_token_is_never_cached(api_client, candidate):
    access = _access(api_client)
    head, payload, signature = access.split(".")
    forged = f"{head}.{payload}.{signature[:-2]}AA"
    assert _me(api_client, forged).status_code == 401
    assert forged.encode() not in tokens._verified
    assert _me(api_client, access).status_code == 200


def test_new_signing_settings_forget_verified_tokens(api_client, candidate, settings):
    access = _access(api_client)
    assert _me(api_client, access).status_code == 200
    assert access.encode() in tokens._verified
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": "another-key-" * 4}
    assert access.encode() not in tokens._verified
