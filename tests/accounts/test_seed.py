from __future__ import annotations

import pytest

from accounts.models import Profile, User
from accounts.seed import DEMO_CANDIDATE, DEMO_STAFF, demo_users_seed

pytestmark = pytest.mark.django_db


def test_demo_people_can_log_in_even_when_confirmation_is_mandatory(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    demo_users_seed()
    for email, password in (DEMO_CANDIDATE, DEMO_STAFF):
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302
        assert response["Location"] == "/dashboard/"
        client.logout()


def test_seeding_twice_keeps_one_of_each(db):
    demo_users_seed()
    demo_users_seed()
    assert User.objects.filter(email__endswith="@vocahire.local").count() == 2
    assert Profile.objects.filter(user__email__endswith="@vocahire.local").count() == 2
    assert User.objects.get(email=DEMO_STAFF[0]).is_staff
