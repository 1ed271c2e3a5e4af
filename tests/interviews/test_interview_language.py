"""The interview's language (DESIGN section 11): chosen on create (API and pages), defaulting to
the profile's preference, refused when unknown, shown on the interview page."""

from __future__ import annotations

import pytest

from accounts.models import Profile
from interviews import services
from interviews.models import Interview
from tests.factories import api_as
from tests.factories import coffee_chain_case as make_case

pytestmark = pytest.mark.django_db


def _prefer(user, language: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"interview_language": language})
    user.refresh_from_db()


def test_api_creates_an_interview_in_the_language_asked_for(candidate):
    response = api_as(candidate).post(
        "/api/v1/interviews", {"kind": "job", "job_title": "Analyst", "language": "es"}, "json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["language"] == "es"
    assert Interview.objects.get(pk=response.json()["id"]).language == "es"


def test_api_defaults_to_the_profiles_language(candidate):
    _prefer(candidate, "de")

    response = api_as(candidate).post(
        "/api/v1/interviews", {"kind": "job", "job_title": "Analyst"}, "json"
    )

    assert response.status_code == 201
    assert response.json()["language"] == "de"


def test_api_defaults_to_english_without_a_preference(candidate):
    response = api_as(candidate).post(
        "/api/v1/interviews", {"kind": "case", "case_id": make_case().pk}, "json"
    )

    assert response.status_code == 201
    assert response.json()["language"] == "en"


@pytest.mark.parametrize("language", ["xx", "ES", "english", "", 7, ["es"], {"code": "es"}])
def test_api_rejects_unknown_languages(candidate, language):
    response = api_as(candidate).post(
        "/api/v1/interviews",
        {"kind": "job", "job_title": "Analyst", "language": language},
        "json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_language"
    assert set(body) == {"detail", "code"}
    assert "en, es, fr, de, pt, it, nl" in body["detail"]
    assert not Interview.objects.exists()


def test_the_service_refuses_an_unknown_language(candidate):
    with pytest.raises(services.InterviewError) as raised:
        services.interview_create(owner=candidate, kind="job", job_title="X", language="klingon")

    assert raised.value.code == "invalid_language"


def test_the_database_refuses_an_unsupported_language(candidate):
    from django.db import IntegrityError, transaction

    interview = services.interview_create(owner=candidate, kind="job", job_title="Analyst")
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=interview.pk).update(language="xx")


def test_practise_again_keeps_the_language(candidate):
    first = services.interview_create(owner=candidate, kind="job", job_title="A", language="it")

    again = services.interview_retry_create(interview=first, actor=candidate)

    assert again.language == "it"


def test_schema_documents_the_language(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    create = schema["components"]["schemas"]["InterviewCreateInput"]["properties"]["language"]
    output = schema["components"]["schemas"]["InterviewOutput"]["properties"]["language"]
    enum = schema["components"]["schemas"]["LanguageEnum"]

    assert create["nullable"] is True and "invalid_language" in create["description"]
    assert {"$ref": "#/components/schemas/LanguageEnum"} in create["oneOf"]
    assert output == {"$ref": "#/components/schemas/LanguageEnum"}
    assert enum["enum"] == ["en", "es", "fr", "de", "pt", "it", "nl"]


def test_new_job_interview_form_offers_the_languages_with_the_preference_chosen(client, candidate):
    _prefer(candidate, "fr")
    client.force_login(candidate)

    page = client.get("/interviews/new/").content.decode()

    assert 'name="language"' in page
    assert '<option value="fr" selected>French</option>' in page
    assert '<option value="nl">Dutch</option>' in page


def test_new_job_interview_form_creates_it_in_the_chosen_language(client, candidate):
    client.force_login(candidate)

    response = client.post("/interviews/new/", {"job_title": "Analyst", "language": "pt"})

    assert response.status_code == 302
    assert Interview.objects.get().language == "pt"


def test_new_job_interview_form_without_a_language_uses_the_preference(client, candidate):
    _prefer(candidate, "nl")
    client.force_login(candidate)

    client.post("/interviews/new/", {"job_title": "Analyst"})

    assert Interview.objects.get().language == "nl"


def test_new_interview_form_refuses_an_unknown_language(client, candidate):
    client.force_login(candidate)

    response = client.post("/interviews/new/", {"job_title": "Analyst", "language": "xx"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Interview.objects.exists()


def test_case_page_offers_the_language_and_starts_the_case_in_it(client, subscriber):
    case = make_case()
    _prefer(subscriber, "es")
    client.force_login(subscriber)

    page = client.get(f"/cases/{case.slug}/").content.decode()
    response = client.post(
        f"/interviews/new/?case={case.slug}", {"case": case.slug, "language": "fr"}
    )

    assert '<option value="es" selected>Spanish</option>' in page
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert (interview.case_id, interview.language) == (case.pk, "fr")


def test_interview_page_and_room_show_the_language(client, candidate):
    interview = services.interview_create(owner=candidate, kind="job", job_title="A", language="de")
    client.force_login(candidate)

    page = client.get(f"/interviews/{interview.pk}/").content.decode()
    room = client.get(f"/interviews/{interview.pk}/room/").content.decode()

    assert '<span data-role="interview-language">German</span>' in page
    assert '<span data-role="interview-language">German</span>' in room


def test_profile_saves_the_interview_language(client, candidate):
    client.force_login(candidate)

    response = client.post(
        "/profile/",
        {
            "display_name": "",
            "target_role": "",
            "thinking_time": "normal",
            "resume_text": "",
            "interview_language": "it",
        },
    )

    assert response.status_code == 302
    candidate.profile.refresh_from_db()
    assert candidate.profile.interview_language == "it"
    assert (
        '<option value="it" selected>Italian</option>' in client.get("/profile/").content.decode()
    )
