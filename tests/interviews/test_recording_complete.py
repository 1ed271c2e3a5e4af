"""POST /api/v1/interviews/{id}/recording/complete: chunks joined in order into one checked file;
a missing chunk is a 409 naming it, so the browser sends it and completes again."""

from __future__ import annotations

import pytest

from interviews import recordings
from interviews.models import Recording, RecordingChunk
from tests.factories import (
    WEBM,
    api_as,
    chunk,
    recorded_interview,
    recording_bytes,
    recordings_dir_use,
)


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path):
    return recordings_dir_use(settings, tmp_path)


def _chunk(client, interview, seq, data=None):
    return client.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq={seq}",
        data=chunk(seq) if data is None else data,
        content_type=WEBM,
    )


def _complete(client, interview, chunks, offset_ms=0):
    return client.post(
        f"/api/v1/interviews/{interview.pk}/recording/complete",
        {"chunks": chunks, "offset_ms": offset_ms},
        format="json",
    )


def test_chunks_sent_out_of_order_are_joined_in_order(
    candidate, _recordings, django_capture_on_commit_callbacks
):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    for seq in (2, 0, 1):
        assert _chunk(client, interview, seq).status_code == 201

    with django_capture_on_commit_callbacks(execute=True):
        response = _complete(client, interview, 3, offset_ms=1500)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["size"] == len(recording_bytes(3))
    assert body["offset_ms"] == 1500
    assert body["url"] == f"/api/v1/interviews/{interview.pk}/recording"
    recording = Recording.objects.get(interview=interview)
    assert (_recordings / recording.file_name).read_bytes() == recording_bytes(3)
    assert recording.file_name.endswith(".webm")
    # The pieces are gone once joined.
    assert not RecordingChunk.objects.exists()
    assert list((_recordings / "chunks" / str(interview.pk)).iterdir()) == []


def test_a_missing_chunk_is_named_and_completing_again_after_it_works(candidate, _recordings):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    for seq in (0, 1, 3):
        _chunk(client, interview, seq)

    refused = _complete(client, interview, 4)

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Chunk 2 has not arrived; upload it and complete again.",
        "code": "recording_chunk_missing",
        "missing_seq": 2,
    }
    assert Recording.objects.get(interview=interview).status == "uploading"

    assert _chunk(client, interview, 2).status_code == 201
    resumed = _complete(client, interview, 4)

    assert resumed.status_code == 200
    recording = Recording.objects.get(interview=interview)
    assert (_recordings / recording.file_name).read_bytes() == recording_bytes(4)


def test_a_missing_last_chunk_is_found_from_the_count(candidate):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    _chunk(client, interview, 0)

    response = _complete(client, interview, 2)

    assert response.status_code == 409
    assert response.json()["missing_seq"] == 1


def test_completing_with_nothing_uploaded_names_chunk_zero(candidate):
    interview = recorded_interview(candidate)

    response = _complete(api_as(candidate), interview, 1)

    assert response.status_code == 409
    assert response.json()["missing_seq"] == 0


def test_completing_twice_returns_the_same_recording(candidate):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    _chunk(client, interview, 0)
    first = _complete(client, interview, 1).json()

    again = _complete(client, interview, 1)

    assert again.status_code == 200
    assert again.json() == first
    assert Recording.objects.count() == 1


def test_no_more_chunks_once_complete(candidate):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    _chunk(client, interview, 0)
    _complete(client, interview, 1)

    response = _chunk(client, interview, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "recording_complete"


def test_chunks_after_the_declared_count_are_left_out(candidate, _recordings):
    interview = recorded_interview(candidate)
    client = api_as(candidate)
    for seq in range(3):
        _chunk(client, interview, seq)

    _complete(client, interview, 2)

    recording = Recording.objects.get(interview=interview)
    assert (_recordings / recording.file_name).read_bytes() == recording_bytes(2)


def test_the_joined_file_is_checked_by_content(candidate):
    interview = recorded_interview(candidate)
    # A first chunk that passed its own check but whose file is no longer WebM (edited storage).
    recordings.recording_chunk_store(interview=interview, seq=0, content_type=WEBM, data=chunk(0))
    part = RecordingChunk.objects.get()
    recordings.recording_storage().delete(part.file_name)
    recordings.recording_storage().save(part.file_name, _content(b"RIFF" + b"\x00" * 100))

    response = _complete(api_as(candidate), interview, 1)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_recording"
    assert Recording.objects.get().status == "uploading"


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_not_enabled_is_409(candidate):
    from tests.factories import started_job_interview

    interview = started_job_interview(candidate)

    response = _complete(api_as(candidate), interview, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "recording_not_enabled"


def test_someone_else_gets_404(candidate, other_candidate, api_client):
    interview = recorded_interview(candidate)
    _chunk(api_as(candidate), interview, 0)

    for client in (api_as(other_candidate), api_client):
        assert _complete(client, interview, 1).status_code == 404
    assert Recording.objects.get().status == "uploading"


def test_count_must_be_positive(candidate):
    interview = recorded_interview(candidate)

    response = _complete(api_as(candidate), interview, 0)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
