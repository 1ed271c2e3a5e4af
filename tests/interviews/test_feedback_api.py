"""GET /api/v1/interviews/{id}/feedback: 200 report, 202 pending, 409 not enough, access rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

from interviews.feedback import feedback_generate
from interviews.report_signals import SIGNAL_NAMES
from tests.factories import CASE_SNAPSHOT, api_as, finished_case_interview, finished_job_interview


def _url(interview_id: object) -> str:
    return f"/api/v1/interviews/{interview_id}/feedback"


def test_ready_report_has_the_measured_analytics_and_strong_answers(
    candidate, django_assert_num_queries
):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    client = api_as(candidate)

    with django_assert_num_queries(2):  # the interview, its feedback
        response = client.get(_url(interview.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["source"] == "analytics"
    assert body["assessment"] is None  # no AI key in tests: no invented scores
    assert body["analytics"]["label"] == "measured"
    assert body["analytics"]["overall"]["words_per_minute"] == 56.4
    first = body["questions"][0]
    assert first["prompt"] == CASE_SNAPSHOT["questions"][0]["prompt"]
    assert first["answer"].startswith("Um, I would split profit")
    assert first["strong_answer"] == CASE_SNAPSHOT["questions"][0]["evaluator_context"]
    assert first["measured"]["coverage"]["missing"] == ["segment costs"]


def test_pending_is_202_with_retry_after(candidate):
    interview = finished_case_interview(candidate)

    response = api_as(candidate).get(_url(interview.pk))

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response["Retry-After"] == "5"


def test_near_empty_transcript_is_409_not_enough_to_assess(candidate):
    interview = finished_case_interview(
        candidate, turns=[(1, "candidate", "Um, hello?", 0, 1000, "speech")]
    )
    feedback_generate(interview_id=interview.pk)

    response = api_as(candidate).get(_url(interview.pk))

    assert response.status_code == 409
    assert response.json()["code"] == "not_enough_to_assess"


def test_unfinished_interview_has_no_report(candidate):
    interview = finished_case_interview(candidate, feedback_status="none")

    response = api_as(candidate).get(_url(interview.pk))

    assert response.status_code == 409
    assert response.json()["code"] == "feedback_not_requested"


def test_another_candidate_gets_403(candidate, other_candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)

    response = api_as(other_candidate).get(_url(interview.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "analytics" not in response.json()


def test_staff_can_read_any_report(candidate, staff):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)

    assert api_as(staff).get(_url(interview.pk)).status_code == 200


def test_unknown_interview_is_404(candidate):
    response = api_as(candidate).get(_url(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json()["code"] == "interview_not_found"


def test_anonymous_is_401(candidate, api_client):
    interview = finished_case_interview(candidate)

    response = api_client.get(_url(interview.pk))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_report_json_has_the_second_wave_fields(candidate):
    interview = finished_job_interview(candidate)
    interview.ended_at = interview.started_at + timedelta(seconds=50)
    interview.save(update_fields=["ended_at"])
    feedback_generate(interview_id=interview.pk)

    body = api_as(candidate).get(_url(interview.pk)).json()

    assert body["rubric"] is None  # no scores, no rubric
    assert body["duration_seconds"] == 50
    assert body["setup"] == {
        "job_title": "Product manager",
        "job_description": "Own the roadmap for a B2B analytics product.",
    }
    assert body["previous"] is None
    first = body["questions"][0]
    assert [s["name"] for s in first["signals"]] == list(SIGNAL_NAMES)
    situation = next(s for s in first["signals"] if s["name"] == "star_situation")
    assert situation == {
        "name": "star_situation",
        "present": True,
        "evidence": "I was the product manager for our analytics product and owned the roadmap "
        "with two engineering teams.",
    }
    assert first["example_answer"] is None  # a job interview without a key: none invented
