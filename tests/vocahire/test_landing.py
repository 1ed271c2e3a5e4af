from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_landing_says_what_the_product_does(client, settings, django_assert_num_queries):
    settings.SIGNUP_FREE_CREDITS = 3
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Practise interviews out loud with an AI interviewer" in page
    assert 'href="/accounts/signup/"' in page
    assert "3 free job interviews" in page
    assert 'href="#main"' in page  # skip link for keyboard users


def test_landing_sends_people_who_are_logged_in_to_their_dashboard(client, candidate):
    client.force_login(candidate)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_free_interviews_follow_the_price_of_an_interview(client, settings):
    settings.SIGNUP_FREE_CREDITS = 4
    settings.INTERVIEW_CREDIT_COST = 2
    assert "2 free job interviews when you sign up" in client.get("/").content.decode()
    settings.SIGNUP_FREE_CREDITS = 0
    assert "free job interview" not in client.get("/").content.decode()
