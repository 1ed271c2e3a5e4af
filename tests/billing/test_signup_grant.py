"""Free sign-up credits arrive once, when the email address is confirmed, never at sign-up."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.test import RequestFactory

from accounts.models import User
from billing.models import LedgerEntry
from billing.services import credits_balance
from tests.factories import PASSWORD


def _signup(client, email: str):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def _confirm(client):
    key_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    return client.post(key_path)


def test_signup_alone_grants_nothing(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 3

    _signup(client, "fresh@example.com")

    user = User.objects.get(email="fresh@example.com")
    assert credits_balance(user_id=user.pk) == 0
    assert not LedgerEntry.objects.filter(user=user).exists()


def test_confirming_the_address_grants_the_free_credits_once(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 3
    _signup(client, "fresh@example.com")

    assert _confirm(client).status_code == 302

    user = User.objects.get(email="fresh@example.com")
    assert credits_balance(user_id=user.pk) == 3
    entry = LedgerEntry.objects.get(user=user)
    assert (entry.kind, entry.delta, entry.idempotency_key) == (
        "signup_grant",
        3,
        f"signup:{user.pk}",
    )
    # A repeated signal (a second address confirmed, a retried request) changes nothing.
    address = EmailAddress.objects.get(user=user)
    email_confirmed.send(sender=User, request=RequestFactory().get("/"), email_address=address)
    assert credits_balance(user_id=user.pk) == 3
    assert LedgerEntry.objects.filter(user=user).count() == 1


def test_unconfirmed_accounts_get_no_api_token_either(api_client, db):
    _signup(api_client, "fresh@example.com")
    response = api_client.post(
        "/api/v1/auth/token", {"email": "fresh@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_a_site_that_confirms_nothing_grants_at_signup(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    settings.SIGNUP_FREE_CREDITS = 3

    _signup(client, "fresh@example.com")

    assert credits_balance(user_id=User.objects.get(email="fresh@example.com").pk) == 3


def test_signup_grant_follows_the_setting(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 0

    _signup(client, "nofree@example.com")
    _confirm(client)

    user = User.objects.get(email="nofree@example.com")
    assert credits_balance(user_id=user.pk) == 0
    assert not LedgerEntry.objects.filter(user=user).exists()


def test_nav_shows_the_welcome_credits(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 3
    _signup(client, "nav@example.com")
    _confirm(client)

    body = client.get("/dashboard/").content.decode()

    assert 'data-role="credits"' in body and "3 credits" in body
