"""Every lifecycle transition, legal and illegal, through the API and the services realtime calls."""

from __future__ import annotations

import pytest

from billing import services as billing
from billing.models import LedgerEntry
from interviews import services
from interviews.models import Interview
from interviews.signals import interview_ended
from tests.factories import (
    add_turn,
    api_as,
    case_interview,
    job_interview,
    make_user,
    started_case_interview,
    started_job_interview,
)
from tests.factories import coffee_case as make_case

pytestmark = pytest.mark.django_db


def _url(interview: Interview, action: str = "") -> str:
    return f"/api/v1/interviews/{interview.pk}{'/' + action if action else ''}"


def _debits(user) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(user=user, kind=LedgerEntry.Kind.INTERVIEW_DEBIT))


# --- create ------------------------------------------------------------------------------------


def test_create_job_interview_is_a_draft_and_charges_nothing(candidate):
    response = api_as(candidate).post(
        "/api/v1/interviews",
        {"kind": "job", "job_title": " Data analyst ", "job_description": "SQL and dashboards"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["kind"] == "job"
    assert body["job_title"] == "Data analyst"
    interview = Interview.objects.get(pk=body["id"])
    assert interview.owner == candidate and interview.job_description == "SQL and dashboards"
    assert interview.time_limit_minutes == 30 and interview.question_count > 0
    assert billing.credits_balance(user_id=candidate.pk) == 3


def test_create_job_interview_snapshots_the_resume_when_asked(candidate):
    candidate.profile.resume_text = "Five years of SQL at a retailer."
    candidate.profile.save()
    response = api_as(candidate).post(
        "/api/v1/interviews",
        {"kind": "job", "job_title": "Analyst", "use_resume": True},
        format="json",
    )
    assert response.status_code == 201
    assert Interview.objects.get().resume_text == "Five years of SQL at a retailer."


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"kind": "job"}, 400, "invalid"),
        ({"kind": "job", "job_title": "   "}, 400, "invalid"),
        ({"kind": "job", "job_title": "x" * 201}, 400, "invalid"),
        ({"kind": "job", "job_title": "Analyst", "use_resume": True}, 400, "resume_missing"),
        ({"kind": "case"}, 400, "invalid"),
        ({"kind": "case", "case_id": 999999}, 404, "case_not_found"),
        ({"kind": "interview"}, 400, "invalid"),
    ],
)
def test_create_rejects_bad_input_with_a_clear_error(candidate, payload, status, code):
    response = api_as(candidate).post("/api/v1/interviews", payload, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Interview.objects.exists()


def test_create_case_interview_refuses_unpublished_case_for_candidates(candidate, staff):
    case = make_case(published=False)
    payload = {"kind": "case", "case_id": case.pk}
    refused = api_as(candidate).post("/api/v1/interviews", payload, format="json")
    assert refused.status_code == 404 and refused.json()["code"] == "case_not_found"
    assert api_as(staff).post("/api/v1/interviews", payload, format="json").status_code == 201


# --- start ---------------------------------------------------------------------------------------


def test_start_job_charges_once_however_often_it_is_called(candidate):
    interview = job_interview(candidate)
    client = api_as(candidate)
    first = client.post(_url(interview, "start"))
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "in_progress"
    for _ in range(3):
        again = client.post(_url(interview, "start"))
        assert again.status_code == 200 and again.json()["status"] == "in_progress"
    interview.refresh_from_db()
    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert len(_debits(candidate)) == 1
    assert interview.credits_charged == 1 and interview.started_at is not None
    assert interview.instructions_snapshot.keys() == {"job"}
    assert "Data analyst" in interview.instructions_snapshot["job"]


def test_start_job_without_credits_is_402_and_changes_nothing(broke_candidate):
    interview = job_interview(broke_candidate)
    response = api_as(broke_candidate).post(_url(interview, "start"))
    assert response.status_code == 402
    assert response.json()["code"] == "insufficient_credits"
    assert "credit" in response.json()["detail"]
    interview.refresh_from_db()
    assert interview.status == "draft" and interview.credits_charged == 0
    assert interview.start_attempt == 0 and interview.instructions_snapshot == {}
    assert not _debits(broke_candidate)


def test_start_case_without_subscription_is_403(candidate):
    interview = case_interview(candidate)
    response = api_as(candidate).post(_url(interview, "start"))
    assert response.status_code == 403
    assert response.json()["code"] == "subscription_required"
    interview.refresh_from_db()
    assert interview.status == "draft" and interview.case_snapshot == {}


def test_start_case_with_subscription_snapshots_case_and_instructions_for_free(subscriber):
    case = make_case(questions=4)
    interview = case_interview(subscriber, case)
    response = api_as(subscriber).post(_url(interview, "start"))
    assert response.status_code == 200, response.json()
    interview.refresh_from_db()
    assert interview.status == "in_progress" and interview.credits_charged == 0
    assert billing.credits_balance(user_id=subscriber.pk) == 1
    assert interview.question_count == 4 and interview.time_limit_minutes == 25
    assert interview.case_snapshot["title"] == case.title
    assert [q["number"] for q in interview.case_snapshot["questions"]] == [1, 2, 3, 4]
    assert interview.instructions_snapshot.keys() == {"1", "2", "3", "4"}
    assert "How would you structure the problem?" in interview.instructions_snapshot["2"]
    # Later edits to the case do not change the interview's snapshot.
    case.questions.filter(number=2).update(prompt="Something else entirely")
    interview.refresh_from_db()
    assert "How would you structure" in interview.case_snapshot["questions"][1]["prompt"]


def test_staff_start_case_interviews_without_a_subscription(staff):
    interview = case_interview(staff)
    assert api_as(staff).post(_url(interview, "start")).status_code == 200


@pytest.mark.parametrize("status", ["completed", "abandoned", "failed"])
def test_start_of_a_finished_interview_is_409(candidate, status):
    interview = job_interview(candidate)
    Interview.objects.filter(pk=interview.pk).update(status=status)
    response = api_as(candidate).post(_url(interview, "start"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not _debits(candidate)


# --- questions -------------------------------------------------------------------------------------


def test_complete_questions_advance_and_the_last_completes_the_interview(subscriber):
    interview = started_case_interview(subscriber, make_case(questions=2))
    client = api_as(subscriber)
    first = client.post(_url(interview, "questions/1/complete"))
    assert first.status_code == 200
    assert first.json()["current_question"] == 2
    assert first.json()["questions_completed"] == 1 and first.json()["status"] == "in_progress"
    last = client.post(_url(interview, "questions/2/complete"))
    assert last.status_code == 200
    assert last.json()["status"] == "completed" and last.json()["questions_completed"] == 2
    interview.refresh_from_db()
    assert interview.end_reason == "all_questions_completed"
    assert interview.feedback_status == "pending" and interview.ended_at is not None
    # A retried request for a question already done changes nothing.
    again = client.post(_url(interview, "questions/2/complete"))
    assert again.status_code == 200 and again.json()["status"] == "completed"


def test_completing_an_earlier_question_again_is_harmless(subscriber):
    interview = started_case_interview(subscriber)
    client = api_as(subscriber)
    client.post(_url(interview, "questions/1/complete"))
    again = client.post(_url(interview, "questions/1/complete"))
    assert again.status_code == 200
    assert again.json()["current_question"] == 2 and again.json()["questions_completed"] == 1


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [(2, 400, "future_question"), (4, 404, "question_not_found"), (0, 404, "question_not_found")],
)
def test_complete_refuses_questions_out_of_order_or_range(subscriber, number, status, code):
    interview = started_case_interview(subscriber, make_case(questions=3))
    response = api_as(subscriber).post(_url(interview, f"questions/{number}/complete"))
    assert response.status_code == status
    assert response.json()["code"] == code
    interview.refresh_from_db()
    assert interview.current_question == 1 and interview.questions_completed == 0


def test_complete_on_a_draft_is_400(subscriber):
    interview = case_interview(subscriber)
    response = api_as(subscriber).post(_url(interview, "questions/1/complete"))
    assert response.status_code == 400
    assert response.json()["code"] == "interview_not_in_progress"


# --- end ------------------------------------------------------------------------------------------


def test_end_completes_queues_feedback_and_signals_after_commit(
    candidate, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(
        "interviews.tasks.feedback_generate_task.delay",
        lambda interview_id: queued.append(interview_id),
    )
    ended: list[dict] = []

    def receiver(sender, **kwargs):
        ended.append(kwargs)

    interview_ended.connect(receiver)
    try:
        interview = started_job_interview(candidate)
        Interview.objects.filter(pk=interview.pk).update(call_id="rtc_abc123")
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(candidate).post(_url(interview, "end"))
    finally:
        interview_ended.disconnect(receiver)
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["feedback_status"] == "pending"
    assert queued == [str(interview.pk)]
    assert ended == [
        {
            "signal": interview_ended,
            "interview_id": str(interview.pk),
            "call_id": "rtc_abc123",
            "reason": "ended_by_candidate",
        }
    ]
    interview.refresh_from_db()
    assert interview.end_reason == "ended_by_candidate" and interview.ended_at is not None


def test_end_twice_is_harmless_and_queues_nothing_more(
    candidate, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[str] = []
    monkeypatch.setattr(
        "interviews.tasks.feedback_generate_task.delay",
        lambda interview_id: queued.append(interview_id),
    )
    interview = started_job_interview(candidate)
    client = api_as(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(interview, "end"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(_url(interview, "end"))
    assert again.status_code == 200 and again.json()["status"] == "completed"
    assert callbacks == [] and queued == [str(interview.pk)]


def test_end_of_a_draft_is_400(candidate):
    interview = job_interview(candidate)
    response = api_as(candidate).post(_url(interview, "end"))
    assert response.status_code == 400
    assert response.json()["code"] == "interview_not_in_progress"
    assert "not started" in response.json()["detail"]


@pytest.mark.parametrize("status", ["abandoned", "failed"])
def test_end_of_an_abandoned_or_failed_interview_is_400(candidate, status):
    interview = started_job_interview(candidate)
    Interview.objects.filter(pk=interview.pk).update(status=status)
    response = api_as(candidate).post(_url(interview, "end"))
    assert response.status_code == 400
    assert response.json()["code"] == "interview_not_in_progress"
    interview.refresh_from_db()
    assert interview.status == status


# --- revert, minted, fail (the services the realtime app calls) -----------------------------------


def test_revert_refunds_and_a_later_start_charges_exactly_once_more(candidate):
    interview = started_job_interview(candidate)
    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert services.interview_start_revert(interview=interview, reason="upstream down") is True
    interview.refresh_from_db()
    assert interview.status == "draft" and interview.started_at is None
    assert billing.credits_balance(user_id=candidate.pk) == 3
    # Reverting again has nothing to refund.
    assert services.interview_start_revert(interview=interview, reason="again") is False
    client = api_as(candidate)
    assert client.post(_url(interview, "start")).status_code == 200
    assert client.post(_url(interview, "start")).status_code == 200
    interview.refresh_from_db()
    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert len(_debits(candidate)) == 2
    assert LedgerEntry.objects.filter(user=candidate, kind="refund").count() == 1
    assert (interview.credits_charged, interview.credits_refunded) == (2, 1)


def test_revert_after_a_session_was_minted_refunds_nothing(candidate):
    interview = started_job_interview(candidate)
    services.interview_session_minted(interview=interview)
    assert interview.first_minted_at is not None
    assert services.interview_start_revert(interview=interview, reason="reconnect failed") is False
    interview.refresh_from_db()
    assert interview.status == "in_progress" and interview.credits_refunded == 0
    assert billing.credits_balance(user_id=candidate.pk) == 2


def test_session_minted_keeps_the_first_time(candidate):
    interview = started_job_interview(candidate)
    services.interview_session_minted(interview=interview)
    first = Interview.objects.get(pk=interview.pk).first_minted_at
    services.interview_session_minted(interview=Interview.objects.get(pk=interview.pk))
    assert Interview.objects.get(pk=interview.pk).first_minted_at == first


def test_fail_refunds_when_never_minted(candidate):
    interview = started_job_interview(candidate)
    failed = services.interview_fail(interview=interview, reason="upstream_error")
    assert failed.status == "failed" and failed.credits_refunded == 1
    assert billing.credits_balance(user_id=candidate.pk) == 3


def test_fail_after_minting_keeps_the_charge(candidate):
    interview = started_job_interview(candidate)
    services.interview_session_minted(interview=interview)
    failed = services.interview_fail(interview=interview, reason="ice_failed")
    assert failed.status == "failed" and failed.credits_refunded == 0
    assert billing.credits_balance(user_id=candidate.pk) == 2


def test_fail_of_a_finished_interview_is_an_invalid_transition(candidate):
    interview = started_job_interview(candidate)
    services.interview_end(interview=interview, actor=candidate)
    with pytest.raises(services.InvalidTransition) as excinfo:
        services.interview_fail(interview=interview, reason="late")
    assert excinfo.value.status == 409
    assert Interview.objects.get(pk=interview.pk).status == "completed"


def test_a_case_interview_ends_with_its_snapshot_even_if_the_case_changes(subscriber):
    case = make_case(questions=1)
    interview = started_case_interview(subscriber, case)
    add_turn(interview)
    case.title = "Renamed"
    case.save()
    ended = services.interview_end(interview=interview, actor=subscriber)
    assert ended.title == "Case coffee-chain-profits"


# --- concurrency (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_starts_charge_once(postgres_only):
    import threading

    from django.db import connection

    owner = make_user("racer@example.com", credits=3)
    interview = job_interview(owner)
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def start() -> None:
        try:
            barrier.wait()
            statuses.append(api_as(owner).post(_url(interview, "start")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 10
    assert len(_debits(owner)) == 1
    assert billing.credits_balance(user_id=owner.pk) == 2
    assert Interview.objects.get(pk=interview.pk).credits_charged == 1
