"""Embedded default (`make run`: DEBUG, console email): a newcomer reaches a first practice without
reading the server log, because the "check your email" page carries the link itself."""

from __future__ import annotations

import pytest

from accounts.models import User
from billing.services import credits_balance
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signup(client):
    return client.post(
        "/accounts/signup/",
        {"email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


@pytest.fixture
def console_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    return settings


def test_debug_with_console_email_shows_the_confirmation_link(client, console_email, capsys):
    console_email.DEBUG = True
    page = _signup(client)
    capsys.readouterr()  # the console "email"

    link = page.context["request"].session["dev_confirmation_url"]
    assert f'href="{link}"' in page.content.decode()
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert client.post(link).status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    assert credits_balance(user_id=user.pk) == 3
    assert client.get("/interviews/new/").status_code == 200


def test_without_debug_the_page_never_shows_the_link(client, console_email, capsys):
    console_email.DEBUG = False
    page = _signup(client)
    capsys.readouterr()

    assert 'data-role="dev-confirmation"' not in page.content.decode()
    assert "/accounts/confirm-email/" not in page.content.decode()
