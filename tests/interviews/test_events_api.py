"""POST /interviews/{id}/events: stage timings, call ids and transcript turns, batched."""

from __future__ import annotations

import json

import pytest

from interviews.models import Interview, StageTiming, TranscriptTurn
from interviews.services import TURN_TEXT_MAX
from interviews.signals import interview_call_reported
from tests.factories import api_as, job_interview, started_job_interview

pytestmark = pytest.mark.django_db


def _events_url(interview: Interview) -> str:
    return f"/api/v1/interviews/{interview.pk}/events"


def _stage(stage: str, elapsed_ms: int, **extra: object) -> dict:
    return {"type": "stage", "attempt": "a1", "question_number": 1, "stage": stage,
            "elapsed_ms": elapsed_ms, **extra}  # fmt: skip


def _turn(turn_id: str, speaker: str = "candidate", text: str = "I would segment costs.") -> dict:
    return {"type": "turn", "id": turn_id, "question_number": 1, "speaker": speaker, "text": text,
            "start_ms": 1200, "duration_ms": 3400, "source": "speech"}  # fmt: skip


BATCH = [
    _stage("requesting_mic", 5),
    _stage("fetching_token", 180),
    _stage("active", 1450),
    _turn("item_1", "interviewer", "Tell me about yourself."),
    _turn("item_2"),
]


def test_a_batch_stores_stage_timings_and_turns(candidate):
    interview = started_job_interview(candidate)
    response = api_as(candidate).post(_events_url(interview), {"events": BATCH}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stages"] == {"stored": 3, "duplicates": 0}
    assert response.json()["turns"] == {"stored": 2, "duplicates": 0, "empty": 0}
    assert list(interview.timings.values_list("stage", "elapsed_ms")) == [
        ("requesting_mic", 5),
        ("fetching_token", 180),
        ("active", 1450),
    ]
    turn = interview.turns.get(client_turn_id="item_2")
    assert (turn.speaker, turn.text, turn.start_ms, turn.duration_ms, turn.source) == (
        "candidate",
        "I would segment costs.",
        1200,
        3400,
        "speech",
    )


def test_resending_a_batch_stores_nothing_twice(candidate):
    interview = started_job_interview(candidate)
    client = api_as(candidate)
    client.post(_events_url(interview), {"events": BATCH}, format="json")
    again = client.post(
        _events_url(interview), {"events": [*BATCH, _turn("item_3")]}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["stages"] == {"stored": 0, "duplicates": 3}
    assert again.json()["turns"] == {"stored": 1, "duplicates": 2, "empty": 0}
    assert TranscriptTurn.objects.filter(interview=interview).count() == 3
    assert StageTiming.objects.filter(interview=interview).count() == 3


def test_duplicates_inside_one_batch_are_stored_once(candidate):
    interview = started_job_interview(candidate)
    events = [_turn("item_1"), _turn("item_1"), _stage("active", 9), _stage("active", 10)]
    response = api_as(candidate).post(_events_url(interview), {"events": events}, format="json")
    assert response.status_code == 200
    assert interview.turns.count() == 1 and interview.timings.count() == 1


def test_empty_turns_are_not_stored_and_long_text_is_capped(candidate):
    interview = started_job_interview(candidate)
    events = [_turn("silence", text="   "), _turn("long", text="a" * (TURN_TEXT_MAX + 500))]
    response = api_as(candidate).post(_events_url(interview), {"events": events}, format="json")
    assert response.json()["turns"] == {"stored": 1, "duplicates": 0, "empty": 1}
    assert len(interview.turns.get().text) == TURN_TEXT_MAX


def test_stage_timings_are_accepted_before_start_but_turns_are_not(candidate):
    interview = job_interview(candidate)
    client = api_as(candidate)
    stages = client.post(
        _events_url(interview), {"events": [_stage("testing_api", 40, error="")]}, format="json"
    )
    assert stages.status_code == 200 and interview.timings.count() == 1
    turns = client.post(_events_url(interview), {"events": [_turn("item_1")]}, format="json")
    assert turns.status_code == 400
    assert turns.json()["code"] == "interview_not_in_progress"
    assert not interview.turns.exists()


def test_turns_sent_after_the_end_are_still_kept(candidate):
    interview = started_job_interview(candidate)
    client = api_as(candidate)
    client.post(f"/api/v1/interviews/{interview.pk}/end")
    response = client.post(_events_url(interview), {"events": [_turn("item_9")]}, format="json")
    assert response.status_code == 200 and interview.turns.count() == 1


def test_a_new_call_id_is_stored_and_reported_after_commit(
    candidate, django_capture_on_commit_callbacks
):
    interview = started_job_interview(candidate)
    reported: list[dict] = []

    def receiver(sender, **kwargs):
        reported.append(kwargs)

    interview_call_reported.connect(receiver)
    try:
        client = api_as(candidate)
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(
                _events_url(interview),
                {"events": [{"type": "call", "call_id": "rtc_abc123"}]},
                format="json",
            )
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                _events_url(interview),
                {"events": [{"type": "call", "call_id": "rtc_abc123"}]},
                format="json",
            )
    finally:
        interview_call_reported.disconnect(receiver)
    assert first.status_code == 200 and first.json()["call_id"] == "rtc_abc123"
    assert Interview.objects.get(pk=interview.pk).call_id == "rtc_abc123"
    assert len(reported) == 1
    assert reported[0]["interview_id"] == str(interview.pk)
    assert reported[0]["call_id"] == "rtc_abc123"
    assert reported[0]["deadline"] == interview.deadline


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "events"),
        ([{"type": "mystery"}], '"type"'),
        (["not an object"], '"type"'),
        ([{**_turn("t1"), "speaker": "narrator"}], "speaker"),
        ([{**_turn("t1"), "start_ms": -5}], "start_ms"),
        ([{**_turn("t1"), "id": "has spaces"}], "id"),
        ([{**_stage("active", 1), "stage": "DROP TABLE"}], "stage"),
        ([{"type": "call", "call_id": "rtc_<script>"}], "call_id"),
        ([{"type": "call"}], "call_id"),
    ],
)
def test_invalid_events_are_refused_and_nothing_is_stored(candidate, events, message):
    interview = started_job_interview(candidate)
    response = api_as(candidate).post(_events_url(interview), {"events": events}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert message in response.json()["detail"]
    assert not interview.turns.exists() and not interview.timings.exists()


def test_a_question_number_outside_the_interview_is_refused(candidate):
    interview = started_job_interview(candidate)
    event = {**_turn("t1"), "question_number": interview.question_count + 1}
    response = api_as(candidate).post(_events_url(interview), {"events": [event]}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "question_not_found"


def test_more_than_200_events_are_refused(candidate):
    interview = started_job_interview(candidate)
    events = [_stage(f"stage_{n}", n) for n in range(201)]
    response = api_as(candidate).post(_events_url(interview), {"events": events}, format="json")
    assert response.status_code == 400
    assert "200" in response.json()["detail"]
    assert not interview.timings.exists()


def test_a_body_over_64_kb_is_refused(candidate):
    interview = started_job_interview(candidate)
    body = json.dumps({"events": [_turn("t1", text="x" * 70_000)]})
    response = api_as(candidate).post(_events_url(interview), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not interview.turns.exists()


def test_events_keep_a_fixed_query_count(candidate, django_assert_num_queries):
    interview = started_job_interview(candidate)
    client = api_as(candidate)
    events = [_stage(f"stage_{n}", n) for n in range(50)] + [_turn(f"t{n}") for n in range(50)]
    # interview (access), savepoint, insert timings (skipping stored ones), existing turns,
    # insert turns, release: the same for 1 or 100 events, and no lock (no state changes)
    with django_assert_num_queries(6):
        assert (
            client.post(_events_url(interview), {"events": events}, format="json").status_code
            == 200
        )


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_concurrently_is_stored_once(postgres_only):
    import threading

    from django.db import connection

    from tests.factories import make_user

    owner = make_user("racer@example.com", credits=1)
    interview = started_job_interview(owner)
    barrier = threading.Barrier(5)
    statuses: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            response = api_as(owner).post(_events_url(interview), {"events": BATCH}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 5
    assert interview.turns.count() == 2 and interview.timings.count() == 3


@pytest.mark.parametrize(
    "events",
    [
        [{"type": "stage", "attempt": "a1", "stage": "requesting_mic", "elapsed_ms": 0}],
        [{"type": "stage", "attempt": " a1 ", "stage": "active", "elapsed_ms": 5, "error": ""}],
        [{"type": "stage", "attempt": "a1", "stage": "active", "elapsed_ms": "7"}],
        [{"type": "call", "call_id": "rtc_123"}, {"type": "call", "call_id": "bad id"}],
        [{"type": "turn", "id": "t1", "speaker": "candidate", "text": " hi ", "start_ms": 1}],
        [{"type": "turn", "id": "rt:x", "speaker": "candidate", "text": "hi", "start_ms": 1}],
        [{"type": "turn", "id": "t1", "speaker": "nobody", "text": "hi", "start_ms": 1}],
        [{"type": "turn", "id": "t1", "speaker": "candidate", "text": "a\x00b", "start_ms": 1}],
        [
            {
                "type": "turn",
                "id": "t1",
                "speaker": "interviewer",
                "text": "",
                "start_ms": 0,
                "duration_ms": 3,
                "source": "typed",
                "question_number": 2,
                "extra": 1,
            }
        ],
        [{"type": "turn", "id": "t1", "speaker": "candidate", "text": 5, "start_ms": True}],
        [{"type": "stage", "attempt": "a1", "stage": "x", "elapsed_ms": None}],
        [{"type": ["stage"]}],
        [{"type": "other"}],
        ["stage"],
        [],
    ],
)
def test_the_plain_check_of_a_batch_agrees_with_the_serializers(events):
    from interviews.api.interviews import InterviewEventsApi, events_valid

    serializer = InterviewEventsApi.Input(data={"events": events})
    plain = events_valid({"events": events})
    if serializer.is_valid():
        # Plainly valid batches give exactly what the serializers give.
        assert plain == [dict(e) for e in serializer.validated_data["events"]]
    else:
        assert plain is None  # the serializers answer, with their own errors


def test_a_list_for_a_type_is_a_400_not_a_500(candidate):
    interview = started_job_interview(candidate)
    response = api_as(candidate).post(
        _events_url(interview), {"events": [{"type": ["stage"]}]}, format="json"
    )
    assert response.status_code == 400
