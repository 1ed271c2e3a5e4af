from __future__ import annotations

import pytest

from accounts.models import Profile, User

pytestmark = pytest.mark.django_db


def _details(**overrides: str) -> dict:
    data = {
        "display_name": "Jane",
        "target_role": "Strategy consultant",
        "thinking_time": "long",
        "resume_text": "",
    }
    return data | overrides


def test_profile_page_shows_the_forms(client, candidate, django_assert_num_queries):
    client.force_login(candidate)
    client.get("/profile/")  # warms the cached billing snapshot shown in the navigation
    # session, user, profile
    with django_assert_num_queries(3):
        response = client.get("/profile/")
    assert response.status_code == 200
    page = response.content.decode()
    for field in (
        'name="display_name"',
        'name="target_role"',
        'name="thinking_time"',
        'name="resume"',
    ):
        assert field in page
    assert 'enctype="multipart/form-data"' in page


def test_profile_page_needs_login(client, db):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/profile/"


def test_saving_details_updates_the_profile(client, candidate):
    client.force_login(candidate)
    response = client.post("/profile/", _details(display_name="  Jane  "))
    assert response.status_code == 302
    profile = Profile.objects.get(user=candidate)
    assert (profile.display_name, profile.target_role, profile.thinking_time) == (
        "Jane",
        "Strategy consultant",
        "long",
    )
    assert User.objects.get(pk=candidate.pk).display_name == "Jane"


def test_candidate_can_correct_the_extracted_resume_text(client, candidate):
    Profile.objects.filter(user=candidate).update(resume_text="Jnae Deo", resume_filename="cv.pdf")
    client.force_login(candidate)
    client.post("/profile/", _details(resume_text="Jane Doe\r\nAnalyst"))
    profile = Profile.objects.get(user=candidate)
    assert profile.resume_text == "Jane Doe\nAnalyst"
    assert profile.resume_updated_at is not None
    assert profile.resume_filename == "cv.pdf"


def test_unknown_thinking_time_is_refused(client, candidate):
    client.force_login(candidate)
    response = client.post("/profile/", _details(thinking_time="forever"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=candidate).thinking_time == "normal"


def test_user_created_without_a_profile_gets_one_on_first_visit(client, db):
    user = User.objects.create_user("bare@example.com", "correct-horse-battery")
    client.force_login(user)
    assert client.get("/profile/").status_code == 200
    assert Profile.objects.filter(user=user).count() == 1
