"""Brute force on every password surface, with a fresh X-Forwarded-For on each guess.

The attacker rotates the header (and, for the per-account lockout, the socket address too); the
lockout must hold on the sign-in page, the admin and the API token endpoint alike.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

GUESSES = 15  # past the limit of 10: the report used 40, the property is the same


def _forwarded(n: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n % 250 + 1}"}


def _page_login(client: Client, email: str, password: str, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _admin_login(client: Client, email: str, password: str, **extra):
    data = {"username": email, "password": password, "next": "/admin/"}
    return client.post("/admin/login/?next=/admin/", data, **extra)


def _api_login(client: Client, email: str, password: str, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"email": email, "password": password},
        content_type="application/json",
        **extra,
    )


SURFACES = {"page": _page_login, "admin": _admin_login, "api": _api_login}


def _logged_in(surface: str, client: Client, response) -> bool:
    if surface == "api":
        return response.status_code == 200 and "access" in response.json()
    return "_auth_user_id" in client.session


@pytest.fixture
def victim(db):
    return make_user("victim@example.com", is_staff=True)


@pytest.mark.parametrize("surface", SURFACES)
def test_rotating_forwarded_for_does_not_escape_the_address_lockout(surface, victim):
    attempt = SURFACES[surface]
    client = Client()
    for n in range(GUESSES):
        attempt(client, f"guess{n}@example.com", "wrong-password", **_forwarded(n))

    response = attempt(client, victim.email, PASSWORD, **_forwarded(GUESSES))

    assert response.status_code == 429
    assert not _logged_in(surface, client, response)


@pytest.mark.parametrize("surface", SURFACES)
def test_guesses_from_many_addresses_lock_the_account(surface, victim):
    attempt = SURFACES[surface]
    client = Client()
    for n in range(GUESSES):
        attempt(client, victim.email, f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n + 1}")

    response = attempt(client, victim.email, PASSWORD, REMOTE_ADDR="192.0.2.200")

    assert response.status_code == 429
    assert not _logged_in(surface, client, response)


def test_api_lockout_is_our_error_shape(victim, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _api_login(client, victim.email, f"guess-{n}")

    response = _api_login(client, victim.email, PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_login_attempts"
    assert int(response["Retry-After"]) > 0


def test_behind_one_trusted_proxy_the_proxy_appended_address_counts(victim, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for n in range(GUESSES):
        # The attacker writes whatever they like first; our proxy appends what it saw.
        header = {"HTTP_X_FORWARDED_FOR": f"10.0.{n}.1, 203.0.113.7"}
        _page_login(client, f"guess{n}@example.com", "wrong", REMOTE_ADDR="10.1.1.1", **header)

    response = _page_login(
        client,
        victim.email,
        PASSWORD,
        REMOTE_ADDR="10.1.1.1",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7",
    )
    assert response.status_code == 429

    # Someone else behind the same proxy is not locked out.
    other = Client()
    response = _page_login(
        other, victim.email, PASSWORD, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_a_few_mistakes_do_not_lock_anyone_out(victim):
    client = Client()
    for n in range(3):
        _page_login(client, victim.email, f"typo-{n}")
    assert _page_login(client, victim.email, PASSWORD).status_code == 302
