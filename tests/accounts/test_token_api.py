from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# /me needs a caller and says who it is, so it proves which user a token stands for.
PROTECTED = "/api/v1/me"


def _obtain(api_client, email: str = "candidate@example.com", password: str = PASSWORD):
    return api_client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json"
    )


def _protected(api_client, token: str):
    return api_client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_email_and_password_give_tokens_that_authenticate(api_client, candidate):
    response = _obtain(api_client, email="  Candidate@Example.com ")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    me = _protected(api_client, response.json()["access"])
    assert me.status_code == 200
    assert me.json()["email"] == "candidate@example.com"


def test_no_credentials_is_401(api_client, db):
    response = api_client.get(PROTECTED)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_wrong_password_is_401_in_our_shape(api_client, candidate):
    response = _obtain(api_client, password="not-the-password")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The email or password is not correct.",
        "code": "invalid_credentials",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_email_is_the_same_401(api_client, db):
    response = _obtain(api_client, email="nobody@example.com")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_are_400_in_our_shape(api_client, db):
    response = api_client.post("/api/v1/auth/token", {"email": "a@example.com"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "password" in body["detail"]


def test_inactive_user_gets_no_token(api_client, candidate):
    candidate.is_active = False
    candidate.save()
    assert _obtain(api_client).status_code == 401


def test_refresh_gives_a_new_working_access_token(api_client, candidate):
    refresh = _obtain(api_client).json()["refresh"]
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": refresh}, format="json")
    assert response.status_code == 200
    assert _protected(api_client, response.json()["access"]).status_code == 200


def test_access_token_is_not_a_refresh_token(api_client, candidate):
    access = _obtain(api_client).json()["access"]
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": access}, format="json")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_expired_access_token_is_401(api_client, candidate, settings):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        access = _obtain(api_client).json()["access"]
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    assert lifetime < timedelta(hours=1)
    response = _protected(api_client, access)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"detail", "code"}


def test_expired_refresh_token_is_401(api_client, candidate, settings):
    with time_machine.travel(timezone.now() - timedelta(days=30), tick=False):
        refresh = _obtain(api_client).json()["refresh"]
    assert settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] < timedelta(days=30)
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_tampered_token_is_401(api_client, candidate, other_candidate):
    access = _obtain(api_client).json()["access"]
    header, payload, signature = access.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    response = _protected(api_client, f"{header}.{payload}.{flipped}")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_token_signed_with_another_key_is_401(api_client, candidate):
    import jwt

    forged = jwt.encode(
        {"token_type": "access", "user_id": str(candidate.pk), "exp": 4102444800, "jti": "x"},
        "not-our-secret-key-but-long-enough-for-hs256",
        algorithm="HS256",
    )
    assert _protected(api_client, forged).status_code == 401


def test_mandatory_confirmation_also_guards_the_api(api_client, candidate, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    EmailAddress.objects.filter(user=candidate).update(verified=False)
    response = _obtain(api_client)
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    EmailAddress.objects.filter(user=candidate).update(verified=True)
    assert _obtain(api_client).status_code == 200


def test_password_guessing_is_locked_out(api_client, candidate, settings):
    with time_machine.travel(timezone.now(), tick=False):
        codes = [_obtain(api_client, password=f"guess-{n}").status_code for n in range(11)]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [401] * (limit - 1)
    assert codes[limit - 1 :] == [429] * (len(codes) - limit + 1)


def test_token_requests_are_throttled_per_address(api_client, db):
    with time_machine.travel(timezone.now(), tick=False):
        codes = [
            api_client.post("/api/v1/auth/token/refresh", {"refresh": "x"}, format="json")
            for _ in range(21)
        ]
    assert [r.status_code for r in codes[:20]] == [401] * 20
    assert codes[20].status_code == 429
    assert codes[20].json()["code"] == "throttled"


SIGN_IN_AGAIN = {
    "detail": "Your session has expired or the token is invalid. Sign in again.",
    "code": "not_authenticated",
}


def test_bad_token_says_to_sign_in_again(api_client, candidate):
    # simplejwt's own "Given token not valid for any token type" tells a person nothing.
    assert _protected(api_client, "abc.def.ghi").json() == SIGN_IN_AGAIN
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        expired = _obtain(api_client).json()["access"]
    assert _protected(api_client, expired).json() == SIGN_IN_AGAIN
    refresh = api_client.post("/api/v1/auth/token/refresh", {"refresh": "abc"}, format="json")
    assert refresh.status_code == 401
    assert refresh.json() == SIGN_IN_AGAIN


def test_malformed_authorization_header_says_how_to_send_it(api_client, db):
    response = api_client.get(PROTECTED, HTTP_AUTHORIZATION="Bearer two words")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The Authorization header is malformed. Send it as 'Bearer <access token>'.",
        "code": "not_authenticated",
    }


def test_token_of_a_deleted_account_says_to_sign_in_again(api_client, db):
    import uuid

    from rest_framework_simplejwt.tokens import AccessToken

    # A validly signed token whose user is gone (ledger rows keep real users from being deleted).
    access = AccessToken()
    access["user_id"] = str(uuid.uuid4())
    response = _protected(api_client, str(access))
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The account this token belongs to no longer exists. Sign in again."
    )
