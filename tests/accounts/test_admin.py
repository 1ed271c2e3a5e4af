from __future__ import annotations

import pytest

from accounts.models import Profile, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> User:
    user = make_user("root@example.com", is_staff=True)
    user.is_superuser = True
    user.save()
    return user


def test_user_list_has_a_fixed_query_count(client, superuser, django_assert_num_queries):
    for n in range(5):
        make_user(f"person{n}@example.com")
    client.force_login(superuser)
    client.get("/admin/accounts/user/")
    # session, user, count, count (filtered), page of users joined with profiles
    with django_assert_num_queries(5):
        response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert "person4@example.com" in response.content.decode()


def test_staff_can_fix_a_profile_from_the_user_page(client, superuser, candidate):
    client.force_login(superuser)
    page = client.get(f"/admin/accounts/user/{candidate.pk}/change/")
    assert page.status_code == 200
    assert "profile-0-display_name" in page.content.decode()


def test_staff_can_add_a_user_by_email(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "added@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-display_name": "Added",
            "profile-0-target_role": "",
            "profile-0-thinking_time": "normal",
            "profile-0-resume_text": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="added@example.com")
    assert Profile.objects.get(user=user).display_name == "Added"
