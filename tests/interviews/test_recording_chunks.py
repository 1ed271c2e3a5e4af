"""POST /api/v1/interviews/{id}/recording/chunks?seq=N: idempotent by number, type and size checked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from interviews.models import Recording, RecordingChunk
from interviews.recordings import CHUNK_MAX_BYTES
from tests.factories import (
    WEBM,
    api_as,
    chunk,
    recorded_interview,
    recordings_dir_use,
    started_job_interview,
)


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path):
    return recordings_dir_use(settings, tmp_path)


def _post(client, interview, seq, data, content_type=WEBM):
    return client.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq={seq}",
        data=data,
        content_type=content_type,
    )


def test_chunks_are_stored_in_any_order(candidate, _recordings):
    interview = recorded_interview(candidate)
    client = api_as(candidate)

    second = _post(client, interview, 1, chunk(1))
    first = _post(client, interview, 0, chunk(0))

    assert (second.status_code, first.status_code) == (201, 201)
    assert first.json() == {
        "seq": 0,
        "stored": True,
        "chunks": 2,
        "bytes": len(chunk(0)) + len(chunk(1)),
    }
    stored = RecordingChunk.objects.filter(recording__interview=interview).order_by("seq")
    assert [c.seq for c in stored] == [0, 1]
    assert Recording.objects.get(interview=interview).content_type == "audio/webm"
    assert len(list((_recordings / "chunks" / str(interview.pk)).iterdir())) == 2


def test_the_same_chunk_again_is_a_harmless_repeat(candidate, _recordings):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    _post(client, interview, 0, chunk(0))

    again = _post(client, interview, 0, chunk(0))

    assert again.status_code == 200
    assert again.json()["stored"] is False
    assert RecordingChunk.objects.filter(recording__interview=interview).count() == 1
    assert len(list((_recordings / "chunks" / str(interview.pk)).iterdir())) == 1


def test_different_bytes_for_a_stored_number_are_a_conflict(candidate):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    _post(client, interview, 1, chunk(1))

    response = _post(client, interview, 1, chunk(2))

    assert response.status_code == 409
    assert response.json()["code"] == "chunk_conflict"


def test_interview_without_recording_is_refused(candidate):
    interview = started_job_interview(candidate)  # the profile does not record by default

    response = _post(api_as(candidate), interview, 0, chunk(0))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Recording is not switched on for this interview.",
        "code": "recording_not_enabled",
    }
    assert not Recording.objects.exists()


def test_a_chunk_over_one_megabyte_is_413(candidate):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, 1, b"x" * (CHUNK_MAX_BYTES + 1))

    assert response.status_code == 413
    assert response.json()["code"] == "chunk_too_large"
    assert set(response.json()) == {"detail", "code"}
    assert not RecordingChunk.objects.exists()


def test_exactly_one_megabyte_is_accepted(candidate):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, 1, b"x" * CHUNK_MAX_BYTES)

    assert response.status_code == 201


def test_the_recording_is_capped_by_its_minutes(candidate, settings):
    settings.RECORDING_MAX_MINUTES = 1  # 960 000 bytes at most
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    assert _post(client, interview, 0, chunk(0, size=600_000)).status_code == 201

    response = _post(client, interview, 1, chunk(1, size=600_000))

    assert response.status_code == 413
    assert response.json()["code"] == "recording_too_large"


@pytest.mark.parametrize("content_type", ["video/mp4", "application/octet-stream", "text/plain"])
def test_other_media_types_are_415(candidate, content_type):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, 0, chunk(0), content_type=content_type)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_first_chunk_that_is_not_webm_is_refused_by_its_content(candidate):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, 0, b"ID3\x03" + b"\x00" * 500)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_ogg_opus_is_accepted_but_not_mixed_with_webm(candidate):
    from tests.factories import OGG_HEAD

    interview = recorded_interview(candidate)
    client = api_as(candidate)
    assert _post(client, interview, 0, OGG_HEAD + b"1" * 100, "audio/ogg").status_code == 201

    response = _post(client, interview, 1, chunk(1), WEBM)

    assert response.status_code == 415


@pytest.mark.parametrize("seq", ["", "-1", "x", "999999"])
def test_a_bad_sequence_number_is_400(candidate, seq):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, seq, chunk(1))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_seq"


def test_an_empty_chunk_is_400(candidate):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, 1, b"")

    assert response.status_code == 400
    assert response.json()["code"] == "empty_chunk"


def test_a_draft_interview_cannot_be_recorded_yet(candidate):
    from interviews import services

    interview = services.interview_create(owner=candidate, kind="job", job_title="X", record=True)

    response = _post(api_as(candidate), interview, 0, chunk(0))

    assert response.status_code == 409
    assert response.json()["code"] == "interview_not_in_progress"


def test_someone_else_or_nobody_gets_404(candidate, other_candidate, api_client):
    interview = recorded_interview(candidate)

    for client in (api_as(other_candidate), api_client):
        response = _post(client, interview, 0, chunk(0))
        assert response.status_code == 404
        assert response.json()["code"] == "interview_not_found"
    assert not Recording.objects.exists()


def test_session_uploads_need_the_csrf_token(candidate, client):
    from django.test import Client

    from tests.factories import PASSWORD

    interview = recorded_interview(candidate)
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(email=candidate.email, password=PASSWORD)

    response = _post(browser, interview, 0, chunk(0))

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_a_browser_session_with_its_csrf_token_uploads(candidate):
    # The session's CSRF check reads the body before the view: an audio body must not trip it.
    from django.test import Client

    from tests.factories import PASSWORD

    interview = recorded_interview(candidate)
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(email=candidate.email, password=PASSWORD)
    browser.get(f"/interviews/{interview.pk}/room/")
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq=0",
        data=chunk(0),
        content_type=WEBM,
        headers={"X-CSRFToken": token},
    )
    too_large = browser.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq=1",
        data=b"x" * (CHUNK_MAX_BYTES + 1),
        content_type=WEBM,
        headers={"X-CSRFToken": token},
    )
    wrong_type = browser.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq=1",
        data=chunk(1),
        content_type="video/mp4",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 201, response.content
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "chunk_too_large"
    assert wrong_type.status_code == 415
    assert wrong_type.json()["detail"] == "Upload the recording as audio/webm or audio/ogg (Opus)."


def test_chunk_zero_places_the_recording_on_the_transcript_clock(candidate):
    import time_machine

    interview = recorded_interview(candidate)
    client = api_as(candidate)
    # Chunk 0 arrives 9.5 s after the start; the recorder had run 4.2 s when it sent it.
    with time_machine.travel(interview.started_at + timedelta(milliseconds=9500), tick=False):
        assert _post(client, interview, "0&elapsed_ms=4200", chunk(0)).status_code == 201

    assert Recording.objects.get(interview=interview).offset_ms == 5300
    complete = client.post(
        f"/api/v1/interviews/{interview.pk}/recording/complete", {"chunks": 1}, format="json"
    )
    assert complete.json()["offset_ms"] == 5300  # kept when complete does not say otherwise


def test_a_bad_elapsed_time_is_400(candidate):
    interview = recorded_interview(candidate)

    response = _post(api_as(candidate), interview, "0&elapsed_ms=-3", chunk(0))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_elapsed_ms"
    assert not Recording.objects.exists()
