from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Profile, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def _signup(client, email: str = "new@example.com"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def _login(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_use_the_site_layout(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert re.search(r'<label for="id_(login|email)">Email</label>', page)


def _confirm_from_email(client):
    key_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    return client.post(key_path)


def test_signup_creates_user_and_profile_and_confirming_signs_in(client, db):
    response = _signup(client, "New.Person@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.com")
    assert Profile.objects.filter(user=user).exists()
    assert user.check_password(PASSWORD)
    assert not _is_logged_in(client)

    confirmed = _confirm_from_email(client)

    assert confirmed.status_code == 302
    assert _is_logged_in(client)


def test_signup_with_a_taken_email_looks_like_any_other_signup(client, candidate):
    # No account enumeration: the page cannot tell a registered address from a new one; the
    # owner of the address gets an email saying an account already exists.
    taken = _signup(client, "CANDIDATE@example.com")
    fresh = _signup(Client(), "someone-new@example.com")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email__iexact="candidate@example.com").count() == 1
    assert mail.outbox[0].to == ["candidate@example.com"]
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_signups_per_address_are_limited(client, db):
    codes = [_signup(Client(), f"throwaway{n}@example.com").status_code for n in range(6)]
    assert codes[:5] == [302] * 5
    assert codes[5] == 429
    assert User.objects.count() == 5


def test_signup_with_mismatched_passwords_is_refused(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.com", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "You must type the same password each time" in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()


def test_login_with_email_and_password(client, candidate):
    response = _login(client, "candidate@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(candidate.pk)


def test_login_with_a_wrong_password_says_so(client, candidate):
    response = _login(client, "candidate@example.com", "not-the-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not _is_logged_in(client)


def test_logout_is_a_post(client, candidate):
    client.force_login(candidate)
    assert client.get("/accounts/logout/").status_code == 200  # a confirm page, not a logout
    assert _is_logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not _is_logged_in(client)


def test_password_reset_by_email(client, candidate):
    response = client.post("/accounts/password/reset/", {"email": "candidate@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["candidate@example.com"]
    assert mail.outbox[0].subject.startswith("[Vocahire] ")
    assert "works once" in mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert 'name="password1"' in form_page.content.decode()
    response = client.post(
        form_page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.check_password(NEW_PASSWORD)
    assert _login(client, "candidate@example.com", NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_used_reset_link_no_longer_works(client, candidate):
    client.post("/accounts/password/reset/", {"email": "candidate@example.com"})
    path = re.search(r"(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    target = form_page.request["PATH_INFO"]
    client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


@pytest.fixture
def mandatory_confirmation(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_optional_confirmation_still_sends_the_email(client, db):
    _signup(client)
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert "signed up for Vocahire" in mail.outbox[0].body


def test_mandatory_confirmation_blocks_login_until_confirmed(client, db, mandatory_confirmation):
    response = _signup(client)
    assert response["Location"] == "/accounts/confirm-email/"
    assert not _is_logged_in(client)
    blocked = _login(client, "new@example.com")
    assert blocked["Location"] == "/accounts/confirm-email/"
    assert not _is_logged_in(client)
    assert "Confirm your email address" in client.get("/accounts/confirm-email/").content.decode()

    key_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert "Confirm that" in client.get(key_path).content.decode()
    assert client.post(key_path).status_code == 302

    assert _login(client, "new@example.com").status_code == 302
    assert _is_logged_in(client)


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/"])
def test_account_management_pages_use_the_site_layout(client, candidate, path):
    client.force_login(candidate)
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


def test_field_errors_are_tied_to_their_inputs(client, candidate):
    page = _signup(client, "not-an-email").content.decode()
    assert 'aria-invalid="true" aria-describedby="email-errors"' in page
    assert '<div id="email-errors">' in page


def test_password_errors_and_help_are_tied_to_the_password_inputs(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "typed@example.com", "password1": "123", "password2": "123"},
    )
    page = response.content.decode()
    assert re.search(
        r'<input type="password" name="password1" id="id_password1" aria-invalid="true"'
        r' aria-describedby="password1-help password1-errors"',
        page,
    )
    assert '<span class="helptext" id="password1-help">' in page
    assert '<div id="password1-errors">' in page
    # What the person typed comes back in the email field, never in a password field.
    assert 'value="typed@example.com"' in page
    assert 'value="123"' not in page


def test_login_form_keeps_the_typed_email_and_no_password(client, candidate):
    page = _login(client, "candidate@example.com", "wrong-password").content.decode()
    assert re.search(r'name="login" id="id_login"[^>]* value="candidate@example.com"', page)
    assert "wrong-password" not in page
