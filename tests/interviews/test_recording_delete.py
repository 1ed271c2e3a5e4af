"""DELETE /api/v1/interviews/{id}/recording: the owner removes the file (and any unfinished upload)."""

from __future__ import annotations

import pytest

from interviews import recordings
from interviews.models import Interview, Recording, RecordingChunk
from tests.factories import WEBM, api_as, chunk, recorded_interview, recordings_dir_use, upload


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path):
    return recordings_dir_use(settings, tmp_path)


def _delete(client, interview):
    return client.delete(f"/api/v1/interviews/{interview.pk}/recording")


def _files(directory) -> list:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def test_owner_deletes_the_recording_and_its_file(
    candidate, _recordings, django_capture_on_commit_callbacks
):
    interview = recorded_interview(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        upload(interview)
    assert len(_files(_recordings)) == 1  # the joined file; its chunks are gone

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(api_as(candidate), interview)

    assert response.status_code == 204
    assert not Recording.objects.exists()
    assert _files(_recordings) == []
    assert api_as(candidate).get(f"/api/v1/interviews/{interview.pk}/recording").status_code == 404


def test_deleting_an_unfinished_upload_removes_its_chunks(
    candidate, _recordings, django_capture_on_commit_callbacks
):
    interview = recorded_interview(candidate)
    for seq in range(2):
        recordings.recording_chunk_store(
            interview=interview, seq=seq, content_type=WEBM, data=chunk(seq)
        )

    with django_capture_on_commit_callbacks(execute=True):
        assert _delete(api_as(candidate), interview).status_code == 204

    assert not RecordingChunk.objects.exists()
    assert _files(_recordings) == []
    # A new recording can start over from chunk 0.
    client = api_as(candidate)
    again = client.post(
        f"/api/v1/interviews/{interview.pk}/recording/chunks?seq=0",
        data=chunk(0),
        content_type=WEBM,
    )
    assert again.status_code == 201


def test_nothing_to_delete_is_404(candidate):
    interview = recorded_interview(candidate)

    response = _delete(api_as(candidate), interview)

    assert response.status_code == 404
    assert response.json()["code"] == "recording_not_found"


def test_someone_else_or_nobody_gets_404(candidate, other_candidate, api_client):
    interview = recorded_interview(candidate)
    upload(interview)

    for client in (api_as(other_candidate), api_client):
        assert _delete(client, interview).status_code == 404
    assert Recording.objects.filter(status="ready").count() == 1


def test_deleting_interviews_deletes_their_files(
    candidate, _recordings, django_capture_on_commit_callbacks
):
    interview = recorded_interview(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        upload(interview)
        unfinished = recorded_interview(candidate)
        recordings.recording_chunk_store(
            interview=unfinished, seq=0, content_type=WEBM, data=chunk(0)
        )
    assert len(_files(_recordings)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        Interview.objects.filter(owner=candidate).delete()  # staff, in the admin

    assert not Recording.objects.exists()
    assert _files(_recordings) == []
