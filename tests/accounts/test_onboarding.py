"""The onboarding step after sign-up: allauth sends a new account there once; it is skippable."""

from __future__ import annotations

import re

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import make_case


def _signup(client, email: str = "new@example.com"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_confirming_a_new_account_lands_on_onboarding(client, db):
    _signup(client)
    key_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)

    confirmed = client.post(key_path)

    assert confirmed.status_code == 302 and confirmed["Location"] == "/welcome/"


def test_a_site_without_confirmation_sends_sign_up_to_onboarding(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"

    response = _signup(client)

    assert response.status_code == 302 and response["Location"] == "/welcome/"


def test_later_logins_go_to_the_dashboard_not_onboarding_again(client, candidate):
    response = client.post("/accounts/login/", {"login": candidate.email, "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_onboarding_offers_resume_mic_check_and_a_first_free_practice(client, candidate):
    make_case("sample-case", free=True)
    make_case("paid-case")
    client.force_login(candidate)

    response = client.get("/welcome/")
    html = response.content.decode()

    assert 'data-action="skip-onboarding"' in html and 'href="/dashboard/"' in html
    assert 'action="/profile/resume/"' in html and 'value="onboarding"' in html
    assert 'data-action="mic-check"' in html and "js/onboarding.js" in html
    assert "A job interview costs 1 credit and you have 3" in html
    assert "Sample Case" in html and "Paid Case" not in html
    assert "microphone=(self)" in response["Permissions-Policy"]


def test_uploading_a_resume_from_onboarding_comes_back_to_it(client, candidate):
    client.force_login(candidate)
    upload = SimpleUploadedFile("cv.txt", b"Ten years of retail analytics.", "text/plain")

    response = client.post("/profile/resume/", {"resume": upload, "next": "onboarding"})

    assert response.status_code == 302 and response["Location"] == "/welcome/"
    assert 'data-role="resume-done"' in client.get("/welcome/").content.decode()
    assert User.objects.get(pk=candidate.pk).profile.resume_text.startswith("Ten years")


def test_onboarding_needs_a_login(client, db):
    response = client.get("/welcome/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
