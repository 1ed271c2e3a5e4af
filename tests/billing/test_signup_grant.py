"""Sign-up through allauth grants SIGNUP_FREE_CREDITS exactly once."""

from __future__ import annotations

from allauth.account.signals import user_signed_up
from django.test import RequestFactory

from accounts.models import User
from billing.models import LedgerEntry
from billing.services import credits_balance
from tests.conftest import PASSWORD


def _signup(client, email: str):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_grants_free_credits_once(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 3

    response = _signup(client, "fresh@example.com")

    assert response.status_code == 302
    user = User.objects.get(email="fresh@example.com")
    assert credits_balance(user_id=user.pk) == 3
    entry = LedgerEntry.objects.get(user=user)
    assert (entry.kind, entry.delta, entry.idempotency_key) == (
        "signup_grant",
        3,
        f"signup:{user.pk}",
    )
    # A repeated signal (a retried request, a second receiver) changes nothing.
    user_signed_up.send(sender=User, request=RequestFactory().get("/"), user=user)
    assert credits_balance(user_id=user.pk) == 3
    assert LedgerEntry.objects.filter(user=user).count() == 1


def test_signup_grant_follows_the_setting(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 0

    _signup(client, "nofree@example.com")

    user = User.objects.get(email="nofree@example.com")
    assert credits_balance(user_id=user.pk) == 0
    assert not LedgerEntry.objects.filter(user=user).exists()


def test_nav_shows_the_welcome_credits(client, db, settings):
    settings.SIGNUP_FREE_CREDITS = 3
    _signup(client, "nav@example.com")

    body = client.get("/dashboard/").content.decode()

    assert 'data-role="credits"' in body and "3 credits" in body
