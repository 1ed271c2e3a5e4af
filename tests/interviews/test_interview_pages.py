"""The new-interview form, the interview page (transcript by question) and the room page."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import override_settings

from interviews import services
from interviews.models import Interview
from tests.factories import (
    add_turn,
    case_interview,
    job_interview,
    make_user,
    started_case_interview,
    started_job_interview,
)
from tests.factories import coffee_case as make_case

pytestmark = pytest.mark.django_db


def _room_data(html: str) -> dict:
    match = re.search(r'<script id="room-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "room-data json_script missing"
    return json.loads(match.group(1))


# --- /interviews/new/ ----------------------------------------------------------------------------


def test_new_form_disables_use_resume_without_a_resume(client, candidate):
    client.force_login(candidate)
    html = client.get("/interviews/new/").content.decode()
    assert 'name="job_title"' in html and 'name="job_description"' in html
    assert re.search(r'<input[^>]*name="use_resume"[^>]*disabled', html)
    assert "Upload a resume on your profile" in html


def test_new_form_enables_use_resume_with_a_resume(client, candidate):
    candidate.profile.resume_text = "Ten years of retail analytics."
    candidate.profile.save()
    client.force_login(candidate)
    html = client.get("/interviews/new/").content.decode()
    assert not re.search(r'<input[^>]*name="use_resume"[^>]*disabled', html)


def test_new_job_interview_redirects_to_the_room(client, candidate):
    candidate.profile.resume_text = "Ten years of retail analytics."
    candidate.profile.save()
    client.force_login(candidate)
    response = client.post(
        "/interviews/new/",
        {"job_title": "Buyer", "job_description": "Own the range.", "use_resume": "on"},
    )
    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{interview.pk}/room/"
    assert (interview.kind, interview.status, interview.job_title) == ("job", "draft", "Buyer")
    assert interview.resume_text == "Ten years of retail analytics."


def test_new_job_interview_without_a_title_shows_the_error(client, candidate):
    client.force_login(candidate)
    response = client.post("/interviews/new/", {"job_title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Interview.objects.exists()


def test_new_with_a_case_shows_a_confirm_and_creates_the_case_interview(client, subscriber):
    case = make_case(questions=4)
    client.force_login(subscriber)
    html = client.get(f"/interviews/new/?case={case.slug}").content.decode()
    assert 'data-role="case-confirm"' in html and case.title in html and "4 questions" in html
    assert "need an active subscription" not in html
    response = client.post("/interviews/new/", {"case": case.slug})
    interview = Interview.objects.get()
    assert response["Location"] == f"/interviews/{interview.pk}/room/"
    assert interview.kind == "case" and interview.case == case


def test_new_with_a_case_tells_a_candidate_without_subscription(client, candidate):
    case = make_case()
    client.force_login(candidate)
    html = client.get(f"/interviews/new/?case={case.slug}").content.decode()
    assert "need an active subscription" in html and "/billing/pricing/" in html


def test_new_with_an_unknown_or_unpublished_case_is_404(client, candidate):
    make_case(slug="hidden", published=False)
    client.force_login(candidate)
    assert client.get("/interviews/new/?case=nope").status_code == 404
    assert client.get("/interviews/new/?case=hidden").status_code == 404


# --- /interviews/<id>/ ------------------------------------------------------------------------------


def test_interview_page_groups_the_transcript_by_question(client, subscriber):
    interview = started_case_interview(subscriber, make_case(questions=2))
    add_turn(interview, speaker="interviewer", question=1)
    add_turn(interview, speaker="candidate", question=1)
    add_turn(interview, speaker="candidate", question=2)
    client.force_login(subscriber)
    html = client.get(f"/interviews/{interview.pk}/").content.decode()
    q1, q2 = html.index('data-question="1"'), html.index('data-question="2"')
    assert q1 < html.index("Turn 1 from the interviewer") < html.index("Turn 2 from the candidate")
    assert html.index("Turn 2 from the candidate") < q2 < html.index("Turn 3 from the candidate")
    assert "Question 2: How would you structure the problem?" in html
    assert "Revenue and cost branches" not in html  # evaluator context never shown


def test_interview_page_of_another_candidate_is_403_and_unknown_is_404(
    client, candidate, other_candidate
):
    interview = job_interview(candidate)
    client.force_login(other_candidate)
    assert client.get(f"/interviews/{interview.pk}/").status_code == 403
    assert client.get(f"/interviews/{interview.pk}/room/").status_code == 403
    assert client.get(f"/interviews/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/interviews/{uuid.uuid4()}/room/").status_code == 404


def test_staff_see_any_interview_page(client, candidate, staff):
    interview = job_interview(candidate)
    client.force_login(staff)
    assert client.get(f"/interviews/{interview.pk}/").status_code == 200
    assert client.get(f"/interviews/{interview.pk}/room/").status_code == 200


# --- /interviews/<id>/room/ ---------------------------------------------------------------------------


def test_room_of_a_case_interview_carries_the_server_data(client, subscriber):
    interview = case_interview(subscriber, make_case(questions=3))
    client.force_login(subscriber)
    html = client.get(f"/interviews/{interview.pk}/room/").content.decode()
    assert '<section id="room" data-state="idle"' in html
    for action in ("start", "end", "next-question", "mute", "send-text"):
        assert f'data-action="{action}"' in html
    for role in ("typed-answer", "transcript", "stage"):
        assert f'data-role="{role}"' in html
    data = _room_data(html)
    api = f"/api/v1/interviews/{interview.pk}"
    assert data["interview_id"] == str(interview.pk)
    assert (data["kind"], data["status"], data["question_count"]) == ("case", "draft", 3)
    assert data["case_title"] == "Case coffee-chain-profits" and data["current_question"] == 1
    assert [q["number"] for q in data["questions"]] == [1, 2, 3]
    assert data["time_limit_minutes"] == 25 and data["deadline"] is None
    assert data["urls"] == {
        "health": "/api/v1/realtime/health",
        "start": f"{api}/start",
        "calls": f"{api}/calls",
        "question_calls": f"{api}/questions/{{n}}/calls",
        "events": f"{api}/events",
        "complete": f"{api}/questions/{{n}}/complete",
        "end": f"{api}/end",
        "transcript": f"{api}/transcript",
        "me": "/api/v1/me",
        "interview_page": f"/interviews/{interview.pk}/",
        # Buying from the room comes back to the room.
        "pricing": f"/billing/pricing/?next=%2Finterviews%2F{interview.pk}%2Froom%2F",
    }
    assert (data["credit_cost"], data["start_refused"]) == (0, "")  # a subscriber's case
    assert "evaluator" not in html and "Revenue and cost branches" not in html


def test_room_of_a_started_job_interview_has_its_deadline(client, candidate):
    interview = started_job_interview(candidate)
    client.force_login(candidate)
    data = _room_data(client.get(f"/interviews/{interview.pk}/room/").content.decode())
    assert data["kind"] == "job" and data["status"] == "in_progress"
    assert data["job_title"] == "Data analyst" and data["questions"] == []
    assert data["deadline"] == interview.deadline.isoformat()
    assert data["credit_cost"] == 1 and data["start_refused"] == ""


@override_settings(INTERVIEW_CREDIT_COST=2)
def test_the_room_says_what_starting_costs_from_billings_entitlement(client):
    rich, broke = make_user("rich@example.com", credits=5), make_user("broke@example.com")
    client.force_login(rich)
    html = client.get(f"/interviews/{job_interview(rich).pk}/room/").content.decode()
    assert _room_data(html)["credit_cost"] == 2 and "Starting uses 2 credits" in html
    # The End dialog says the same cost, and that the report follows.
    assert "Starting used 2 credits; ending does not use another." in html
    assert "Your report follows" in html

    client.force_login(broke)
    html = client.get(f"/interviews/{job_interview(broke).pk}/room/").content.decode()
    refused = _room_data(html)["start_refused"]
    assert "credit" in refused and refused in html  # said before Start, not after


def test_interview_page_shows_only_the_questions_already_asked_until_the_end(client, subscriber):
    interview = case_interview(subscriber, make_case(questions=3))
    client.force_login(subscriber)
    page = f"/interviews/{interview.pk}/"
    html = client.get(page).content.decode()
    assert "What would you like to know" not in html and "No transcript yet." in html

    interview = services.interview_start(interview=interview, actor=subscriber)
    html = client.get(page).content.decode()
    assert "Question 1: What would you like to know" in html
    assert "How would you structure the problem?" not in html

    services.interview_question_complete(interview=interview, actor=subscriber, question_number=1)
    html = client.get(page).content.decode()
    assert "Question 2: How would you structure the problem?" in html
    assert "break even" not in html

    services.interview_end(interview=interview, actor=subscriber)
    html = client.get(page).content.decode()
    assert "Question 3: How many units must they sell to break even?" in html


def test_job_interviews_show_planned_questions_not_a_count_of_zero_completed(client, candidate):
    interview = started_job_interview(candidate)
    services.interview_end(interview=interview, actor=candidate)
    client.force_login(candidate)
    count = interview.question_count
    detail = client.get(f"/interviews/{interview.pk}/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert f"up to {count} questions" in detail and f"0/{count}" not in detail
    assert f"up to {count}</td>" in dashboard and f"0/{count}" not in dashboard
    assert 'class="badge badge-ok">Completed' in detail
